import { Subscription } from 'rxjs';
import { createLedger } from '../ledger/create-ledger.js';
import type { Ledger, ObligationHooks } from '../ledger/ledger.js';
import type { Obligation, ObligationKind, ObligationSubject } from '../ledger/obligation.js';
import type { ExchangeVerdict, RetryPolicy } from '../ledger/retry-policy.js';
import type { MessageOf, OadrMessage } from '../model/message.js';
import { createLedgerDriver, type LedgerDriver } from './ledger-driver.js';
import { expectedReply } from './report-answers.js';
import { ReportError } from './report-error.js';
import type { ReportHost } from './report-host.js';
import type { HeldDelivery } from './report-state.js';

/** The report messages the VEN owes, as ledger kinds (DESIGN.md "the ledger"). */
export type ReportObligationKind = Extract<ObligationKind, 'report-delivery' | 'register-report' | 'created-report' | 'canceled-report' | 'create-report' | 'cancel-report'>;

/** The ledger key of the METADATA offer (see `owe`): a newer offer supersedes an unsent older one. */
const OFFER_KEY = 'register-report:offer';

const KINDS: readonly ReportObligationKind[] = ['report-delivery', 'register-report', 'created-report', 'canceled-report', 'create-report', 'cancel-report'];

/** The ledger key of the VEN's own request for a VTN report: its oadrCancelReport supersedes its unsent oadrCreateReport. */
export const vtnRequestKey = (reportRequestID: string): string => `vtn-report:${reportRequestID}`;

/** The reportRequestID a report control message is about, when it names one. */
function reportRequestOf(message: OadrMessage): string | undefined {
  switch (message.type) {
    case 'oadrRegisterReport':
      return message.reportRequestID;
    case 'oadrCreateReport':
      return message.oadrReportRequest[0]?.reportRequestID;
    case 'oadrCancelReport':
      return message.reportRequestID[0];
    default:
      return undefined;
  }
}

/** Why waiting report data was not sent. */
export type DeliveryDropReason = 'overflow' | 'request-ended' | 'registration-ended';

/** What the module hears back. */
export interface ReportObligationEvents {
  /** A record settled: the expected reply with a 2xx code. */
  settled(record: Obligation, answer: OadrMessage | undefined): void;
  /** A record was refused for good (OpenADR 4xx). */
  refused(record: Obligation, verdict: ExchangeVerdict): void;
  /** A delivery was not sent (counted by the caller). */
  dropped(record: Obligation, reason: DeliveryDropReason): void;
}

export interface ReportObligations {
  /** Starts on a host: its ledger (and driver) when it lends one, else an in-memory ledger driven here. */
  attach(host: ReportHost): Subscription;
  /** Owes one data report (an oadrUpdateReport record keyed per delivery, subject reportRequestID + interval range). */
  deliver(message: MessageOf<'oadrUpdateReport'>, subject: HeldDelivery['subject']): void;
  /** Takes every pending delivery back out of the ledger (not counted), oldest first, to be owed again later with the same identities. */
  takeBackDeliveries(): HeldDelivery[];
  /** Owes one report control message: METADATA, oadrCreatedReport, oadrCanceledReport, or the VEN's own oadrCreateReport / oadrCancelReport. */
  owe(kind: Exclude<ReportObligationKind, 'report-delivery'>, message: OadrMessage): void;
  /** Ends the waiting deliveries of the given requests (their data is not sent); counted through `dropped`. */
  dropDeliveries(predicate: (reportRequestID: string) => boolean, reason: DeliveryDropReason): void;
  /** Ends every pending report record (another registration: they name the old venID). */
  dropAll(reason: DeliveryDropReason): void;
  /** Ends the pending record with `key` without sending it (counted `superseded`); returns it. */
  withdraw(key: string): Obligation | undefined;
  /** The pending records of one kind, oldest first. */
  pendingOf(kind: ReportObligationKind): readonly Obligation[];
  /** Report deliveries pending in the ledger. */
  pendingDeliveries(): number;
  /** What the pending report deliveries cover (reportRequestID and interval range), oldest first. */
  owedDeliveries(): readonly ObligationSubject[];
  /** The METADATA offer pending in the ledger (not an answer to a METADATA request), e.g. restored after a restart. */
  pendingOffer(): MessageOf<'oadrRegisterReport'> | undefined;
  /** Sends what is due (after a registration). */
  kick(): void;
}

/**
 * The report module's side of the obligations ledger: every report message it owes is one
 * record (`report-delivery` keyed per delivery with subject reportRequestID + interval range;
 * `register-report`; `created-report`; `canceled-report`), sent by whoever drives the ledger,
 * retried by the one retry policy, settled only by the expected reply with 2xx. The module's own
 * buffer and retry loop are gone; the ledger bounds what waits (oldest intervals dropped first).
 */
export function createReportObligations(config: {
  readonly retry: RetryPolicy;
  readonly random: () => number;
  readonly events: ReportObligationEvents;
}): ReportObligations {
  const { events } = config;
  let ledger: Ledger | undefined;
  let own: Ledger | undefined;
  let driver: LedgerDriver | undefined;
  /** Set while this module drops records itself, so the change stream does not count them as overflow. */
  let dropping: DeliveryDropReason | 'taken-back' | undefined;

  const hooks: ObligationHooks = {
    settled: (record, answer) => events.settled(record, answer),
    failed: (record, verdict) => events.refused(record, verdict),
  };
  const need = (): Ledger => {
    if (!ledger) throw new ReportError('not-attached', 'the report module owes a message but is not attached to a running VEN');
    return ledger;
  };
  const isDelivery = (record: Obligation) => record.kind === 'report-delivery';

  return {
    attach(host) {
      // A plain-JavaScript host may lend neither: then an in-memory ledger, driven here through `send`.
      const lent = host.ledger as Ledger | undefined;
      own ??= lent ? undefined : createLedger({ scheduler: host.scheduler, policy: config.retry, random: config.random, source: 'report ledger' });
      const current = lent ?? own!;
      ledger = current;
      const drives = lent !== undefined && typeof host.hooks === 'function';
      if (drives) for (const kind of KINDS) host.hooks(kind, hooks);
      else {
        // After a restart every unsettled record is sent again at once (the backoff starts over).
        current.rescheduleAll(host.scheduler.now());
        driver = createLedgerDriver(current, host, (kind) => ((KINDS as readonly string[]).includes(kind) ? hooks : undefined));
      }
      const changes = current.changes$.subscribe(({ record, previous }) => {
        if (record.state === 'dropped' && previous === 'pending' && isDelivery(record) && dropping !== 'taken-back') events.dropped(record, dropping ?? 'overflow');
      });
      return new Subscription(() => {
        changes.unsubscribe();
        driver?.stop();
        driver = undefined;
      });
    },
    deliver(message, subject) {
      need().add({ kind: 'report-delivery', key: `delivery:${message.requestID}`, subject, message, expects: 'oadrUpdatedReport' });
      driver?.kick();
    },
    takeBackDeliveries() {
      if (!ledger) return [];
      dropping = 'taken-back';
      try {
        return ledger.drop(isDelivery, 'taken-back').map((r) => ({ subject: r.subject, message: r.message as MessageOf<'oadrUpdateReport'> }));
      } finally {
        dropping = undefined;
      }
    },
    owe(kind, message) {
      const requestID = 'requestID' in message ? String(message.requestID) : 'eiResponse' in message ? message.eiResponse.requestID : '';
      // A newer METADATA offer supersedes an unsent older one; answers are keyed by the request they answer;
      // the VEN's own create and cancel of a VTN report share one key per reportRequestID.
      const reportRequestID = reportRequestOf(message);
      const key =
        kind === 'create-report' || kind === 'cancel-report'
          ? vtnRequestKey(reportRequestID ?? requestID)
          : kind === 'register-report'
            ? `register-report:${message.type === 'oadrRegisterReport' ? (message.reportRequestID ?? 'offer') : requestID}`
            : `${kind}:${requestID}`;
      const subject = reportRequestID !== undefined ? { requestID, reportRequestID } : { requestID };
      need().add({ kind, key, subject, message, expects: expectedReply(message.type) });
      driver?.kick();
    },
    dropDeliveries(predicate, reason) {
      if (!ledger) return;
      dropping = reason;
      try {
        ledger.drop((record) => isDelivery(record) && predicate(record.subject.reportRequestID ?? ''), 'request-ended');
      } finally {
        dropping = undefined;
      }
    },
    dropAll(reason) {
      if (!ledger) return;
      dropping = reason;
      try {
        ledger.drop((record) => (KINDS as readonly string[]).includes(record.kind), 'request-ended');
      } finally {
        dropping = undefined;
      }
    },
    withdraw(key) {
      if (!ledger) return undefined;
      dropping = 'taken-back';
      try {
        return ledger.drop((record) => record.key === key, 'taken-back')[0];
      } finally {
        dropping = undefined;
      }
    },
    pendingOf: (kind) => (ledger ? ledger.pending().filter((r) => r.kind === kind) : []),
    pendingDeliveries: () => (ledger ? ledger.pending().filter(isDelivery).length : 0),
    owedDeliveries: () => (ledger ? ledger.pending().filter(isDelivery).map((r) => r.subject) : []),
    pendingOffer() {
      const record = ledger?.pending().find((r) => r.kind === 'register-report' && r.key === OFFER_KEY);
      return record?.message.type === 'oadrRegisterReport' ? record.message : undefined;
    },
    kick: () => driver?.kick(),
  };
}
