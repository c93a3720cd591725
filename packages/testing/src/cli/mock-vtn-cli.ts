import { fingerprint } from '@rxadr/signing';
import { UsageError, listOption, runCommand, stringOption, type CommandSpec, type ParsedArgs } from './args.js';
import type { CliIo } from './cli-io.js';
import { createHttpMockVtn, type HttpMockVtnOptions } from '../mock-vtn/create-http-mock-vtn.js';
import { parseEventSchedule, playEventSchedule } from '../mock-vtn/event-schedule.js';
import { summarize } from '../mock-vtn/vtn-expectations.js';

export const MOCK_VTN_COMMAND: CommandSpec = {
  name: 'mock-vtn',
  summary: 'a standalone VTN to test a VEN against, logging every exchange as JSON lines',
  synopsis: '[--port P] [--host H] [--vtn-id ID] [--poll-frequency PT10S] [--events FILE] [TLS and signing options]',
  options: {
    port: { type: 'string', short: 'p', value: 'P', description: 'TCP port; 0 picks a free one; default 8080' },
    host: { type: 'string', value: 'H', description: 'address to listen on; default 127.0.0.1' },
    'vtn-id': { type: 'string', value: 'ID', description: 'the vtnID it answers with; default MOCK-VTN-1' },
    'poll-frequency': { type: 'string', value: 'DURATION', description: 'oadrRequestedOadrPollFreq; default PT10S' },
    events: { type: 'string', value: 'FILE', description: 'events to publish (JSON, see docs/cli.md)' },
    cert: { type: 'string', value: 'FILE', description: 'server certificate (PEM): serve HTTPS' },
    key: { type: 'string', value: 'FILE', description: 'its private key (PEM)' },
    ca: { type: 'string', value: 'FILE', description: 'require client certificates issued by this CA (mutual TLS)' },
    'sign-cert': { type: 'string', value: 'FILE', description: 'sign every answer with this certificate (XML signatures)' },
    'sign-key': { type: 'string', value: 'FILE', description: 'its private key' },
    'trust-fingerprint': { type: 'string', multiple: true, value: 'F', description: 'require VEN messages signed by this fingerprint' },
    'trust-ca': { type: 'string', multiple: true, value: 'FILE', description: 'require VEN messages signed under this CA' },
  },
  details: 'Logs JSON lines on stdout: first {"event":"listening","url":…}, then one line per VEN request and per HTTP\nanswer, and {"event":"stopped"} after SIGINT or SIGTERM.',
  examples: [
    'mock-vtn --port 8080 --events events.json',
    'mock-vtn --cert vtn.crt --key vtn.key --ca ven-ca.crt --sign-cert vtn.crt --sign-key vtn.key --trust-ca ven-ca.crt',
  ],
};

/** Turns the command line into createHttpMockVtn options (files read through `io`). */
export function mockVtnOptions(parsed: ParsedArgs, io: CliIo): { options: HttpMockVtnOptions; events: string | undefined } {
  const one = (name: string): string | undefined => stringOption(parsed, name);
  const file = (name: string): string | undefined => {
    const path = one(name);
    return path === undefined ? undefined : io.readFile(path);
  };
  const port = Number(one('port') ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be 0–65535`);
  const [cert, key, ca] = [file('cert'), file('key'), file('ca')];
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--cert and --key go together');
  if (ca !== undefined && cert === undefined) throw new UsageError('--ca (mutual TLS) needs --cert and --key');
  const [signCert, signKey] = [file('sign-cert'), file('sign-key')];
  if ((signCert === undefined) !== (signKey === undefined)) throw new UsageError('--sign-cert and --sign-key go together');
  const fingerprints = [...listOption(parsed, 'trust-fingerprint')];
  const trustCa = listOption(parsed, 'trust-ca').map((path) => io.readFile(path));
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
export function runMockVtn(args: readonly string[], io: CliIo, stop: () => Promise<unknown> = untilSignal): number | Promise<number> {
  return runCommand(MOCK_VTN_COMMAND, args, io, (parsed) => serve(mockVtnOptions(parsed, io), io, stop));
}

async function serve(parsed: ReturnType<typeof mockVtnOptions>, io: CliIo, stop: () => Promise<unknown>): Promise<number> {
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
