import { CodecEncodeError, decodeMessage, encodeMessage, messageFromJson, messageToJson, type CodecIssue } from '@rxadr/core';
import { runCommand, type CommandSpec } from './args.js';
import type { CliIo } from './cli-io.js';

export const DECODE_COMMAND: CommandSpec = {
  name: 'decode',
  summary: 'print an OpenADR 2.0b message (oadrPayload XML) as JSON',
  synopsis: '[file|-]',
  options: {},
  positionals: { min: 0, max: 1, name: '<file>' },
  details: 'Reads the file, or standard input for - or no file. Exit 1 with every problem (element path, expected, found)\non stderr when the document is not a valid message.',
  examples: ['decode oadrDistributeEvent.xml', 'decode - < oadrPoll.xml | jq .type'],
};

export const ENCODE_COMMAND: CommandSpec = {
  name: 'encode',
  summary: 'turn the JSON form printed by decode back into an oadrPayload document',
  synopsis: '[file|-]',
  options: {},
  positionals: { min: 0, max: 1, name: '<file>' },
  details: 'Reads the file, or standard input for - or no file. Exit 1 with the problems when the JSON is not a valid message.',
  examples: ['encode event.json > event.xml', 'encode - < event.json'],
};

function printIssues(io: CliIo, title: string, issues: readonly CodecIssue[]): void {
  io.stderr(`${title}\n`);
  for (const issue of issues) io.stderr(`  at ${issue.path || '(document)'}: expected ${issue.expected}, found ${issue.found}\n`);
}

/** `rxadr decode [file|-]`: prints the decoded message as JSON; exit 1 with the issues on stderr. */
export function runDecode(args: readonly string[], io: CliIo): number {
  return runCommand(DECODE_COMMAND, args, io, ({ positionals: [file = '-'] }) => decode(file, io));
}

function decode(file: string, io: CliIo): number {
  const result = decodeMessage(io.readFile(file));
  if (!result.ok) {
    printIssues(io, `not a valid OpenADR 2.0b message (${result.error.kind}):`, result.error.issues);
    return 1;
  }
  io.stdout(`${JSON.stringify(messageToJson(result.message), null, 2)}\n`);
  return 0;
}

/** `rxadr encode [file|-]`: turns the JSON form back into an `oadrPayload` document. */
export function runEncode(args: readonly string[], io: CliIo): number {
  return runCommand(ENCODE_COMMAND, args, io, ({ positionals: [file = '-'] }) => encode(file, io));
}

function encode(file: string, io: CliIo): number {
  let json: unknown;
  try {
    json = JSON.parse(io.readFile(file));
  } catch (error) {
    printIssues(io, 'not JSON:', [{ path: '', expected: 'a JSON document', found: error instanceof Error ? error.message : String(error) }]);
    return 1;
  }
  try {
    io.stdout(`${encodeMessage(messageFromJson(json))}\n`);
    return 0;
  } catch (error) {
    if (error instanceof CodecEncodeError) {
      printIssues(io, 'not a valid OpenADR 2.0b message:', error.issues);
      return 1;
    }
    throw error;
  }
}
