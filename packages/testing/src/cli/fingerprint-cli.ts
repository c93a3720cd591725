#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SignatureError, fingerprint } from '@rxadr/signing';
import { processIo } from './cli-io.js';
import { runCommand, type CommandSpec } from './args.js';
import type { CliIo } from './cli-io.js';

/** `rxadr fingerprint`, also installed as the `rxadr-fingerprint` bin. */
export const FINGERPRINT_COMMAND: CommandSpec = {
  name: 'fingerprint',
  summary: 'print the OpenADR fingerprint of certificates (the value a VTN operator registers)',
  synopsis: '<cert.pem>...',
  options: {},
  positionals: { min: 1, max: Number.MAX_SAFE_INTEGER, name: '<cert.pem> (use - for standard input)' },
  details: 'The fingerprint is the last 10 bytes of the SHA-256 of the DER certificate (OPENADR.md §7.2). With several\nfiles each line is <file> <fingerprint>. Exit 1 when a file is not a certificate.',
  examples: ['fingerprint ven.crt', 'fingerprint ven.crt vtn.crt'],
};

const FINGERPRINT_BIN: CommandSpec = { ...FINGERPRINT_COMMAND, name: 'rxadr-fingerprint', examples: FINGERPRINT_COMMAND.examples.map((e) => `rxadr-${e}`) };

/**
 * `rxadr-fingerprint <cert.pem>...`: prints the OpenADR fingerprint of each certificate
 * (OPENADR.md §7.2), the value a VEN gives its VTN operator for out-of-band registration.
 * With several files each line is `<file> <fingerprint>`. Exit 1 when a file is not a certificate.
 */
export function runFingerprint(args: readonly string[], io: CliIo, spec: CommandSpec = FINGERPRINT_BIN): number {
  const prefix = spec === FINGERPRINT_BIN ? 'rxadr-fingerprint' : 'rxadr fingerprint';
  return runCommand(spec, args, io, ({ positionals: files }) => {
    let status = 0;
    for (const file of files) {
      try {
        const value = fingerprint(io.readFile(file));
        io.stdout(files.length === 1 ? `${value}\n` : `${file} ${value}\n`);
      } catch (error) {
        const message = error instanceof SignatureError ? 'not a PEM certificate' : (error as Error).message;
        io.stderr(`${prefix}: ${file}: ${message}\n`);
        status = 1;
      }
    }
    return status;
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = runFingerprint(process.argv.slice(2), processIo);
}
