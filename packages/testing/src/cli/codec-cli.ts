import { CodecEncodeError, decodeMessage, encodeMessage, messageFromJson, messageToJson, type CodecIssue } from '@rxadr/core';
import type { CliIo } from './cli-io.js';

function printIssues(io: CliIo, title: string, issues: readonly CodecIssue[]): void {
  io.stderr(`${title}\n`);
  for (const issue of issues) io.stderr(`  at ${issue.path || '(document)'}: expected ${issue.expected}, found ${issue.found}\n`);
}

/** `rxadr decode [file|-]`: prints the decoded message as JSON; exit 1 with the issues on stderr. */
export function runDecode(args: readonly string[], io: CliIo): number {
  const [file = '-'] = args;
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
  const [file = '-'] = args;
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
