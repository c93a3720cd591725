/**
 * The closed set of VEN engine failure codes (STYLE.md rule 10).
 * - `config`: contradictory or missing options, raised by `createVen` (never later)
 * - `registration-rejected`: the VTN answered the registration with a code other than 200 or without a registrationID (§3.1)
 * - `decode`: a VTN document that is not a valid OpenADR 2.0b message (§10 item 2)
 * - `unexpected-message`: a valid message that has no place where it arrived (§3.0)
 * - `transport`: a `TransportError` while talking to the VTN; `cause` holds it
 * - `decision`: the user's decision operator failed, stayed silent or missed its deadline for one event
 * - `event-rejected`: an event failed a per-event check (450, 452, 454, 460, 462; §4.6–§4.8)
 * - `foreign-id`: a VTN message named another VEN's venID; answered 452 and not acted on (rule 21, §4.7)
 * - `not-registered`: an operation that needs a registration was called without one
 * - `opt-rejected`: the VTN refused an oadrCreateOpt/oadrCancelOpt (`responseCode` set)
 * - `obligation-failed`: the VTN refused an owed message for good (an OpenADR 4xx; `responseCode` set; docs/ledger.md)
 * - `store`: the persisted state could not be read or written
 * - `stopped`: the work was not done because `ven.stop()` was called first
 */
export type VenErrorCode =
  | 'config'
  | 'registration-rejected'
  | 'decode'
  | 'unexpected-message'
  | 'transport'
  | 'decision'
  | 'event-rejected'
  | 'foreign-id'
  | 'not-registered'
  | 'opt-rejected'
  | 'obligation-failed'
  | 'store'
  | 'stopped';

export interface VenErrorOptions {
  /** The OpenADR response code involved, when there is one (§8). */
  readonly responseCode?: string;
  /** The event concerned, for `decision` and `event-rejected`. */
  readonly eventID?: string;
  readonly cause?: unknown;
}

/** The one error type of the VEN engine: emitted on `ven.errors$`, thrown by `createVen`, rejected by `createOpt`. */
export class VenError extends Error {
  override readonly name = 'VenError';
  readonly code: VenErrorCode;
  readonly responseCode: string | undefined;
  readonly eventID: string | undefined;

  constructor(code: VenErrorCode, message: string, options: VenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.responseCode = options.responseCode;
    this.eventID = options.eventID;
  }
}

/** Narrows an unknown failure to a `VenError`. */
export function isVenError(error: unknown): error is VenError {
  return error instanceof VenError;
}

/** The fields of a `VenError` for a log entry: its code, the OpenADR response code, the event and the cause's message. */
export function venErrorData(error: VenError): Record<string, unknown> {
  const cause = error.cause instanceof Error ? error.cause.message : error.cause === undefined ? undefined : String(error.cause);
  return {
    code: error.code,
    ...(error.responseCode !== undefined ? { responseCode: error.responseCode } : {}),
    ...(error.eventID !== undefined ? { eventID: error.eventID } : {}),
    ...(cause !== undefined ? { cause } : {}),
  };
}
