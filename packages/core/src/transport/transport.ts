import type { Observable } from 'rxjs';

/** The five simpleHTTP services of OpenADR 2.0b (OPENADR.md §1.3). */
export type OadrService = 'EiRegisterParty' | 'EiEvent' | 'EiOpt' | 'EiReport' | 'OadrPoll';

/** Every service name, in a stable order. */
export const OADR_SERVICES: readonly OadrService[] = ['EiRegisterParty', 'EiEvent', 'EiOpt', 'EiReport', 'OadrPoll'];

/** One outgoing request: a complete `oadrPayload` document for one service. */
export interface TransportRequest {
  readonly service: OadrService;
  /** The XML document, exactly the bytes to send. */
  readonly body: string;
}

/**
 * A request the VTN pushed to the VEN (push mode, OPENADR.md §1.7). The engine calls
 * `respond` exactly once with the XML answer, or `reject` when it cannot answer at all.
 */
export interface InboundExchange {
  readonly service: OadrService;
  /** The raw XML body the VTN sent. */
  readonly body: string;
  /** Sends `body` (an `oadrPayload` document, or '' for an empty 200) as the HTTP answer. */
  respond(body: string): void;
  /** Answers without an OpenADR body, e.g. HTTP 400 for an undecodable document. */
  reject(status: number, reason: string): void;
}

/**
 * The smallest surface the VEN engine needs from the network.
 *
 * `send` posts one payload and emits the raw response body once (possibly `''` for an empty
 * HTTP 200) and completes. Unsubscribing cancels the request. Failures are `TransportError`s;
 * wrappers (signing, taps) are functions `Transport -> Transport`.
 *
 * @example
 * const transport: Transport = {
 *   send: (request) => from(myHttpPost(`/OpenADR2/Simple/2.0b/${request.service}`, request.body)),
 * };
 */
export interface Transport {
  send(request: TransportRequest): Observable<string>;
  /** Push mode only: requests the VTN pushes to this VEN. Pull transports leave it undefined. */
  readonly inbound$?: Observable<InboundExchange>;
  /** The address the VTN pushes to (`oadrTransportAddress`); set only by push transports. */
  readonly pushAddress?: string;
  /**
   * True when this transport XML-signs every message it sends (set by `xmlSignatures` from
   * `@rxadr/signing`; wrappers pass it on). The VEN registers with `oadrXmlSignature` set from
   * it, so the registration tells the VTN the truth (OPENADR.md §3.1, §7.3).
   */
  readonly signsMessages?: boolean;
  /** Releases sockets and servers. Optional; idempotent. */
  close?(): Promise<void>;
}
