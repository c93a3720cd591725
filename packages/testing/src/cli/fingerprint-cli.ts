#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SignatureError, fingerprint } from '@rxadr/signing';
import { processIo } from './cli-io.js';
import type { CliIo } from './cli-io.js';

/**
 * `rxadr-fingerprint <cert.pem>...`: prints the OpenADR fingerprint of each certificate
 * (OPENADR.md §7.2), the value a VEN gives its VTN operator for out-of-band registration.
 * With several files each line is `<file> <fingerprint>`. Exit 1 when a file is not a certificate.
 */
export function runFingerprint(args: readonly string[], io: CliIo): number {
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    io.stderr('usage: rxadr-fingerprint <cert.pem>... (- for standard input)\n');
    return 2;
  }
  let status = 0;
  for (const file of args) {
    try {
      const value = fingerprint(io.readFile(file));
      io.stdout(args.length === 1 ? `${value}\n` : `${file} ${value}\n`);
    } catch (error) {
      const message = error instanceof SignatureError ? 'not a PEM certificate' : (error as Error).message;
      io.stderr(`rxadr-fingerprint: ${file}: ${message}\n`);
      status = 1;
    }
  }
  return status;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = runFingerprint(process.argv.slice(2), processIo);
}
