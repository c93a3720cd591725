import { EMPTY, concat, defer, ignoreElements, type Observable } from 'rxjs';
import type { Ledger } from '../ledger/ledger.js';
import type { MessageOf, OadrMessage } from '../model/message.js';
import type { OadrService } from '../transport/transport.js';
import type { EventEngine } from './event-engine.js';
import { sendReportMessages, type ReportHandler } from './report-handler.js';
import { serviceOf, type Inbound } from './ven-channel.js';
import { VenError } from './ven-error.js';

export interface DispatchDeps {
  readonly venID: () => string;
  readonly registrationID: () => string | undefined;
  readonly now: () => Date;
  /** Posts a VEN message to its service (§3.0); emits the VTN's decoded answer (used for report replies only). */
  readonly send: (message: OadrMessage, service?: OadrService) => Observable<Inbound | undefined>;
  readonly events: EventEngine;
  readonly reports: ReportHandler;
  /** Owed answers that must reach the VTN (oadrCanceledPartyRegistration) become records here. */
  readonly ledger: Ledger;
  /** The VTN cancelled our registration (own registrationID). */
  readonly cancelled: () => void;
  /** The VTN asked us to register again. */
  readonly reregister: () => void;
  readonly error: (error: VenError) => void;
}

/** VEN→VTN request types: receiving one is answered 451 "not allowed" (§8) rather than ignored. */
const MISDIRECTED = new Set<OadrMessage['type']>(['oadrQueryRegistration', 'oadrCreatePartyRegistration', 'oadrPoll', 'oadrRequestEvent', 'oadrCreatedEvent', 'oadrCreateOpt', 'oadrCancelOpt']);

const ok = (requestID: string) => ({ responseCode: '200', responseDescription: 'OK', requestID });

function cancelRegistration(message: MessageOf<'oadrCancelPartyRegistration'>, deps: DispatchDeps): Observable<void> {
  const own = message.registrationID === deps.registrationID();
  const answer: MessageOf<'oadrCanceledPartyRegistration'> = {
    type: 'oadrCanceledPartyRegistration',
    eiResponse: own ? ok(message.requestID) : { responseCode: '452', responseDescription: `registrationID ${message.registrationID} is not this VEN's`, requestID: message.requestID },
    registrationID: message.registrationID,
    venID: deps.venID(),
  };
  if (!own) {
    deps.error(new VenError('unexpected-message', `oadrCancelPartyRegistration for foreign registrationID ${message.registrationID}; answered 452`, { responseCode: '452' }));
    return deps.send(answer).pipe(ignoreElements());
  }
  // §3.1: answer, then drop the registration. The answer is owed (a ledger record that needs no
  // registration), so it is sent, and sent again after a failure, even though the VEN stops polling.
  deps.ledger.add({ kind: 'canceled-party-registration', key: `cancel-registration:${message.registrationID}`, subject: { requestID: message.requestID }, message: answer, expects: 'oadrResponse', needsRegistration: false });
  return defer(() => (deps.cancelled(), EMPTY));
}

/**
 * Routes one VTN→VEN payload (from a poll answer or a push) to its handler and sends the
 * replies §3.0 requires, in order, as new POSTs (pull mode). Completes when all are sent.
 */
export function dispatchVtnMessage(inbound: Inbound, deps: DispatchDeps): Observable<void> {
  const { message } = inbound;
  const context = () => ({ venID: deps.venID(), now: deps.now() });
  return defer((): Observable<unknown> => {
    switch (message.type) {
      case 'oadrResponse':
        if (message.eiResponse.responseCode !== '200') {
          deps.error(new VenError('unexpected-message', `the VTN answered ${message.eiResponse.responseCode} ${message.eiResponse.responseDescription ?? ''}`.trim(), { responseCode: message.eiResponse.responseCode }));
        }
        return EMPTY;
      case 'oadrDistributeEvent':
        return deps.events.handle(message, inbound.rejected);
      case 'oadrCreateReport':
      case 'oadrRegisterReport':
      case 'oadrCancelReport':
      case 'oadrUpdateReport':
        return sendReportMessages(deps.reports.handle(message, context()), deps.reports, context, (reply) => deps.send(reply));
      case 'oadrCancelPartyRegistration':
        return cancelRegistration(message, deps);
      case 'oadrRequestReregistration':
        // §3.1: acknowledge with oadrResponse, then register again with the current IDs.
        return concat(
          deps.send({ type: 'oadrResponse', eiResponse: ok(''), venID: deps.venID() }),
          defer(() => (deps.reregister(), EMPTY)),
        );
      default: {
        const misdirected = MISDIRECTED.has(message.type);
        deps.error(new VenError('unexpected-message', `a VEN does not expect ${message.type} from the VTN${misdirected ? '; answered 451' : ''}`));
        if (!misdirected) return EMPTY;
        return deps.send({ type: 'oadrResponse', eiResponse: { responseCode: '451', responseDescription: `${message.type} is not accepted by a VEN`, requestID: '' }, venID: deps.venID() }, serviceOf(message));
      }
    }
  }).pipe(ignoreElements());
}
