import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '@rxadr/core';
import { fingerprint, xmlSignatures } from '@rxadr/signing';
import { httpTransport } from '@rxadr/transport';
import { createTestCa } from '@rxadr/testing';

/** Spawns the BUILT bin (`pnpm test` builds first), talks to it over the real transport, then kills it. */
const BIN = fileURLToPath(new URL('../dist/cli/cli.js', import.meta.url));

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Array<Record<string, unknown>>;
  /** Resolves with the first JSON line matching `predicate`. */
  next(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
}

const children: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(args: string[]): Running {
  const child = spawn(process.execPath, [BIN, 'mock-vtn', '--port', '0', ...args]);
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = JSON.parse(buffer.slice(0, i)) as Record<string, unknown>;
      buffer = buffer.slice(i + 1);
      lines.push(line);
      for (const w of waiters.splice(0)) (w.predicate(line) ? w.resolve(line) : waiters.push(w));
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    next: (predicate) => {
      const seen = lines.find(predicate);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
  };
}

describe.skipIf(!existsSync(BIN))('rxadr mock-vtn (built bin)', () => {
  it('prints its URL first, answers over HTTP, logs each exchange as JSON lines, plays an event schedule and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxadr-mock-vtn-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'events.json'), JSON.stringify([{ at: 'PT0S', start: 'PT1M', duration: 'PT10M', eventID: 'cli-event', intervals: [{ duration: 'PT10M', value: 2 }] }]));
    const vtn = start(['--poll-frequency', 'PT1S', '--events', join(dir, 'events.json')]);
    const first = await vtn.next(() => true);
    expect(first).toMatchObject({ event: 'listening', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), pollFrequency: 'PT1S', scheduledEvents: 1 });
    const transport = httpTransport({ vtnUrl: String(first['url']) });
    const send = async (service: 'EiRegisterParty' | 'EiEvent', body: string) => decodeMessage(await firstValueFrom(transport.send({ service, body })));
    const reg = await send('EiRegisterParty', encodeMessage({ type: 'oadrCreatePartyRegistration', requestID: 'r', oadrProfileName: '2.0b', oadrTransportName: 'simpleHttp', oadrReportOnly: false, oadrXmlSignature: false, oadrVenName: 'cli', oadrHttpPullModel: true }));
    expect(reg).toMatchObject({ ok: true, message: { type: 'oadrCreatedPartyRegistration', venID: 'VEN-1' } });
    const events = await send('EiEvent', encodeMessage({ type: 'oadrRequestEvent', eiRequestEvent: { requestID: 'q', venID: 'VEN-1' } }));
    expect(events.ok && events.message.type === 'oadrDistributeEvent' && events.message.oadrEvent?.map((e) => e.eiEvent.eventDescriptor.eventID)).toEqual(['cli-event']);
    await transport.close?.();
    await vtn.next((l) => l['event'] === 'answered' && l['service'] === 'EiEvent');
    expect(vtn.lines.filter((l) => l['event'] === 'received').map((l) => l['type'])).toEqual(['oadrCreatePartyRegistration', 'oadrRequestEvent']);
    expect(vtn.lines.find((l) => l['event'] === 'answered')).toMatchObject({ status: 200, service: 'EiRegisterParty' });
    vtn.child.kill('SIGTERM');
    expect(await vtn.exited).toBe(0);
    expect(vtn.lines.at(-1)).toMatchObject({ event: 'stopped', signal: 'SIGTERM' });
  });

  it('serves mutual TLS and XML signatures from PEM files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxadr-mock-vtn-'));
    dirs.push(dir);
    const ca = await createTestCa({ keyType: 'ec' });
    const [server, client] = await Promise.all([ca.issue({ commonName: 'vtn', keyType: 'ec', ipAddresses: ['127.0.0.1'] }), ca.issue({ commonName: 'ven', keyType: 'ec' })]);
    const files = { 'ca.pem': ca.certPem, 'vtn.crt': server.certPem, 'vtn.key': server.keyPem };
    for (const [name, pem] of Object.entries(files)) writeFileSync(join(dir, name), pem);
    const f = (name: string): string => join(dir, name);
    const vtn = start(['--cert', f('vtn.crt'), '--key', f('vtn.key'), '--ca', f('ca.pem'), '--sign-cert', f('vtn.crt'), '--sign-key', f('vtn.key'), '--trust-fingerprint', fingerprint(client.certPem)]);
    const first = await vtn.next(() => true);
    expect(first).toMatchObject({ url: expect.stringMatching(/^https:/), signingFingerprint: fingerprint(server.certPem) });
    const http = httpTransport({ vtnUrl: String(first['url']), tls: { cert: client.certPem, key: client.keyPem, ca: ca.certPem } });
    const transport = xmlSignatures({ identity: client, trust: { fingerprints: [fingerprint(server.certPem)] } })(http);
    const answer = decodeMessage(await firstValueFrom(transport.send({ service: 'EiRegisterParty', body: encodeMessage({ type: 'oadrQueryRegistration', requestID: 'q' }) })));
    expect(answer).toMatchObject({ ok: true, message: { type: 'oadrCreatedPartyRegistration', vtnID: 'MOCK-VTN-1' } });
    await transport.close?.();
    vtn.child.kill('SIGINT');
    expect(await vtn.exited).toBe(0);
  });
});
