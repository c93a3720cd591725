import { appendFileSync } from 'node:fs';
import { Duration } from '@rxadr/core';
import { fingerprint } from '@rxadr/signing';
import { UsageError, listOption, runCommand, stringOption, type CommandSpec, type ParsedArgs } from './args.js';
import type { CliIo } from './cli-io.js';
import { createHttpMockVtn, type HttpMockVtnOptions } from '../mock-vtn/create-http-mock-vtn.js';
import { parseEventsFile, playEventSchedule, type EventsFile } from '../mock-vtn/event-schedule.js';
import { listenVtnControl } from '../mock-vtn/vtn-control.js';
import { summarize } from '../mock-vtn/vtn-expectations.js';
import { createVtnReportSide } from '../mock-vtn/vtn-report-side.js';
import { requestOfferedReports, type OfferedReportsPolicy } from '../mock-vtn/vtn-report-requests.js';

export const MOCK_VTN_COMMAND: CommandSpec = {
  name: 'mock-vtn',
  summary: 'a standalone VTN to test a VEN against, logging every exchange as JSON lines',
  synopsis: '[--port P] [--host H] [--vtn-id ID] [--poll-frequency PT10S] [--events FILE] [--control PORT] [--log FILE] [report, TLS and signing options]',
  options: {
    port: { type: 'string', short: 'p', value: 'P', description: 'TCP port; 0 picks a free one; default 8080' },
    host: { type: 'string', value: 'H', description: 'address to listen on; default 127.0.0.1' },
    'vtn-id': { type: 'string', value: 'ID', description: 'the vtnID it answers with; default MOCK-VTN-1' },
    'poll-frequency': { type: 'string', value: 'DURATION', description: 'oadrRequestedOadrPollFreq; default PT10S' },
    events: { type: 'string', value: 'FILE', description: 'events to publish and reports to request (JSON; schema/mock-vtn-events.schema.json)' },
    control: { type: 'string', value: 'PORT', description: 'serve the control interface (create, modify, cancel events; read reports) on 127.0.0.1:PORT' },
    log: { type: 'string', value: 'FILE', description: 'append every JSON line to this file too' },
    reports: { type: 'string', value: 'WHICH', description: "VEN reports to request: 'telemetry' (default) or 'none'" },
    'report-granularity': { type: 'string', value: 'DURATION', description: "wanted granularity, within the VEN's sampling rate; default PT1M" },
    'report-back-duration': { type: 'string', value: 'DURATION', description: 'wanted reportBackDuration; default one granularity' },
    cert: { type: 'string', value: 'FILE', description: 'server certificate (PEM): serve HTTPS' },
    key: { type: 'string', value: 'FILE', description: 'its private key (PEM)' },
    ca: { type: 'string', value: 'FILE', description: 'require client certificates issued by this CA (mutual TLS)' },
    'sign-cert': { type: 'string', value: 'FILE', description: 'sign every answer with this certificate (XML signatures)' },
    'sign-key': { type: 'string', value: 'FILE', description: 'its private key' },
    'trust-fingerprint': { type: 'string', multiple: true, value: 'F', description: 'require VEN messages signed by this fingerprint' },
    'trust-ca': { type: 'string', multiple: true, value: 'FILE', description: 'require VEN messages signed under this CA' },
  },
  details:
    'Registers VENs, publishes the events of --events with eventStatus from its clock, requests every telemetry report\n' +
    'a VEN offers (flags and the events file choose otherwise) and prints the data it receives. Logs JSON lines on\n' +
    'stdout: first {"event":"listening","url":…}, then one line per VEN request, per HTTP answer, per report request\n' +
    'and per delivered report, and {"event":"stopped"} after SIGINT or SIGTERM. The events-file format and the\n' +
    'control interface are described in docs/cli.md.',
  examples: [
    'mock-vtn --port 8080 --events events.json --control 8081',
    'mock-vtn --cert vtn.crt --key vtn.key --ca ven-ca.crt --sign-cert vtn.crt --sign-key vtn.key --trust-ca ven-ca.crt',
  ],
};

/** Turns the command line into createHttpMockVtn options (files read through `io`). */
/** What `rxadr mock-vtn` runs with, from its command line (files read through `io`). */
export interface MockVtnRun {
  readonly options: HttpMockVtnOptions;
  readonly events: EventsFile;
  readonly reports: OfferedReportsPolicy;
  readonly control: number | undefined;
  readonly log: string | undefined;
}

const port = (text: string, name: string): number => {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535) throw new UsageError(`--${name} must be 0–65535`);
  return value;
};

export function mockVtnOptions(parsed: ParsedArgs, io: CliIo): MockVtnRun {
  const one = (name: string): string | undefined => stringOption(parsed, name);
  const file = (name: string): string | undefined => {
    const path = one(name);
    return path === undefined ? undefined : io.readFile(path);
  };
  const listen = port(one('port') ?? '8080', 'port');
  const control = one('control');
  const which = one('reports');
  if (which !== undefined && which !== 'telemetry' && which !== 'none') throw new UsageError(`--reports must be 'telemetry' or 'none'`);
  for (const name of ['poll-frequency', 'report-granularity', 'report-back-duration']) {
    const value = one(name);
    if (value !== undefined && !Duration.parse(value)) throw new UsageError(`--${name} '${value}' is not an ISO 8601 duration (e.g. PT10S)`);
  }
  const [cert, key, ca] = [file('cert'), file('key'), file('ca')];
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--cert and --key go together');
  if (ca !== undefined && cert === undefined) throw new UsageError('--ca (mutual TLS) needs --cert and --key');
  const [signCert, signKey] = [file('sign-cert'), file('sign-key')];
  if ((signCert === undefined) !== (signKey === undefined)) throw new UsageError('--sign-cert and --sign-key go together');
  const fingerprints = [...listOption(parsed, 'trust-fingerprint')];
  const trustCa = listOption(parsed, 'trust-ca').map((path) => io.readFile(path));
  const trust = fingerprints.length || trustCa.length ? { ...(fingerprints.length ? { fingerprints } : {}), ...(trustCa.length ? { ca: trustCa } : {}) } : undefined;
  const options: HttpMockVtnOptions = {
    port: listen,
    host: one('host') ?? '127.0.0.1',
    pollFrequency: one('poll-frequency') ?? 'PT10S',
    ...(one('vtn-id') !== undefined ? { vtnID: one('vtn-id')! } : {}),
    ...(cert !== undefined && key !== undefined ? { tls: { cert, key, ...(ca !== undefined ? { ca } : {}) } } : {}),
    ...(signCert !== undefined || trust ? { signing: { ...(signCert !== undefined && signKey !== undefined ? { identity: { certPem: signCert, keyPem: signKey } } : {}), ...(trust ? { trust } : {}) } } : {}),
  };
  const text = file('events');
  const events = text === undefined ? { events: [], reports: {} } : parseEventsFile(text);
  const granularity = one('report-granularity');
  const back = one('report-back-duration');
  const reports: OfferedReportsPolicy = {
    ...events.reports,
    ...(which !== undefined ? { request: which } : {}),
    ...(granularity !== undefined ? { granularity } : {}),
    ...(back !== undefined ? { reportBackDuration: back } : {}),
  };
  return { options, events, reports, control: control === undefined ? undefined : port(control, 'control'), log: one('log') };
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * `rxadr mock-vtn`: a standalone mock VTN (the HTTP front door of the test VTN) for testing a VEN
 * by hand or from another process (docs/cli.md). Logs JSON lines on stdout (and `--log FILE`):
 * `listening` first, then `received` per VEN message, `answered` per HTTP exchange,
 * `report-request` per batch of report requests, `report` per delivered oadrUpdateReport (the
 * data), `control` per change through the control interface, and `stopped` after SIGINT/SIGTERM.
 */
export function runMockVtn(args: readonly string[], io: CliIo, stop: () => Promise<unknown> = untilSignal): number | Promise<number> {
  return runCommand(MOCK_VTN_COMMAND, args, io, (parsed) => serve(mockVtnOptions(parsed, io), io, stop));
}

async function serve(run: MockVtnRun, io: CliIo, stop: () => Promise<unknown>): Promise<number> {
  const line = (entry: Record<string, unknown>): void => {
    const text = `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`;
    io.stdout(text);
    if (run.log !== undefined) appendFileSync(run.log, text);
  };
  const vtn = await createHttpMockVtn({ ...run.options, log: (entry) => line({ event: 'answered', ...entry }) });
  vtn.model.reports = requestOfferedReports(createVtnReportSide(), run.reports, (venID, specs) => line({ event: 'report-request', venID: venID ?? null, requests: specs }));
  const control = run.control === undefined ? undefined : await listenVtnControl(vtn, { port: run.control, log: (entry) => line({ event: 'control', ...entry }) });
  const signer = run.options.signing?.identity;
  line({
    event: 'listening',
    url: vtn.url,
    vtnID: vtn.model.vtnID,
    pollFrequency: vtn.model.pollFrequency,
    ...(signer ? { signingFingerprint: fingerprint(signer.certPem) } : {}),
    scheduledEvents: run.events.events.length,
    reports: run.reports.request ?? 'telemetry',
    ...(control ? { control: control.url } : {}),
  });
  const received = vtn.recorder.requests$.subscribe((r) => {
    line({ event: 'received', service: r.service, type: r.message?.type ?? null, summary: summarize(r), ...(r.fault ? { fault: r.fault } : {}), ...(r.rejected ? { rejected: r.rejected } : {}), ...(r.via ? { via: r.via } : {}) });
    const m = r.message;
    if (m?.type !== 'oadrUpdateReport' || r.rejected !== undefined || r.fault !== undefined) return;
    for (const report of m.oadrReport ?? []) {
      const points = (report.intervals ?? []).flatMap((interval) =>
        interval.streamPayloadBase.flatMap((p) =>
          p.type === 'oadrReportPayload' ? [{ rID: p.rID, start: (interval.dtstart ?? report.dtstart)?.toISOString() ?? null, value: p.payloadBase.type === 'payloadFloat' ? p.payloadBase.value : p.payloadBase }] : [],
        ),
      );
      line({ event: 'report', venID: m.venID ?? null, reportRequestID: report.reportRequestID, reportSpecifierID: report.reportSpecifierID, points });
    }
  });
  const playing = playEventSchedule(vtn.model, run.events.events);
  const signal = await stop();
  playing.unsubscribe();
  received.unsubscribe();
  await control?.close();
  await vtn.close();
  line({ event: 'stopped', signal: typeof signal === 'string' ? signal : null });
  return 0;
}
