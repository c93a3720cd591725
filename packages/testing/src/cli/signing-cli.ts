import { SignatureError, signPayload, verifyPayload } from '@rxadr/signing';
import type { TrustOptions } from '@rxadr/signing';
import { UsageError, listOption, runCommand, stringOption, type CommandSpec, type ParsedArgs } from './args.js';
import type { CliIo } from './cli-io.js';

export const SIGN_COMMAND: CommandSpec = {
  name: 'sign',
  summary: 'sign an oadrPayload (RSA-SHA256 or ECDSA-SHA256 from the key, with ReplayProtect)',
  synopsis: '<file> --cert FILE --key FILE',
  options: {
    cert: { type: 'string', value: 'FILE', description: 'the signing certificate (PEM); required' },
    key: { type: 'string', value: 'FILE', description: 'its private key (PEM); required' },
  },
  positionals: { min: 1, max: 1, name: '<file> (use - for standard input)' },
  details: 'Prints the signed payload (OPENADR.md §7.3). Exit 1 when the payload or the identity is unusable.',
  examples: ['sign poll.xml --cert ven.crt --key ven.key > poll.signed.xml'],
};

export const VERIFY_COMMAND: CommandSpec = {
  name: 'verify',
  summary: 'check the XML signature of an oadrPayload and say exactly why it fails',
  synopsis: '<file> [--fingerprint F]... [--ca FILE]... [--cert FILE]... [--at INSTANT] [--window SECONDS]',
  options: {
    fingerprint: { type: 'string', multiple: true, value: 'F', description: "trust a signer by its OpenADR fingerprint (see 'rxadr fingerprint')" },
    ca: { type: 'string', multiple: true, value: 'FILE', description: 'trust signers whose chain ends at this CA (PEM)' },
    cert: { type: 'string', multiple: true, value: 'FILE', description: 'trust exactly this certificate (PEM)' },
    at: { type: 'string', value: 'INSTANT', description: 'verify as of this time (ISO 8601); default now' },
    window: { type: 'string', value: 'SECONDS', description: 'ReplayProtect window; default 300' },
  },
  positionals: { min: 1, max: 1, name: '<file> (use - for standard input)' },
  details: 'At least one --fingerprint, --ca or --cert is required. Prints every check on stdout; exit 1 with the\nreason and exactly what failed on stderr when the signature does not verify.',
  examples: ['verify signed.xml --fingerprint E6:0C:FE:2F:56:53:64:EA:EC:35', 'verify signed.xml --ca vtn-ca.crt --at 2024-07-16T21:00:00Z'],
};

function handle(command: CommandSpec, args: readonly string[], io: CliIo, body: (parsed: ParsedArgs) => number): number {
  try {
    return runCommand(command, args, io, body);
  } catch (error) {
    const reason = error instanceof SignatureError ? ` (${error.reason})` : '';
    io.stderr(`rxadr ${command.name}${reason}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/**
 * `rxadr sign <file> --cert C --key K`: prints the payload signed as OPENADR.md §7.3 describes
 * (RSA-SHA256 or ECDSA-SHA256 from the key, ReplayProtect with the current time and a random nonce).
 * Exit 0 on success, 1 when the payload or identity is unusable, 2 for a usage error.
 */
export function runSign(args: readonly string[], io: CliIo): number {
  return handle(SIGN_COMMAND, args, io, (parsed) => {
    const file = parsed.positionals[0] ?? '-';
    const cert = stringOption(parsed, 'cert');
    const key = stringOption(parsed, 'key');
    if (cert === undefined || key === undefined) throw new UsageError('both --cert and --key are required');
    io.stdout(signPayload(io.readFile(file), { certPem: io.readFile(cert), keyPem: io.readFile(key) }));
    return 0;
  });
}

/**
 * `rxadr verify <file> [--fingerprint F] [--ca FILE] [--cert FILE] [--at INSTANT] [--window S]`:
 * verifies a signed payload (OPENADR.md §7.3) against the given pins and CAs at `--at` (default:
 * now), prints every check on stdout and, on failure, the reason and exactly what failed on stderr.
 * Exit 0 when it verifies, 1 when it does not, 2 for a usage error.
 */
export function runVerify(args: readonly string[], io: CliIo): number {
  return handle(VERIFY_COMMAND, args, io, (parsed) => {
    const file = parsed.positionals[0] ?? '-';
    const trust: TrustOptions = {
      fingerprints: [...listOption(parsed, 'fingerprint')],
      ca: listOption(parsed, 'ca').map((path) => io.readFile(path)),
      certificates: listOption(parsed, 'cert').map((path) => io.readFile(path)),
    };
    if ([trust.fingerprints, trust.ca, trust.certificates].every((list) => list?.length === 0)) {
      throw new UsageError('give at least one --fingerprint, --ca or --cert to say whom to trust');
    }
    const atText = stringOption(parsed, 'at');
    const now = atText === undefined ? new Date() : new Date(atText);
    if (Number.isNaN(now.getTime())) throw new UsageError(`--at '${atText ?? ''}' is not an instant (e.g. 2024-07-16T21:00:00Z)`);
    const windowText = stringOption(parsed, 'window');
    const windowSeconds = windowText === undefined ? undefined : Number(windowText);
    if (windowSeconds !== undefined && !(windowSeconds > 0)) throw new UsageError(`--window '${windowText ?? ''}' is not a positive number of seconds`);

    const result = verifyPayload(io.readFile(file), trust, {
      now,
      ...(windowSeconds === undefined ? {} : { replayWindowMs: windowSeconds * 1000 }),
    });
    for (const check of result.checks) io.stdout(`ok    ${check}\n`);
    if (!result.ok) {
      io.stderr(`FAIL  ${result.reason}: ${result.message}\n`);
      return 1;
    }
    io.stdout(`verified: signed at ${result.timestamp.toISOString()}, nonce ${result.nonce}\n`);
    return 0;
  });
}
