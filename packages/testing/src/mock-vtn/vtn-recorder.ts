import type { OadrMessage, OadrService } from '@rxadr/core';

/** One request a VEN sent to the mock VTN. */
export interface RecordedRequest {
  /** Virtual (scheduler) time of the request. */
  readonly at: Date;
  readonly service: OadrService;
  /** Exactly the XML the VEN sent. */
  readonly xml: string;
  /** The decoded message; undefined when the document did not decode. */
  readonly message: OadrMessage | undefined;
  /** The fault injected instead of an answer, if any. */
  readonly fault: string | undefined;
}

/** Every request the VENs sent, in order. */
export interface VtnRecorder {
  readonly requests: readonly RecordedRequest[];
  record(entry: RecordedRequest): void;
  /** The decoded messages of the given types, in order. */
  messages<T extends OadrMessage['type']>(...types: T[]): Extract<OadrMessage, { type: T }>[];
  /** The message types in order: a compact view for asserting message order. */
  types(): string[];
  clear(): void;
}

/** Creates an empty recorder. With `enabled: false` nothing is kept (benchmarks). */
export function createVtnRecorder(enabled = true): VtnRecorder {
  let requests: RecordedRequest[] = [];
  return {
    get requests() {
      return requests;
    },
    record(entry) {
      if (enabled) requests.push(entry);
    },
    messages: <T extends OadrMessage['type']>(...types: T[]) =>
      requests.flatMap((r) => (r.message && (types as string[]).includes(r.message.type) ? [r.message as Extract<OadrMessage, { type: T }>] : [])),
    types: () => requests.map((r) => r.message?.type ?? '(undecodable)'),
    clear() {
      requests = [];
    },
  };
}
