import type { OadrMessage, OadrService } from '@rxadr/core';

/**
 * The service each payload belongs to (OPENADR.md §1.3, §3.0): where a VEN must POST it, and
 * where the VTN pushes it (same service names under the VEN's `oadrTransportAddress`, §1.7).
 * `oadrResponse` is accepted by every service; its home here is EiRegisterParty.
 */
export function serviceOfMessage(type: OadrMessage['type']): OadrService {
  switch (type) {
    case 'oadrRequestEvent':
    case 'oadrCreatedEvent':
    case 'oadrDistributeEvent':
      return 'EiEvent';
    case 'oadrCreateOpt':
    case 'oadrCancelOpt':
    case 'oadrCreatedOpt':
    case 'oadrCanceledOpt':
      return 'EiOpt';
    case 'oadrPoll':
      return 'OadrPoll';
    case 'oadrRegisterReport':
    case 'oadrRegisteredReport':
    case 'oadrCreateReport':
    case 'oadrCreatedReport':
    case 'oadrUpdateReport':
    case 'oadrUpdatedReport':
    case 'oadrCancelReport':
    case 'oadrCanceledReport':
      return 'EiReport';
    default:
      return 'EiRegisterParty';
  }
}

/** Whether `type` may be POSTed to `service` (oadrResponse goes anywhere, §3.0). */
export function acceptedBy(service: OadrService, type: OadrMessage['type']): boolean {
  return type === 'oadrResponse' || serviceOfMessage(type) === service;
}

/** The venID a VEN request names, if any (for the unknown-VEN check, §8 463). */
export function venIdOf(message: OadrMessage): string | undefined {
  switch (message.type) {
    case 'oadrPoll':
    case 'oadrCreateOpt':
    case 'oadrCancelOpt':
      return message.venID;
    case 'oadrRequestEvent':
      return message.eiRequestEvent.venID;
    case 'oadrCreatedEvent':
      return message.eiCreatedEvent.venID;
    default:
      return undefined;
  }
}
