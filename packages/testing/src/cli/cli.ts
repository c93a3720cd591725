#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { processIo, type CliIo } from './cli-io.js';
import { runDecode, runEncode } from './codec-cli.js';
import { runFingerprint } from './fingerprint-cli.js';
import { MOCK_VTN_USAGE, runMockVtn } from './mock-vtn-cli.js';
import { runSign, runVerify } from './signing-cli.js';
import { VEN_USAGE, runVen } from './ven-cli.js';

type Command = (args: readonly string[], io: CliIo) => number | Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  decode: { run: runDecode, usage: 'decode [file|-]            print an OpenADR message as JSON' },
  encode: { run: runEncode, usage: 'encode [file|-]            turn that JSON back into XML' },
  sign: { run: runSign, usage: 'sign <file> --cert C --key K  sign an oadrPayload (RSA or ECDSA, ReplayProtect)' },
  verify: {
    run: runVerify,
    usage: 'verify <file> [--fingerprint F] [--ca FILE] [--cert FILE] [--at INSTANT]  check a signature and say why it fails',
  },
  fingerprint: { run: runFingerprint, usage: 'fingerprint <cert.pem>...  the OpenADR fingerprint of a certificate' },
  ven: { run: runVen, usage: VEN_USAGE },
  'mock-vtn': { run: runMockVtn, usage: MOCK_VTN_USAGE },
};

/** Registers a subcommand (used by the signing, mock VTN and VEN simulator modules). */
export function registerCommand(name: string, run: Command, usage: string): void {
  COMMANDS[name] = { run, usage };
}

function usage(): string {
  return `usage: rxadr <command> [options]\n\n${Object.values(COMMANDS)
    .map((c) => `  rxadr ${c.usage}`)
    .join('\n')}\n`;
}

/** Runs the `rxadr` command line; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`unknown command: ${name}\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    io.stderr(`rxadr ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
