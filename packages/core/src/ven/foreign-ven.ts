import type { OadrMessage } from '../model/message.js';
import { VenError } from './ven-error.js';

/** What the VEN does with a VTN message that names another VEN: the answer to send (if any) and the error to emit. */
export interface ForeignVenRefusal {
  /** The reply §3.0 prescribes, with 452 "invalid ID"; undefined for an oadrResponse (nothing answers it). */
  readonly reply: OadrMessage | undefined;
  readonly error: VenError;
}

/**
 * True when `message` carries a venID that is not `ownVenID` (rule 21, §4.7); false without a venID
 * or while the VEN has none. For answers the VEN reads (oadrCreatedOpt, oadrUpdatedReport, …): one
 * that names another VEN does not settle anything of this VEN's.
 */
export function namesOtherVen(message: OadrMessage, ownVenID: string): boolean {
  return ownVenID !== '' && 'venID' in message && message.venID !== undefined && message.venID !== ownVenID;
}

/**
 * Rule 21 (§4.7, §10 item 6): the venID in a VTN→VEN message must be the VEN's own. A message that
 * names another venID is not acted on, whatever it asks (a report request, a cancellation, a
 * re-registration), and nothing in it is adopted: it is answered with the reply type §3.0 gives it,
 * carrying 452 "invalid ID" (§8) and the VEN's own venID, and reported as `VenError('foreign-id')`.
 * An oadrResponse (a poll answer) naming another VEN is only reported. A message without a venID,
 * or a VEN that has none yet, passes. oadrCreatedReport/oadrCanceledReport refusals list no pending
 * reports: the 452 says the message was not processed, not what runs.
 *
 * @returns undefined when the message may be processed.
 */
export function refuseForeignVenID(message: OadrMessage, ownVenID: string): ForeignVenRefusal | undefined {
  if (!namesOtherVen(message, ownVenID) || !('venID' in message)) return undefined;
  const foreign = String(message.venID);
  const description = `venID ${foreign} is not this VEN's (${ownVenID})`;
  const refused = (requestID: string) => ({ responseCode: '452', responseDescription: description, requestID });
  const reply = ((): OadrMessage | undefined => {
    switch (message.type) {
      case 'oadrCreateReport':
        return { type: 'oadrCreatedReport', eiResponse: refused(message.requestID), oadrPendingReports: [], venID: ownVenID };
      case 'oadrCancelReport':
        return { type: 'oadrCanceledReport', eiResponse: refused(message.requestID), oadrPendingReports: [], venID: ownVenID };
      case 'oadrRegisterReport':
        return { type: 'oadrRegisteredReport', eiResponse: refused(message.requestID), oadrReportRequest: [], venID: ownVenID };
      case 'oadrUpdateReport':
        return { type: 'oadrUpdatedReport', eiResponse: refused(message.requestID), venID: ownVenID };
      case 'oadrCancelPartyRegistration':
        return { type: 'oadrCanceledPartyRegistration', eiResponse: refused(message.requestID), registrationID: message.registrationID, venID: ownVenID };
      case 'oadrRequestReregistration':
        return { type: 'oadrResponse', eiResponse: refused(''), venID: ownVenID };
      default:
        return undefined;
    }
  })();
  if (message.type !== 'oadrResponse' && reply === undefined) return undefined; // a type the dispatcher refuses by itself
  const what = reply ? `answered 452${message.type === 'oadrResponse' ? '' : ', not acted on'}` : 'ignored';
  return { reply, error: new VenError('foreign-id', `${message.type} for venID ${foreign}, not this VEN's ${ownVenID}: ${what}`, { responseCode: '452' }) };
}
