import { Subject, type Observable } from 'rxjs';
import type { OadrMessage, OadrService } from '@rxadr/core';

/** One message a VEN sent to the mock VTN. */
export interface RecordedRequest {
  /** Scheduler time the request arrived at. */
  readonly at: Date;
  readonly service: OadrService;
  /** Exactly the XML the VEN sent. */
  readonly xml: string;
  /** The decoded message; undefined when the document did not decode or its signature was rejected. */
  readonly message: OadrMessage | undefined;
  /** The fault injected instead of an answer, if any. */
  readonly fault: string | undefined;
  /** Why the request was refused before OpenADR processing (bad signature → HTTP 403, OPENADR.md §1.5). */
  readonly rejected?: string;
  /** `push-answer`: the VEN's HTTP answer to a message the VTN pushed (OPENADR.md §1.7). Default: a request. */
  readonly via?: 'request' | 'push-answer';
}

/** One document the mock VTN sent: an HTTP answer or a push. */
export interface SentDocument {
  readonly at: Date;
  readonly service: OadrService;
  readonly xml: string;
  readonly via: 'answer' | 'push';
  /** The VEN the document went to, when known. */
  readonly venID?: string;
}

/** Every request the VENs sent, in order, and every document the VTN sent back. */
export interface VtnRecorder {
  readonly requests: readonly RecordedRequest[];
  /** Each recorded request as it arrives (also when recording is off). */
  readonly requests$: Observable<RecordedRequest>;
  /** What the VTN sent (answers and pushes), for schema checks. */
  readonly sent: readonly SentDocument[];
  record(entry: RecordedRequest): void;
  recordSent(entry: SentDocument): void;
  /** The decoded messages of the given types, in order. */
  messages<T extends OadrMessage['type']>(...types: T[]): Extract<OadrMessage, { type: T }>[];
  /** The message types in order: a compact view for asserting message order. */
  types(): string[];
  /**
   * How many requests arrived, optionally only of one message type and/or to one service
   * (faulted and refused requests count too; an undecodable one has no type).
   *
   * @example
   * expect(vtn.recorder.count('oadrUpdateReport')).toBe(3);
   * expect(vtn.recorder.count(undefined, 'OadrPoll')).toBeGreaterThan(0);
   */
  count(type?: OadrMessage['type'], service?: OadrService): number;
  clear(): void;
}

/** Creates an empty recorder. With `enabled: false` nothing is kept (benchmarks). */
export function createVtnRecorder(enabled = true): VtnRecorder {
  let requests: RecordedRequest[] = [];
  let sent: SentDocument[] = [];
  const arrivals = new Subject<RecordedRequest>();
  return {
    get requests() {
      return requests;
    },
    requests$: arrivals.asObservable(),
    get sent() {
      return sent;
    },
    record(entry) {
      if (enabled) requests.push(entry);
      arrivals.next(entry);
    },
    recordSent(entry) {
      if (enabled) sent.push(entry);
    },
    messages: <T extends OadrMessage['type']>(...types: T[]) =>
      requests.flatMap((r) => (r.message && (types as string[]).includes(r.message.type) ? [r.message as Extract<OadrMessage, { type: T }>] : [])),
    types: () => requests.map((r) => r.message?.type ?? '(undecodable)'),
    count: (type, service) => requests.reduce((n, r) => n + ((type === undefined || r.message?.type === type) && (service === undefined || r.service === service) ? 1 : 0), 0),
    clear() {
      requests = [];
      sent = [];
    },
  };
}
