import type { MessageOf } from '../model/message.js';
import type { Duration } from '../codec/duration.js';
import { MAX_POLL_FREQUENCY_MS, type ResolvedVenOptions } from './ven-options.js';
import { VenError } from './ven-error.js';
import type { RegistrationState } from './ven-store.js';

/**
 * oadrCreatePartyRegistration (§3.1): profile 2.0b over simpleHttp; pull unless the transport
 * is a push transport (then `oadrHttpPullModel=false` and its `pushAddress`); reportOnly and
 * xmlSignature as configured; the venID when known or pre-provisioned and the registrationID
 * when re-registering.
 */
export function createPartyRegistration(options: ResolvedVenOptions, requestID: string, current: { venID?: string | undefined; registrationID?: string | undefined }): MessageOf<'oadrCreatePartyRegistration'> {
  const push = options.pushAddress !== undefined;
  return {
    type: 'oadrCreatePartyRegistration',
    requestID,
    ...(current.registrationID !== undefined ? { registrationID: current.registrationID } : {}),
    ...(current.venID !== undefined ? { venID: current.venID } : {}),
    oadrProfileName: '2.0b',
    oadrTransportName: 'simpleHttp',
    ...(push ? { oadrTransportAddress: options.pushAddress } : {}),
    oadrReportOnly: options.reportOnly,
    oadrXmlSignature: options.xmlSignature,
    oadrVenName: options.venName,
    oadrHttpPullModel: !push,
  };
}

/** The poll interval in ms from `oadrRequestedOadrPollFreq`, capped at 24 h (§1.6); `capped` tells the caller to warn. */
export function pollFrequency(requested: Duration | undefined, fallbackMs: number): { readonly ms: number; readonly capped: boolean } {
  if (!requested) return { ms: fallbackMs, capped: false };
  const ms = requested.toMillis();
  if (ms <= 0) return { ms: fallbackMs, capped: false };
  return ms > MAX_POLL_FREQUENCY_MS ? { ms: MAX_POLL_FREQUENCY_MS, capped: true } : { ms, capped: false };
}

/**
 * Reads oadrCreatedPartyRegistration: registered only when the code is 200 **and** a
 * registrationID came back (§3.1); the VTN's venID is adopted (it replaces a pre-provisioned one).
 */
export function readRegistration(
  answer: MessageOf<'oadrCreatedPartyRegistration'>,
  fallbackVenID: string | undefined,
  fallbackPollMs: number,
): { readonly ok: true; readonly registration: RegistrationState; readonly capped: boolean } | { readonly ok: false; readonly error: VenError } {
  const { responseCode, responseDescription } = answer.eiResponse;
  if (responseCode !== '200') {
    return { ok: false, error: new VenError('registration-rejected', `the VTN refused the registration: ${responseCode} ${responseDescription ?? ''}`.trim(), { responseCode }) };
  }
  const venID = answer.venID ?? fallbackVenID;
  if (answer.registrationID === undefined || answer.registrationID === '' || venID === undefined) {
    return { ok: false, error: new VenError('registration-rejected', 'the VTN answered 200 without a registrationID and venID; not registered', { responseCode }) };
  }
  const poll = pollFrequency(answer.oadrRequestedOadrPollFreq, fallbackPollMs);
  return { ok: true, registration: { venID, registrationID: answer.registrationID, vtnID: answer.vtnID, pollFrequencyMs: poll.ms }, capped: poll.capped };
}
