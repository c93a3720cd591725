import type { OadrMessage } from '../model/message.js';
import type { OadrService } from './transport.js';

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
