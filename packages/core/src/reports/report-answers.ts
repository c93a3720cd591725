import type { MessageOf, OadrMessage } from '../model/message.js';
import type { RequestProblem } from './request-validation.js';

function response(requestID: string, code: string, description: string) {
  return { responseCode: code, responseDescription: description, requestID };
}

/**
 * oadrCreatedReport (§5.4): echoes the request's requestID and lists every pending request (old
 * and new). 200 when every request was accepted whole; otherwise the code of the first problem,
 * with every problem in the description (the accepted requests are still pending).
 */
export function createdReport(requestID: string, problems: readonly RequestProblem[], pending: readonly string[], venID: string): MessageOf<'oadrCreatedReport'> {
  const first = problems[0];
  return {
    type: 'oadrCreatedReport',
    eiResponse: first ? response(requestID, first.responseCode, problems.map((p) => p.description).join('; ')) : response(requestID, '200', 'OK'),
    oadrPendingReports: [...pending],
    venID,
  };
}

/** oadrCanceledReport (§5.7): echoes the requestID, lists what is still pending; 452 naming the unknown IDs, if any. */
export function canceledReport(requestID: string, unknown: readonly string[], pending: readonly string[], venID: string): MessageOf<'oadrCanceledReport'> {
  return {
    type: 'oadrCanceledReport',
    eiResponse:
      unknown.length > 0
        ? response(requestID, '452', `unknown reportRequestID ${unknown.map((id) => `'${id}'`).join(', ')}`)
        : response(requestID, '200', 'OK'),
    oadrPendingReports: [...pending],
    venID,
  };
}

/** oadrRegisteredReport (§5.3 step 3): the VEN's answer to the VTN's own oadrRegisterReport; it requests nothing by itself. */
export function registeredReport(requestID: string, venID: string): MessageOf<'oadrRegisteredReport'> {
  return { type: 'oadrRegisteredReport', eiResponse: response(requestID, '200', 'OK'), oadrReportRequest: [], venID };
}

/** oadrUpdatedReport: the VEN's answer to data the VTN sent; 452 naming reportRequestIDs the VEN never requested. */
export function updatedReport(requestID: string, unknown: readonly string[], venID: string): MessageOf<'oadrUpdatedReport'> {
  return {
    type: 'oadrUpdatedReport',
    eiResponse: unknown.length > 0 ? response(requestID, '452', `unknown reportRequestID ${unknown.map((id) => `'${id}'`).join(', ')}`) : response(requestID, '200', 'OK'),
    venID,
  };
}

/** The OpenADR response code of an answer the VTN gave to a report message (§1.5); 200 for an empty answer. */
export function answerCode(answer: OadrMessage | undefined): { readonly code: string; readonly description: string | undefined } {
  if (answer === undefined) return { code: '200', description: undefined };
  switch (answer.type) {
    case 'oadrResponse':
    case 'oadrCreatedReport':
    case 'oadrCanceledReport':
    case 'oadrUpdatedReport':
    case 'oadrRegisteredReport':
      return { code: answer.eiResponse.responseCode, description: answer.eiResponse.responseDescription };
    default:
      return { code: '200', description: undefined };
  }
}

/** The reply that settles a report message the VEN sends (§3.0): the VTN's answer type, or oadrResponse for the VEN's own answers. */
export function expectedReply(type: OadrMessage['type']): OadrMessage['type'] {
  switch (type) {
    case 'oadrRegisterReport':
      return 'oadrRegisteredReport';
    case 'oadrCreateReport':
      return 'oadrCreatedReport';
    case 'oadrCancelReport':
      return 'oadrCanceledReport';
    case 'oadrUpdateReport':
      return 'oadrUpdatedReport';
    default:
      return 'oadrResponse';
  }
}
