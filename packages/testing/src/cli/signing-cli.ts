import { SignatureError, signPayload, verifyPayload } from '@rxadr/signing';
import type { TrustOptions } from '@rxadr/signing';
import type { CliIo } from './cli-io.js';

const SIGN_USAGE = 'usage: rxadr sign <file> --cert <cert.pem> --key <key.pem>\n';
const VERIFY_USAGE =
  'usage: rxadr verify <file> [--fingerprint F]... [--ca FILE]... [--cert FILE]... [--at INSTANT] [--window SECONDS]\n' +
  '  at least one --fingerprint, --ca or --cert is required; --at defaults to now, --window to 300\n';

class UsageError extends Error {}

interface ParsedArgs {
  readonly positional: string[];
  readonly options: Map<string, string[]>;
}

/** `--name value` and `--name=value`, repeatable; only the names in `known`. */
function parseArgs(args: readonly string[], known: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  return { positional, options };
}

function single(parsed: ParsedArgs, name: string): string | undefined {
  const values = parsed.options.get(name) ?? [];
  if (values.length > 1) throw new UsageError(`--${name} given more than once`);
  return values[0];
}

function fileArgument(parsed: ParsedArgs): string {
  const [file, ...extra] = parsed.positional;
  if (file === undefined) throw new UsageError('missing <file> (use - for standard input)');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] ?? ''}`);
  return file;
}

function handle(command: string, usage: string, io: CliIo, body: () => number): number {
  try {
    return body();
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`rxadr ${command}: ${error.message}\n${usage}`);
      return 2;
    }
    const reason = error instanceof SignatureError ? ` (${error.reason})` : '';
    io.stderr(`rxadr ${command}${reason}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/**
 * `rxadr sign <file> --cert C --key K`: prints the payload signed as OPENADR.md §7.3 describes
 * (RSA-SHA256 or ECDSA-SHA256 from the key, ReplayProtect with the current time and a random nonce).
 * Exit 0 on success, 1 when the payload or identity is unusable, 2 for a usage error.
 */
export function runSign(args: readonly string[], io: CliIo): number {
  return handle('sign', SIGN_USAGE, io, () => {
    const parsed = parseArgs(args, ['cert', 'key']);
    const file = fileArgument(parsed);
    const cert = single(parsed, 'cert');
    const key = single(parsed, 'key');
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
  return handle('verify', VERIFY_USAGE, io, () => {
    const parsed = parseArgs(args, ['fingerprint', 'ca', 'cert', 'at', 'window']);
    const file = fileArgument(parsed);
    const trust: TrustOptions = {
      fingerprints: parsed.options.get('fingerprint') ?? [],
      ca: (parsed.options.get('ca') ?? []).map((path) => io.readFile(path)),
      certificates: (parsed.options.get('cert') ?? []).map((path) => io.readFile(path)),
    };
    if ([trust.fingerprints, trust.ca, trust.certificates].every((list) => list?.length === 0)) {
      throw new UsageError('give at least one --fingerprint, --ca or --cert to say whom to trust');
    }
    const atText = single(parsed, 'at');
    const now = atText === undefined ? new Date() : new Date(atText);
    if (Number.isNaN(now.getTime())) throw new UsageError(`--at '${atText ?? ''}' is not an instant (e.g. 2024-07-16T21:00:00Z)`);
    const windowText = single(parsed, 'window');
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
