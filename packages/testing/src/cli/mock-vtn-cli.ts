import { fingerprint } from '@rxadr/signing';
import type { CliIo } from './cli-io.js';
import { createHttpMockVtn, type HttpMockVtnOptions } from '../mock-vtn/create-http-mock-vtn.js';
import { parseEventSchedule, playEventSchedule } from '../mock-vtn/event-schedule.js';
import { summarize } from '../mock-vtn/vtn-expectations.js';

/** One-line usage of `rxadr mock-vtn`. */
export const MOCK_VTN_USAGE =
  'mock-vtn [--port P] [--host H] [--cert C --key K [--ca CA]] [--sign-cert C --sign-key K] [--trust-fingerprint F]... [--trust-ca FILE]... [--poll-frequency PT10S] [--events FILE]  a standalone mock VTN logging JSON lines';

const OPTIONS = ['port', 'host', 'cert', 'key', 'ca', 'sign-cert', 'sign-key', 'trust-fingerprint', 'trust-ca', 'poll-frequency', 'events', 'vtn-id'] as const;
type OptionName = (typeof OPTIONS)[number];

class MockVtnUsageError extends Error {}

function parse(args: readonly string[]): Map<OptionName, string[]> {
  const options = new Map<OptionName, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const eq = arg.indexOf('=');
    const name = (arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : '') as OptionName;
    if (!OPTIONS.includes(name)) throw new MockVtnUsageError(`unknown argument ${arg}`);
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') throw new MockVtnUsageError(`--${name} needs a value`);
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  return options;
}

/** Turns the command line into createHttpMockVtn options (files read through `io`). */
export function mockVtnOptions(args: readonly string[], io: CliIo): { options: HttpMockVtnOptions; events: string | undefined } {
  const o = parse(args);
  const one = (name: OptionName): string | undefined => {
    const values = o.get(name) ?? [];
    if (values.length > 1) throw new MockVtnUsageError(`--${name} given more than once`);
    return values[0];
  };
  const file = (name: OptionName): string | undefined => {
    const path = one(name);
    return path === undefined ? undefined : io.readFile(path);
  };
  const port = Number(one('port') ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new MockVtnUsageError(`--port must be 0–65535`);
  const [cert, key, ca] = [file('cert'), file('key'), file('ca')];
  if ((cert === undefined) !== (key === undefined)) throw new MockVtnUsageError('--cert and --key go together');
  if (ca !== undefined && cert === undefined) throw new MockVtnUsageError('--ca (mutual TLS) needs --cert and --key');
  const [signCert, signKey] = [file('sign-cert'), file('sign-key')];
  if ((signCert === undefined) !== (signKey === undefined)) throw new MockVtnUsageError('--sign-cert and --sign-key go together');
  const fingerprints = o.get('trust-fingerprint') ?? [];
  const trustCa = (o.get('trust-ca') ?? []).map((path) => io.readFile(path));
  const trust = fingerprints.length || trustCa.length ? { ...(fingerprints.length ? { fingerprints } : {}), ...(trustCa.length ? { ca: trustCa } : {}) } : undefined;
  const options: HttpMockVtnOptions = {
    port,
    host: one('host') ?? '127.0.0.1',
    pollFrequency: one('poll-frequency') ?? 'PT10S',
    ...(one('vtn-id') !== undefined ? { vtnID: one('vtn-id')! } : {}),
    ...(cert !== undefined && key !== undefined ? { tls: { cert, key, ...(ca !== undefined ? { ca } : {}) } } : {}),
    ...(signCert !== undefined || trust ? { signing: { ...(signCert !== undefined && signKey !== undefined ? { identity: { certPem: signCert, keyPem: signKey } } : {}), ...(trust ? { trust } : {}) } } : {}),
  };
  return { options, events: file('events') };
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
 * `rxadr mock-vtn`: a standalone mock VTN (the HTTP front door of the test VTN) for trying a
 * VEN by hand or from another process. Logs JSON lines on stdout: first
 * `{"event":"listening","url":…}`, then one `received` line per VEN message (type, service,
 * venID, fault, refusal) and one `answered` line per HTTP exchange (status, bytes), and
 * `{"event":"stopped"}` after SIGINT/SIGTERM.
 */
export async function runMockVtn(args: readonly string[], io: CliIo, stop: () => Promise<unknown> = untilSignal): Promise<number> {
  let parsed;
  try {
    parsed = mockVtnOptions(args, io);
  } catch (error) {
    if (!(error instanceof MockVtnUsageError)) throw error;
    io.stderr(`rxadr mock-vtn: ${error.message}\nusage: rxadr ${MOCK_VTN_USAGE}\n`);
    return 2;
  }
  const line = (entry: Record<string, unknown>): void => io.stdout(`${JSON.stringify(entry)}\n`);
  const schedule = parsed.events !== undefined ? parseEventSchedule(parsed.events) : [];
  const vtn = await createHttpMockVtn({ ...parsed.options, log: (entry) => line({ event: 'answered', ...entry }) });
  const signer = parsed.options.signing?.identity;
  line({ event: 'listening', url: vtn.url, vtnID: vtn.model.vtnID, pollFrequency: vtn.model.pollFrequency, ...(signer ? { signingFingerprint: fingerprint(signer.certPem) } : {}), scheduledEvents: schedule.length });
  const received = vtn.recorder.requests$.subscribe((r) =>
    line({ event: 'received', at: r.at.toISOString(), service: r.service, type: r.message?.type ?? null, summary: summarize(r), ...(r.fault ? { fault: r.fault } : {}), ...(r.rejected ? { rejected: r.rejected } : {}), ...(r.via ? { via: r.via } : {}) }),
  );
  const playing = playEventSchedule(vtn.model, schedule);
  const signal = await stop();
  playing.unsubscribe();
  received.unsubscribe();
  await vtn.close();
  line({ event: 'stopped', signal: typeof signal === 'string' ? signal : null });
  return 0;
}
