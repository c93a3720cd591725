import { Duration, type OadrMessage } from '@rxadr/core';
import { eiResponse } from './vtn-model.js';
import type { OpenAdrCodeFault } from './vtn-faults.js';

/** The requestID an answer echoes (OPENADR.md §3.0); '' for messages that carry none. */
function requestIdOf(message: OadrMessage): string {
  switch (message.type) {
    case 'oadrRequestEvent':
      return message.eiRequestEvent.requestID;
    case 'oadrCreatedEvent':
      return message.eiCreatedEvent.eiResponse.requestID;
    case 'oadrCreatedReport':
    case 'oadrCanceledReport':
    case 'oadrRegisteredReport':
    case 'oadrUpdatedReport':
    case 'oadrCanceledPartyRegistration':
    case 'oadrResponse':
      return message.eiResponse.requestID;
    default:
      return 'requestID' in message && typeof message.requestID === 'string' ? message.requestID : '';
  }
}

const venIdField = (message: OadrMessage): { venID?: string } => {
  const venID = 'venID' in message && typeof message.venID === 'string' ? message.venID : message.type === 'oadrCreatedEvent' ? message.eiCreatedEvent.venID : undefined;
  return venID !== undefined ? { venID } : {};
};

/**
 * The answer of the `openadr-code` fault (see {@link OpenAdrCodeFault}): the request's normal
 * reply type with `fault.code` as its responseCode (OPENADR.md §3.0, §8), built from the
 * request alone, so the model never sees the request. Every answer is schema-valid.
 */
export function codedAnswer(message: OadrMessage, fault: OpenAdrCodeFault, vtn: { readonly vtnID: string; readonly pollFrequency: string }): OadrMessage {
  const { vtnID } = vtn;
  const response = eiResponse(requestIdOf(message), fault.code, fault.description ?? `injected ${fault.code}`);
  const venID = venIdField(message);
  if (fault.asResponse) return { type: 'oadrResponse', eiResponse: response, ...venID };
  switch (message.type) {
    case 'oadrCreatePartyRegistration':
    case 'oadrQueryRegistration':
      return {
        type: 'oadrCreatedPartyRegistration',
        eiResponse: response,
        vtnID,
        oadrProfiles: { oadrProfile: [{ oadrProfileName: '2.0b', oadrTransports: { oadrTransport: [{ oadrTransportName: 'simpleHttp' }] } }] },
        oadrRequestedOadrPollFreq: Duration.parse(vtn.pollFrequency) ?? Duration.of({ seconds: 10 }),
      };
    case 'oadrCancelPartyRegistration':
      return { type: 'oadrCanceledPartyRegistration', eiResponse: response, registrationID: message.registrationID, ...venID };
    case 'oadrRequestEvent':
      return { type: 'oadrDistributeEvent', eiResponse: response, requestID: `coded-${fault.code}`, vtnID, oadrEvent: [] };
    case 'oadrRegisterReport':
      return { type: 'oadrRegisteredReport', eiResponse: response, oadrReportRequest: [], ...venID };
    case 'oadrUpdateReport':
      return { type: 'oadrUpdatedReport', eiResponse: response, ...venID };
    case 'oadrCreateReport':
      return { type: 'oadrCreatedReport', eiResponse: response, oadrPendingReports: [], ...venID };
    case 'oadrCancelReport':
      return { type: 'oadrCanceledReport', eiResponse: response, oadrPendingReports: [], ...venID };
    case 'oadrCreateOpt':
      return { type: 'oadrCreatedOpt', eiResponse: response, optID: message.optID };
    case 'oadrCancelOpt':
      return { type: 'oadrCanceledOpt', eiResponse: response, optID: message.optID };
    default:
      return { type: 'oadrResponse', eiResponse: response, ...venID };
  }
}
