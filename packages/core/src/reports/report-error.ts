/**
 * The closed set of report module failure codes (STYLE.md rule 10).
 * - `config`: a report capability or a `createReports` option is wrong; thrown at construction, never later
 * - `state`: the persisted report slot could not be read (it is then ignored, never half-applied)
 * - `source`: a data source failed: a `readings$` errored or a history query threw or rejected
 * - `rejected`: the VTN refused a report message for good with an OpenADR 4xx code (`responseCode` set, §8); it is
 *   not sent again and is counted. Transport failures, HTTP errors, bodies that are not OpenADR, the wrong reply
 *   and OpenADR 5xx are never errors here: they are retried (§1.5)
 * - `request-ended`: a request of the VEN's to the VTN's own reports (`requestVtnReport`) ended without the user
 *   unsubscribing: the registration ended, or a fresh registration (another venID) started; its stream ends with
 *   this error (subscribe again to request it anew). Failures to send it are never errors: it is a ledger record,
 *   retried until the VTN answers
 * - `not-attached`: an operation needs the engine (`attach`) and was called before it or after `stop`
 */
export type ReportErrorCode = 'config' | 'state' | 'source' | 'rejected' | 'request-ended' | 'not-attached';

/** What a {@link ReportError} may carry besides its code and message. */
export interface ReportErrorOptions {
  /** The OpenADR response code involved, when there is one (§8). */
  readonly responseCode?: string;
  /** The report request concerned, when there is one. */
  readonly reportRequestID?: string;
  readonly cause?: unknown;
}

/** The one error type of the report module: thrown by the builders and `createReports`, emitted on `errors$`. */
export class ReportError extends Error {
  override readonly name = 'ReportError';
  readonly code: ReportErrorCode;
  readonly responseCode: string | undefined;
  readonly reportRequestID: string | undefined;

  constructor(code: ReportErrorCode, message: string, options: ReportErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.responseCode = options.responseCode;
    this.reportRequestID = options.reportRequestID;
  }
}

/** Narrows an unknown failure to a `ReportError`. */
export function isReportError(error: unknown): error is ReportError {
  return error instanceof ReportError;
}
