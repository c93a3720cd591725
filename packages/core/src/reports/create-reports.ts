import { BehaviorSubject, Subject, Subscription } from 'rxjs';
import type { MessageOf, OadrMessage } from '../model/message.js';
import type { CancelReport, ReportRequest } from '../model/report.js';
import { deliveryMessage, type DeliveryItem, type DeliveryItemJson } from './delivery-item.js';
import { createLiveReadings } from './live-readings.js';
import { registerReport } from './metadata.js';
import { answerCode, canceledReport, createdReport, expectedReply, registeredReport, updatedReport } from './report-answers.js';
import { ReportError, isReportError } from './report-error.js';
import type { Reading } from './report-capability.js';
import type { ReportHost } from './report-host.js';
import type { DroppedDelivery, ReportModule, ReportStats } from './report-module.js';
import { resolveReportsOptions, type ReportsOptions } from './report-options.js';
import type { ExchangeVerdict } from '../ledger/retry-policy.js';
import { createOutbox, type ControlItem, type DropReason, type Outbox } from './report-outbox.js';
import { applyCancel, applyCreate, applyDelivered, pendingIDs } from './report-requests.js';
import { ZERO_COUNTERS, reportStateFromJson, reportStateToJson, type ReportCounters } from './report-state.js';
import type { RequestRecord } from './request-record.js';
import { createRequestRunners, type RequestRunners } from './request-runners.js';
import { METADATA_SPECIFIER } from './request-validation.js';
import type { SampledWindow } from './sampled-window.js';
import { createVtnReports } from './vtn-reports.js';

const DROP_COUNTER: Record<DropReason, keyof ReportCounters> = {
  overflow: 'droppedOverflow',
  rejected: 'rejected',
  'registration-ended': 'droppedRegistrationEnded',
  'request-ended': 'droppedRequestEnded',
};

interface Session {
  readonly host: ReportHost;
  readonly outbox: Outbox<DeliveryItem>;
  readonly runners: RequestRunners;
  saveTimer: Subscription | undefined;
}

/**
 * Creates the report module (OPENADR.md §5, §10 item 10) and passes it to `createVen` as
 * `reports`. Options are checked here, once (`ReportError('config')`).
 *
 * @example
 * const reports = createReports({
 *   reports: [telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: meter.power$,
 *                              samplingRate: { min: 'PT10S', max: 'PT1H' } })],
 *   bufferLimit: 1_000,
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
  const jsonCache = new WeakMap<DeliveryItem, DeliveryItemJson>();
  /** Samples of intervals not yet delivered, per request: persisted so a restart keeps them. */
  const inProgress = new Map<string, Map<number, Array<Reading | undefined>>>();
  const samplesOf = (id: string) => {
    let map = inProgress.get(id);
    if (!map) inProgress.set(id, (map = new Map()));
    return map;
  };
  const forget = (id: string) => {
    session?.runners.stop(id);
    inProgress.delete(id);
  };
  let requests: readonly RequestRecord[] = [];
  let waiting: readonly DeliveryItem[] = [];
  let venID: string | null = null;
  let seq = 0;
  let counters: ReportCounters = ZERO_COUNTERS;
  let lastNowMs = 0;
  /** True once the persisted slot was read, or once something happened that it must not overwrite. */
  let loaded = false;
  let session: Session | undefined;

  const nowMs = (): number => (session ? session.host.scheduler.now() : lastNowMs);
  const nextId = (prefix: string): string => `${prefix}-${nowMs().toString(36)}-${(++seq).toString(36)}`;
  const deliveries = (): readonly DeliveryItem[] => (session ? session.outbox.deliveries() : waiting);
  const currentStats = (): ReportStats => ({ ...counters, pending: requests.length, buffered: deliveries().length });
  const stats = new BehaviorSubject<ReportStats>(currentStats());
  const vtn = createVtnReports({ nextId, enqueue: (item) => enqueueControl(item) });

  const toJson = () => reportStateToJson({ venID, seq, requests, deliveries: deliveries(), counters, samples: inProgress }, jsonCache);
  const saveNow = (): void => {
    if (!session) return;
    session.saveTimer?.unsubscribe();
    session.saveTimer = undefined;
    session.host.save(toJson());
  };
  /** Saves once per scheduler turn however many changes it saw; publishes the stats at once. */
  const changed = (): void => {
    stats.next(currentStats());
    if (session && !session.saveTimer) session.saveTimer = session.host.scheduler.schedule(saveNow, 0);
  };
  const count = (key: keyof ReportCounters): void => {
    counters = { ...counters, [key]: counters[key] + 1 };
  };

  const enqueueControl = (item: ControlItem, front = false): void => {
    if (!session) throw new ReportError('not-attached', `${item.description}: the report module is not attached to a running VEN`);
    session.outbox.enqueueControl(item, front);
  };
  /** Sends follow-up messages through the outbox, ahead of data reports, in order. */
  const sendLater = (messages: readonly OadrMessage[]): void => {
    for (const message of [...messages].reverse()) {
      enqueueControl({ description: message.type, expects: expectedReply(message.type), build: () => message, answered: (answer) => sendLater(followUps(message, answer)) }, true);
    }
  };

  const onDropped = (item: DeliveryItem, reason: DropReason, verdict?: ExchangeVerdict): void => {
    count(DROP_COUNTER[reason]);
    const { window } = item;
    const refusal = verdict?.kind === 'terminal' ? verdict : undefined;
    dropped.next({ reason, reportRequestID: window.reportRequestID, eiReportID: item.eiReportID, from: new Date(window.fromMs), to: new Date(window.toMs), ...(refusal ? { responseCode: refusal.responseCode } : {}) });
    if (refusal) {
      errors.next(new ReportError('rejected', `the VTN refused report ${item.eiReportID} of request ${window.reportRequestID}: ${refusal.responseCode}${refusal.description ? ` ${refusal.description}` : ''}; it is not sent again`, { responseCode: refusal.responseCode, reportRequestID: window.reportRequestID }));
    }
  };

  const onWindow = (window: SampledWindow): void => {
    const record = requests.find((r) => r.reportRequestID === window.reportRequestID);
    if (!record || !session) return;
    requests = applyDelivered(requests, record.reportRequestID, window.toMs, window.final);
    if (window.final) inProgress.delete(record.reportRequestID);
    if (record.metadata) {
      const id = record.reportRequestID;
      let sent: OadrMessage | undefined;
      enqueueControl({
        description: `metadata for ${id}`,
        expects: 'oadrRegisteredReport',
        build: (ven) => (sent = registerReport(catalog, { requestID: nextId('req'), venID: ven, now: new Date(nowMs()), reportRequestID: id })),
        answered: (answer) => sent && sendLater(followUps(sent, answer)),
      });
    } else {
      const reportName = catalog.get(record.reportSpecifierID)?.reportName ?? 'x-unknown';
      session.outbox.enqueueDelivery({ requestID: nextId('upd'), eiReportID: nextId('rpt'), reportSpecifierID: record.reportSpecifierID, reportName, window });
    }
    changed();
  };

  /** Adds requests (oadrCreateReport or embedded in oadrRegisteredReport) and answers oadrCreatedReport. */
  const create = (requestID: string, incoming: readonly ReportRequest[], ven: string, atMs: number): OadrMessage[] => {
    const oneShotMetadata = incoming.filter((r) => r.reportSpecifier.reportSpecifierID === METADATA_SPECIFIER && r.reportSpecifier.reportBackDuration.isZero);
    const outcome = applyCreate(requests, incoming.filter((r) => !oneShotMetadata.includes(r)), catalog, atMs);
    requests = outcome.requests;
    // The answer lists the new requests as pending even when a one-shot report goes out at once.
    const answers = [
      createdReport(requestID, outcome.problems, pendingIDs(requests), ven),
      ...oneShotMetadata.map((r) => registerReport(catalog, { requestID: nextId('req'), venID: ven, now: new Date(atMs), reportRequestID: r.reportRequestID })),
    ];
    for (const id of outcome.replaced) forget(id);
    for (const record of outcome.accepted) session?.runners.start(record);
    changed();
    return answers;
  };

  const cancel = (message: CancelReport, ven: string, atMs: number): MessageOf<'oadrCanceledReport'> => {
    const outcome = applyCancel(requests, message.reportRequestID, message.reportToFollow, atMs);
    requests = outcome.requests;
    // Requests with a report to follow stay pending until it is out (§5.7).
    const answer = canceledReport(message.requestID, outcome.unknown, pendingIDs(requests), ven);
    for (const id of outcome.stopped) forget(id);
    for (const id of outcome.following) session?.runners.end(id, atMs);
    changed();
    return answer;
  };

  /** What to send after the VTN answered `sent` (§5.3 step 2); refusals are reported on errors$. */
  const followUps = (sent: OadrMessage, answer: OadrMessage | undefined): OadrMessage[] => {
    const { code, description } = answerCode(answer);
    if (code !== '200') {
      errors.next(new ReportError('rejected', `the VTN answered ${sent.type} with ${code}${description ? ` ${description}` : ''}`, { responseCode: code }));
      return [];
    }
    if (sent.type !== 'oadrRegisterReport' || answer?.type !== 'oadrRegisteredReport' || !answer.oadrReportRequest?.length) return [];
    const ven = session?.host.venID() ?? venID ?? '';
    return create(answer.eiResponse.requestID, answer.oadrReportRequest, ven, nowMs());
  };

  /** Only an oadrUpdatedReport with a 2xx code gets here (classifyExchange). */
  const onDelivered = (_item: DeliveryItem, answer: OadrMessage | undefined): void => {
    count('delivered');
    if (answer?.type === 'oadrUpdatedReport' && answer.oadrCancelReport) {
      sendLater([cancel(answer.oadrCancelReport, session?.host.venID() ?? venID ?? '', nowMs())]);
    }
    changed();
  };

  const dropAll = (): void => {
    for (const record of requests) forget(record.reportRequestID);
    inProgress.clear();
    requests = [];
    if (session) session.outbox.removeDeliveries(() => true, 'registration-ended');
    else for (const item of waiting) onDropped(item, 'registration-ended');
    waiting = [];
    changed();
  };

  const load = (host: ReportHost): void => {
    loaded = true;
    try {
      const state = reportStateFromJson(host.load());
      if (!state) return;
      ({ venID, seq, requests, counters } = state);
      waiting = state.deliveries;
      for (const [id, map] of state.samples) inProgress.set(id, map);
    } catch (error) {
      errors.next(isReportError(error) ? error : new ReportError('state', 'the persisted report state is unreadable', { cause: error }));
    }
  };

  const attach = (host: ReportHost): Subscription => {
    if (session) throw new ReportError('config', 'attach: the report module is already attached to a VEN; create one module per VEN');
    if (!loaded) load(host);
    const runners = createRequestRunners({ scheduler: host.scheduler, catalog, live, samplesOf, onWindow, onError: (e) => errors.next(e) });
    const outbox = createOutbox<DeliveryItem>({
      scheduler: host.scheduler,
      limit: config.bufferLimit,
      policy: config.onBufferFull,
      retry: config.retry,
      random: config.random,
      send: (message) => host.send(message),
      venID: () => host.venID(),
      deliveryMessage: (item, ven) => deliveryMessage(item, ven, config.missingReading),
      onDelivered,
      onDropped,
      onControlFailed: (item, verdict) => {
        item.refused?.(verdict);
        errors.next(new ReportError('rejected', `the VTN refused ${item.description}: ${verdict.responseCode}${verdict.description ? ` ${verdict.description}` : ''}`, { responseCode: verdict.responseCode }));
      },
      onReconcile: () => undefined,
      onChange: changed,
    });
    const current: Session = { host, outbox, runners, saveTimer: undefined };
    session = current;
    for (const item of waiting) outbox.enqueueDelivery(item);
    waiting = [];
    const sources = live.connect();
    requests = requests.filter((record) => runners.start(record) || (inProgress.delete(record.reportRequestID), false));
    changed();
    return new Subscription(() => {
      if (session !== current) return;
      runners.stopAll();
      sources.unsubscribe();
      outbox.stop();
      saveNow();
      waiting = outbox.deliveries().slice();
      session = undefined;
    });
  };

  return {
    catalog,
    handle(message, context) {
      lastNowMs = context.now.getTime();
      loaded = true;
      venID ??= context.venID;
      const atMs = session ? nowMs() : lastNowMs;
      switch (message.type) {
        case 'oadrCreateReport':
          return create(message.requestID, message.oadrReportRequest, context.venID, atMs);
        case 'oadrCancelReport':
          return [cancel(message, context.venID, atMs)];
        case 'oadrRegisterReport':
          vtn.register(message);
          return [registeredReport(message.requestID, context.venID)];
        case 'oadrUpdateReport':
          return [updatedReport(message.requestID, vtn.update(message), context.venID)];
      }
    },
    registered(context) {
      lastNowMs = context.now.getTime();
      loaded = true;
      if (venID !== null && venID !== context.venID) dropAll();
      venID = context.venID;
      changed();
      session?.outbox.kick();
      return [registerReport(catalog, { requestID: nextId('req'), venID: context.venID, now: context.now })];
    },
    answered: (sent, answer) => followUps(sent, answer),
    attach,
    registrationEnded: dropAll,
    pending: () => requests,
    stats: currentStats,
    stats$: stats.asObservable(),
    dropped$: dropped.asObservable(),
    errors$: errors.asObservable(),
    vtnReports$: vtn.offers$,
    requestVtnReport: (opts) => vtn.request(opts),
  };
}
