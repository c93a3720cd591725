import { choice } from './fields.js';
import { sequence } from './sequence.js';
import { payloadOptions, type OadrMessage } from '../model/message.js';
import { CodecEncodeError, INVALID, child, type CodecIssue } from './xml-codec.js';

const messageJsonCodec = sequence('message', { message: choice('one', payloadOptions) });

/**
 * The JSON form of a message (what `rxadr decode` prints): the model with dates as ISO strings
 * (UTC, `Z`), durations as their text, non-finite floats as `INF`/`-INF`/`NaN`.
 */
export function messageToJson(message: OadrMessage): unknown {
  return (messageJsonCodec.toJson({ message }) as { message: unknown }).message;
}

/** Reads the JSON form back into a message; throws `CodecEncodeError` listing every problem with its path. */
export function messageFromJson(json: unknown): OadrMessage {
  const issues: CodecIssue[] = [];
  const value = messageJsonCodec.fromJson({ message: json }, child(undefined, 'json'), issues);
  if (value === INVALID || issues.length > 0) throw new CodecEncodeError(issues.map((i) => ({ ...i, path: i.path.replace(/^json\/message/, 'json') })));
  return value.message;
}
