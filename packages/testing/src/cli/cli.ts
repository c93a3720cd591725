#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { helpText, type CommandSpec } from './args.js';
import { processIo, type CliIo } from './cli-io.js';
import { DECODE_COMMAND, ENCODE_COMMAND, runDecode, runEncode } from './codec-cli.js';
import { FINGERPRINT_COMMAND, runFingerprint } from './fingerprint-cli.js';
import { MOCK_VTN_COMMAND, runMockVtn } from './mock-vtn-cli.js';
import { SIGN_COMMAND, VERIFY_COMMAND, runSign, runVerify } from './signing-cli.js';
import { VEN_COMMAND, runVen } from './ven-cli.js';

type Command = (args: readonly string[], io: CliIo) => number | Promise<number>;

const COMMANDS: Record<string, { run: Command; spec: CommandSpec }> = {
  decode: { run: runDecode, spec: DECODE_COMMAND },
  encode: { run: runEncode, spec: ENCODE_COMMAND },
  sign: { run: runSign, spec: SIGN_COMMAND },
  verify: { run: runVerify, spec: VERIFY_COMMAND },
  fingerprint: { run: (args, io) => runFingerprint(args, io, FINGERPRINT_COMMAND), spec: FINGERPRINT_COMMAND },
  ven: { run: runVen, spec: VEN_COMMAND },
  'mock-vtn': { run: runMockVtn, spec: MOCK_VTN_COMMAND },
};

/** The names of the subcommands, in the order `rxadr help` lists them. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/** The version of this package (from its package.json). */
export function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function usage(): string {
  const width = Math.max(...COMMAND_NAMES.map((n) => n.length));
  return (
    `usage: rxadr <command> [options]\n\ncommands:\n${Object.entries(COMMANDS)
      .map(([name, c]) => `  ${name.padEnd(width)}  ${c.spec.summary}`)
      .join('\n')}\n\n` + `'rxadr help <command>' or 'rxadr <command> --help' prints a command's options and an example; 'rxadr --version' the version.\n`
  );
}

/** Runs the `rxadr` command line; returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr(usage());
    return 2;
  }
  if (name === '--help' || name === '-h') {
    io.stdout(usage());
    return 0;
  }
  if (name === '--version' || name === '-v' || name === '-V') {
    io.stdout(`rxadr ${cliVersion()}\n`);
    return 0;
  }
  if (name === 'help') {
    const [topic, ...extra] = args;
    if (topic === undefined) {
      io.stdout(usage());
      return 0;
    }
    const command = COMMANDS[topic];
    if (!command || extra.length > 0) {
      io.stderr(`rxadr help: ${command ? `unexpected argument ${extra[0] ?? ''}` : `unknown command ${topic}`}\n${usage()}`);
      return 2;
    }
    io.stdout(helpText(command.spec));
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`rxadr: unknown command ${name}\n${usage()}`);
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
