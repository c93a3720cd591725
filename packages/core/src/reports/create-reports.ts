import { BehaviorSubject, Subject, Subscription } from 'rxjs';
import type { Obligation } from '../ledger/obligation.js';
import type { ExchangeVerdict } from '../ledger/retry-policy.js';
import type { OadrMessage } from '../model/message.js';
import { createLiveReadings } from './live-readings.js';
import { registerReport } from './metadata.js';
import { registeredReport, updatedReport } from './report-answers.js';
import { createReportDeliveries } from './report-deliveries.js';
import { ReportError } from './report-error.js';
import type { ReportHost } from './report-host.js';
import { addressVenID, count, createModuleState, forget, nextId, nowMs, samplesOf, type ReportSession } from './report-module-state.js';
import type { DroppedDelivery, ReportModule, ReportStats } from './report-module.js';
import { createReportObligations, type ReportObligationKind } from './report-obligations.js';
import { resolveReportsOptions, type ReportsOptions } from './report-options.js';
import { loadReportState, resumeOffer, skipOwed } from './report-restore.js';
import { reportStateToJson } from './report-state.js';
import { createRequestRunners } from './request-runners.js';
import { createRequestServing } from './request-serving.js';
import { createVtnRequestLedger } from './vtn-request-ledger.js';
import { createVtnReports } from './vtn-reports.js';

/**
 * Creates the report module (OPENADR.md §5, §10 item 10) and passes it to `createVen` as
 * `reports`. Options are checked here, once (`ReportError('config')`).
 *
 * @example
 * const reports = createReports({
 *   reports: [telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: meter.power$,
 *                              samplingRate: { min: 'PT10S', max: 'PT1H' } })],
 * });
 * const ven = createVen({ venName: 'site-42', transport, reports });
 * reports.dropped$.subscribe((d) => log.warn('report lost', d));
 */
export function createReports(options: ReportsOptions = {}): ReportModule {
  const config = resolveReportsOptions(options);
  const { catalog } = config;
  const errors = new Subject<ReportError>();
  const dropped = new Subject<DroppedDelivery>();
  const live = createLiveReadings(catalog.reports.flatMap((r) => r.points), (e) => errors.next(e));
  const state = createModuleState();
  /** `reregistered` was called: the next `registered` starts a renewal. */
  let renewing = false;
  /** `reregistered` was called: the next `registered` makes the VEN's own requests for the VTN's reports again. */
  let renewVtnRequests = false;
  /**
   * Resumed from the store with a METADATA offer still owed (restored from the ledger): that record is
   * this start's offer, so the engine's `registered` on resume makes no second one (see `attach`).
   */
  let offerRestored = false;
  /** True once the persisted slot was read, or once something happened that it must not overwrite. */
  let loaded = false;

  const currentStats = (): ReportStats => ({ ...state.counters, pending: state.requests.length, buffered: obligations.pendingDeliveries() + state.held.length });

  const toJson = () => {
    const own = vtnRequests.toJson();
    const { venID, seq, requests, held, counters, inProgress } = state;
    return reportStateToJson({ venID, seq, requests, held, counters, samples: inProgress, vtnRequests: own.accepted, vtnRequestsOwed: own.owed, vtnRequestsWithdrawn: own.withdrawn });
  };
  const saveNow = (): void => {
    const { session } = state;
    if (!session) return;
    session.saveTimer?.unsubscribe();
    session.saveTimer = undefined;
    session.host.save(toJson());
  };
  /** Saves once per scheduler turn however many changes it saw; publishes the stats at once. */
  const changed = (): void => {
    stats.next(currentStats());
    const { session } = state;
    if (session && !session.saveTimer) session.saveTimer = session.host.scheduler.schedule(saveNow, 0);
  };

  /** Owes a report control message (a ledger record) when attached; else hands it to the engine to send. */
  const owe = (kind: Exclude<ReportObligationKind, 'report-delivery'>, message: OadrMessage, out: OadrMessage[]): void => {
    if (state.session) obligations.owe(kind, message);
    else out.push(message);
  };

  /** How each owed record ended (the ledger calls back; records restored after a restart too). */
  const settled = (record: Obligation, answer: OadrMessage | undefined): void => {
    if (vtnRequests.settled(record)) return;
    if (record.kind === 'report-delivery') {
      count(state, 'delivered');
      if (answer?.type === 'oadrUpdatedReport' && answer.oadrCancelReport) serving.cancel(answer.oadrCancelReport, addressVenID(state), nowMs(state));
    } else if (record.kind === 'register-report') {
      serving.followUps(record.message, answer);
    }
    changed();
  };
  const refused = (record: Obligation, verdict: ExchangeVerdict): void => {
    if (record.kind === 'report-delivery') deliveries.onDropped(record.message, 'rejected', verdict);
    // A refused request of the VEN's own ends its stream with the code; a refused cancel is reported below.
    else if (vtnRequests.refused(record, verdict) && record.kind === 'create-report') return;
    else {
      const code = verdict.kind === 'terminal' ? verdict.responseCode : undefined;
      errors.next(new ReportError('rejected', `the VTN refused ${record.message.type}: ${verdict.kind === 'terminal' ? `${verdict.responseCode}${verdict.description ? ` ${verdict.description}` : ''}` : verdict.kind}`, code ? { responseCode: code } : {}));
    }
    changed();
  };
  const obligations = createReportObligations({
    retry: config.retry,
    random: config.random,
    events: {
      settled,
      refused,
      dropped: (record, reason) => {
        deliveries.onDropped(record.message, reason);
        changed();
      },
    },
  });
  const stats = new BehaviorSubject<ReportStats>(currentStats());
  const vtnRequests = createVtnRequestLedger({
    obligations,
    nextId: (prefix) => nextId(state, prefix),
    attached: () => state.session !== undefined,
    venID: () => state.session?.host.venID() ?? state.venID ?? undefined,
    streams: () => vtn,
    changed: () => changed(),
    save: () => saveNow(),
  });
  const vtn = createVtnReports({ nextId: (prefix) => nextId(state, prefix), sink: vtnRequests.sink });
  const deliveries = createReportDeliveries(state, { catalog, missingReading: config.missingReading, obligations, dropped, errors, changed });
  const serving = createRequestServing(state, { catalog, deliveries, errors, owe, changed });

  /** Ends every request: the registration ended, or a fresh registration (another venID) starts with none. */
  const dropAll = (reason: 'registration-ended' | 'request-ended'): void => {
    state.renewal = undefined;
    renewing = false;
    for (const record of state.requests) forget(state, record.reportRequestID);
    state.inProgress.clear();
    state.requests = [];
    deliveries.dropHeld(() => false, reason);
    obligations.dropAll(reason);
    // The VEN's own requests for the VTN's reports end with the registration; under a fresh one they are made again (`registered`).
    if (reason === 'registration-ended') vtnRequests.ended('the registration ended');
    changed();
  };

  const attach = (host: ReportHost): Subscription => {
    if (state.session) throw new ReportError('config', 'attach: the report module is already attached to a VEN; create one module per VEN');
    if (!loaded) {
      loaded = true;
      loadReportState(state, host, { missingReading: config.missingReading, vtnRequests, errors });
    }
    const runners = createRequestRunners({ scheduler: host.scheduler, catalog, live, samplesOf: (id) => samplesOf(state, id), onWindow: deliveries.onWindow, onError: (e) => errors.next(e) });
    const current: ReportSession = { host, runners, saveTimer: undefined };
    state.session = current;
    const ledgerAttachment = obligations.attach(host);
    for (const subject of obligations.owedDeliveries()) skipOwed(state, subject);
    // Requests of the VEN's own for the VTN's reports whose stream is gone (a restart) are cancelled.
    vtnRequests.revive();
    // Resuming a stored registration (restart from the state file), the engine calls `registered` again,
    // so METADATA is offered again (§5.3 step 1); reports held in the slot are owed now.
    const resumed = host.venID();
    if (!state.renewal && resumed !== undefined) {
      deliveries.releaseHeld();
      offerRestored = resumeOffer(state, obligations, catalog, resumed);
    }
    const sources = live.connect(() => host.scheduler.now());
    state.requests = state.requests.filter((record) => runners.start(record) || (state.inProgress.delete(record.reportRequestID), false));
    obligations.kick();
    changed();
    return new Subscription(() => {
      if (state.session !== current) return;
      runners.stopAll();
      sources.unsubscribe();
      ledgerAttachment.unsubscribe();
      saveNow();
      state.session = undefined;
    });
  };

  return {
    catalog,
    handle(message, context) {
      state.lastNowMs = context.now.getTime();
      loaded = true;
      state.venID ??= context.venID;
      const atMs = nowMs(state);
      switch (message.type) {
        case 'oadrCreateReport':
          return serving.create(message.requestID, message.oadrReportRequest, context.venID, atMs);
        case 'oadrCancelReport':
          return serving.cancel(message, context.venID, atMs);
        case 'oadrRegisterReport':
          vtn.register(message);
          return [registeredReport(message.requestID, context.venID)];
        case 'oadrUpdateReport': {
          const unknown = vtn.update(message);
          vtnRequests.unknownData(unknown);
          return [updatedReport(message.requestID, unknown, context.venID)];
        }
      }
    },
    reregistered(context) {
      state.lastNowMs = context.now.getTime();
      loaded = true;
      offerRestored = false;
      // A fresh registration (another venID) starts with no requests; under the same venID the held ones
      // live on only if the VTN requests them again (see `registered`, which follows at once).
      if (state.venID !== null && state.venID !== context.venID) dropAll('request-ended');
      else if (state.requests.length > 0) renewing = true;
      renewVtnRequests = true;
    },
    registered(context) {
      state.lastNowMs = context.now.getTime();
      loaded = true;
      state.renewal = undefined;
      // Resuming the stored registration with the offer restored from the ledger: that one is this start's METADATA.
      const offered = offerRestored && !renewing && state.venID === context.venID;
      offerRestored = false;
      const fresh = state.venID !== null && state.venID !== context.venID;
      if (fresh) dropAll('request-ended');
      state.venID = context.venID;
      // After a re-registration the VTN may have forgotten the VEN (under a fresh venID it holds none of its
      // requests): the VEN's own live requests for the VTN's reports are made again, same reportRequestIDs.
      if (fresh || renewVtnRequests) vtnRequests.renew(fresh);
      renewVtnRequests = false;
      const metadata = registerReport(catalog, { requestID: nextId(state, 'req'), venID: context.venID, now: context.now });
      // After a re-registration the VTN may have lost its view (§5.3 step 1): requests held from before live
      // on only if the VTN requests them again — embedded in its answer to this METADATA, or by
      // oadrCreateReport before that answer. Until then no data goes out under them (nor under any other
      // request): reports already owed under them are taken back (same identities) and owed again once renewed.
      if (renewing && state.requests.length > 0) {
        state.renewal = { metadataRequestID: metadata.requestID, held: new Set(state.requests.map((r) => r.reportRequestID)), renewed: new Set() };
        state.held = [...obligations.takeBackDeliveries(), ...state.held];
      }
      renewing = false;
      const out: OadrMessage[] = [];
      if (!offered) owe('register-report', metadata, out);
      if (!state.renewal) deliveries.releaseHeld();
      changed();
      obligations.kick();
      return out;
    },
    answered: (sent, answer) => serving.followUps(sent, answer),
    attach,
    registrationEnded: () => dropAll('registration-ended'),
    pending: () => state.requests,
    stats: currentStats,
    stats$: stats.asObservable(),
    dropped$: dropped.asObservable(),
    errors$: errors.asObservable(),
    vtnReports$: vtn.offers$,
    requestVtnReport: (opts) => vtn.request(opts),
  };
}
