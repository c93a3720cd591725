import type { EiResponse, OadrEvent, OadrMessage } from '@rxadr/core';
import type { EventSpec } from './event-authoring.js';

// The types the VTN model and its dispatch share, apart so that neither imports the other's values.

/** Something waiting in a VEN's poll queue: a message, or raw XML for malformed-input tests. */
export type QueuedItem = { readonly message: OadrMessage } | { readonly raw: string };

/** The VTN's answer to one request: a message, or a raw body ('' = empty HTTP 200). */
export type VtnAnswer = OadrMessage | { readonly raw: string };

/** One VEN as the VTN knows it. */
export interface VtnVen {
  readonly venID: string;
  readonly registrationID: string;
  readonly venName: string | undefined;
  readonly queue: QueuedItem[];
  /** `oadrTransportAddress` of a push VEN (OPENADR.md §1.7); undefined for pull. */
  readonly transportAddress?: string | undefined;
  /** `oadrHttpPullModel`; false together with a transport address means push. Default true. */
  readonly pull?: boolean;
}

/** An authored event with its current version. */
export interface AuthoredEvent {
  readonly spec: EventSpec & { readonly eventID: string };
  readonly event: OadrEvent;
}

/**
 * What the VTN does with a request naming a venID it does not know (OPENADR.md §8, §3.1):
 * `'answer-463'` (default) answers 463 "not registered"; `'request-reregistration'` answers
 * an oadrPoll with oadrRequestReregistration as [OL] does, other requests with 463.
 */
export type UnknownVenPolicy = 'answer-463' | 'request-reregistration';

/** `ei:eiResponse` helper: 200 OK unless told otherwise. */
export const eiResponse = (requestID: string, code = '200', description = code === '200' ? 'OK' : 'error'): EiResponse => ({
  responseCode: code,
  responseDescription: description,
  requestID,
});
