import { Subject, filter, firstValueFrom, interval, map, type Observable } from 'rxjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createReports, createVen, telemetryUsage, type Ven } from '@rxadr/core';
import { httpTransport, rawXmlTap, type RawXmlExchange } from '@rxadr/transport';
import {
  createHttpMockVtn,
  createSchemaCheck,
  createTestCa,
  createVtnReportSide,
  faultLabel,
  startFailureSwitch,
  type Fault,
  type FailureSwitch,
  type HttpMockVtn,
  type RecordedRequest,
  type SwitchMode,
} from '@rxadr/testing';

/**
 * A VEN with a 1 s telemetry report over real mutual-TLS HTTPS to the HTTP mock VTN, through a
 * failure switch. While it samples, the VTN end turns into each failure class of a real network
 * for a while, then back; every interval must reach the VTN exactly once and nothing may be
 * counted as dropped. (The trickle sends a chunk every 100 ms, below the read timeout: only the
 * deadline ends it.)
 */

const POWER = 'meter-1/powerReal';
const RR = 'rr-live';
const HTML = '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login"></form></body></html>';

type Phase = { readonly name: string } & ({ readonly mode: Exclude<SwitchMode, 'pass'> } | { readonly fault: Fault });
const PHASES: readonly Phase[] = [
  { name: 'untrusted certificate', mode: 'untrusted' },
  { name: 'expired certificate', mode: 'expired' },
  { name: 'wrong host name', mode: 'wrong-host' },
  { name: 'protocol mismatch (TLS 1.3 only)', mode: 'tls13-only' },
  { name: 'cipher mismatch', mode: 'cipher-mismatch' },
  { name: 'garbage instead of a handshake', mode: 'garbage' },
  { name: 'plain HTTP on the TLS port', mode: 'plain-http' },
  { name: 'connection reset', mode: 'reset' },
  { name: 'reset during the handshake', mode: 'reset-in-handshake' },
  { name: 'HTML page with status 200', fault: { kind: 'raw', body: HTML } },
  { name: 'HTTP 503 with an HTML body', fault: { kind: 'raw', status: 503, body: HTML } },
  { name: 'oadrUpdatedReport 503', fault: { kind: 'openadr-code', code: '503' } },
  { name: 'an answer trickled past the deadline', fault: { kind: 'trickle', bytesPerChunk: 16, everyMs: 100 } },
];

let vtn: HttpMockVtn;
let front: FailureSwitch;
let ven: Ven;
let reports: ReturnType<typeof createReports>;
const dropped: unknown[] = [];
const sent = new Subject<RawXmlExchange>();
const vtnAnswers = createSchemaCheck();

beforeAll(async () => {
  const ca = await createTestCa({ keyType: 'ec', commonName: 'failure-classes root' });
  const stranger = await createTestCa({ keyType: 'ec', commonName: 'stranger root' });
  const day = 86_400_000;
  const [vtnTls, venTls, untrusted, expired, wrongHost] = await Promise.all([
    ca.issue({ commonName: 'vtn.local', keyType: 'ec', ipAddresses: ['127.0.0.1'], usage: 'server' }),
    ca.issue({ commonName: 'ven-tls', keyType: 'ec', usage: 'client' }),
    stranger.issue({ commonName: 'vtn.local', keyType: 'ec', ipAddresses: ['127.0.0.1'], usage: 'server' }),
    ca.issue({ commonName: 'vtn.local', keyType: 'ec', ipAddresses: ['127.0.0.1'], usage: 'server', notBefore: new Date(Date.now() - 3 * day), notAfter: new Date(Date.now() - day) }),
    ca.issue({ commonName: 'vtn.example.com', keyType: 'ec', hostnames: ['vtn.example.com'], usage: 'server' }),
  ]);
  const pair = (identity: { certPem: string; keyPem: string }) => ({ cert: identity.certPem, key: identity.keyPem });
  vtn = await createHttpMockVtn({ pollFrequency: 'PT1S', tls: { cert: vtnTls.certPem, key: vtnTls.keyPem, ca: ca.certPem } });
  const side = createVtnReportSide();
  vtn.model.reports = side;
  side.embedOnRegister({ reportRequestID: RR, reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1S', reportBackDuration: 'PT1S' });
  front = await startFailureSwitch(Number(new URL(vtn.url).port), { untrusted: pair(untrusted), expired: pair(expired), wrongHost: pair(wrongHost), valid: pair(vtnTls) });
  const http = httpTransport({ vtnUrl: front.url, tls: { cert: venTls.certPem, key: venTls.keyPem, ca: ca.certPem }, connectTimeout: 1_000, readTimeout: 1_000, deadlineMs: 1_500 });
  const transport = rawXmlTap((exchange) => sent.next(exchange))(http);
  const readings$: Observable<number> = interval(100).pipe(map((i) => 1_000 + i));
  reports = createReports({
    reports: [telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$, samplingRate: { min: 'PT1S', max: 'PT1H' } })],
    retry: { initialMs: 100, maxMs: 300 },
  });
  reports.dropped$.subscribe((d) => dropped.push(d));
  ven = createVen({ venName: 'failure-classes', transport, reports, backoff: { initialMs: 100, maxMs: 300 } });
  ven.start();
});

afterAll(async () => {
  await ven?.stop();
  await front?.close();
  await vtn?.close();
  for (const doc of vtn?.recorder.sent ?? []) if (doc.xml !== '') vtnAnswers.add(doc.service, doc.xml);
  await vtnAnswers.assertAllValid();
});

const requestIdOf = (xml: string): string => /requestID>([^<]+)</.exec(xml)?.[1] ?? '';
/** oadrUpdatedReport 2xx answers the VEN received, per requestID, and when the first arrived (order of the tap). */
const settled = new Map<string, number>();
const settledAt = new Map<string, number>();
const outgoing: Array<{ readonly id: string; readonly seq: number }> = [];
let sequence = 0;
sent.subscribe((e) => {
  sequence += 1;
  if (e.direction === 'out' && e.body.includes('oadrUpdateReport')) outgoing.push({ id: requestIdOf(e.body), seq: sequence });
  if (e.direction === 'in' && e.body.includes('oadrUpdatedReport') && /responseCode>2\d\d</.test(e.body)) {
    const id = requestIdOf(e.body);
    settled.set(id, (settled.get(id) ?? 0) + 1);
    if (!settledAt.has(id)) settledAt.set(id, sequence);
  }
});
const sentAfterSettled = (id: string, at: number): boolean => outgoing.some((o) => o.id === id && o.seq > at);

/** Resolves with the requestID of the first oadrUpdateReport the VEN sends twice from now: one failed attempt and its retry. */
const retriedDelivery = (): Promise<string> => {
  const seen = new Set<string>();
  return firstValueFrom(
    sent.pipe(
      filter((e) => e.direction === 'out' && e.body.includes('oadrUpdateReport')),
      map((e) => /requestID>([^<]+)</.exec(e.body)?.[1] ?? ''),
      filter((id) => id !== '' && (seen.has(id) || !seen.add(id))),
    ),
  );
};

/** Resolves when the VTN has accepted an oadrUpdateReport carrying an interval that starts at or after `at`. */
const acceptedFrom = (at: number): Promise<RecordedRequest> =>
  firstValueFrom(
    vtn.recorder.requests$.pipe(
      filter(
        (r) =>
          r.fault === undefined &&
          r.message?.type === 'oadrUpdateReport' &&
          (r.message.oadrReport ?? []).some((rep) => (rep.intervals ?? []).some((iv) => (iv.dtstart ?? rep.dtstart)!.getTime() >= at)),
      ),
    ),
  );

it('delivers every interval exactly once through every failure class, and counts nothing dropped', async () => {
  await acceptedFrom(0);
  for (const phase of PHASES) {
    const retried = retriedDelivery();
    if ('mode' in phase) front.set(phase.mode);
    else vtn.faults.inject(phase.fault, { ...(typeof phase.fault === 'object' && phase.fault.kind === 'openadr-code' ? { type: 'oadrUpdateReport' as const } : {}), forMs: 3_600_000 });
    // A report delivery failed inside this failure class and was tried again.
    const requestID = await retried;
    if ('mode' in phase) expect(front.accepted[phase.mode], phase.name).toBeGreaterThan(0);
    else expect(vtn.recorder.requests.filter((r) => r.message?.type === 'oadrUpdateReport' && r.message.requestID === requestID).map((r) => r.fault), phase.name).toContain(faultLabel(phase.fault));
    const restoredAt = Date.now();
    vtn.faults.clear();
    front.set('pass');
    // Deliveries go out in order, so a fresh interval accepted means the backlog went first.
    await acceptedFrom(restoredAt);
  }
  // Let the VEN hear the answer to the last accepted delivery before it stops (else it stays owed, correctly).
  const acceptedSoFar = new Set(vtn.recorder.requests.flatMap((r) => (r.fault === undefined && r.message?.type === 'oadrUpdateReport' ? [r.message.requestID] : []))).size;
  await firstValueFrom(reports.stats$.pipe(filter((s) => s.delivered >= acceptedSoFar)));
  await ven.stop();

  // What the VTN accepted: for each interval, the deliveries (requestIDs) that carried it.
  const carriers = new Map<number, Set<string>>();
  for (const r of vtn.recorder.requests) {
    if (r.fault !== undefined || r.message?.type !== 'oadrUpdateReport') continue;
    for (const report of r.message.oadrReport ?? []) {
      if (report.reportRequestID !== RR) continue;
      for (const iv of report.intervals ?? []) {
        const start = (iv.dtstart ?? report.dtstart)!.getTime();
        carriers.set(start, (carriers.get(start) ?? new Set()).add(r.message.requestID));
      }
    }
  }
  const starts = [...carriers.keys()].sort((a, b) => a - b);
  expect(starts.length).toBeGreaterThan(PHASES.length);
  // Exactly once: every interval in exactly one delivery; a delivery whose answer was lost on the
  // wire may reach the VTN again, but only under its own requestID, never as a second delivery.
  for (const [start, ids] of carriers) expect([...ids], `deliveries of the interval at ${new Date(start).toISOString()}`).toHaveLength(1);
  for (let i = 1; i < starts.length; i += 1) expect(starts[i]! - starts[i - 1]!, `gap before interval ${i}`).toBe(1_000);
  expect(vtn.reportData(POWER, RR).every((p) => typeof p.value === 'number')).toBe(true);
  // The VEN settled each delivery once: one 2xx oadrUpdatedReport per requestID, and none sent again after it.
  const deliveries = new Set([...carriers.values()].flatMap((ids) => [...ids]));
  expect([...settled.keys()].sort()).toEqual([...deliveries].sort());
  for (const [id, count] of settled) expect(count, `2xx answers to ${id}`).toBe(1);
  for (const [id, at] of settledAt) expect(sentAfterSettled(id, at), `${id} sent again after it was settled`).toBe(false);
  expect(reports.stats()).toMatchObject({ rejected: 0, droppedOverflow: 0, droppedRequestEnded: 0, droppedRegistrationEnded: 0 });
  expect(reports.stats().delivered).toBe(deliveries.size);
  expect(dropped).toEqual([]);
}, 120_000);
