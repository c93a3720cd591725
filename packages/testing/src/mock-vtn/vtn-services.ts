import { serviceOfMessage, type OadrMessage, type OadrService } from '@rxadr/core';

/** Whether `type` may be POSTed to `service` (oadrResponse goes anywhere, §3.0). */
export function acceptedBy(service: OadrService, type: OadrMessage['type']): boolean {
  return type === 'oadrResponse' || serviceOfMessage(type) === service;
}

/** The venID a VEN request names, if any (for the unknown-VEN check, §8 463); registration messages are checked by the registration rules. */
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
    case 'oadrRegisterReport':
    case 'oadrRegisteredReport':
    case 'oadrCreateReport':
    case 'oadrCreatedReport':
    case 'oadrUpdateReport':
    case 'oadrUpdatedReport':
    case 'oadrCancelReport':
    case 'oadrCanceledReport':
      return message.venID; // optional in EiReport payloads; checked when present
    default:
      return undefined;
  }
}
