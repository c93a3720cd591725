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

/** True when a request asks for the same data as a held one (the cursor and arrival time aside). */
function sameSpec(a: RequestRecord, b: RequestRecord): boolean {
  return (
    a.reportSpecifierID === b.reportSpecifierID &&
    a.shape === b.shape &&
    a.metadata === b.metadata &&
    a.granularityMs === b.granularityMs &&
    a.reportBackMs === b.reportBackMs &&
    a.startMs === b.startMs &&
    a.endMs === b.endMs &&
    a.rIDs.length === b.rIDs.length &&
    a.rIDs.every((r, i) => r === b.rIDs[i])
  );
}

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
  /**
   * After a re-registration under the same venID: the requests held from before, waiting to be
   * requested again, and the requestID of the METADATA whose answer decides (see `registered`).
   */
  let renewal: { readonly metadataRequestID: string; readonly held: Set<string>; readonly renewed: Set<string> } | undefined;
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

  /** The requests the VEN reports as pending: during a renewal, those held from before are not listed until the VTN requests them again. */
  const livePending = (): string[] => pendingIDs(renewal ? requests.filter((r) => !renewal!.held.has(r.reportRequestID) || renewal!.renewed.has(r.reportRequestID)) : requests);

  /**
   * Ends the renewal: every request held from before the re-registration that the VTN did not
   * request again (embedded in the METADATA answer, or by an oadrCreateReport since) ends. Its waiting deliveries are
   * not sent (counted `droppedRequestEnded`); its samples are dropped (the history source keeps the data).
   */
  const concludeRenewal = (): void => {
    if (!renewal) return;
    const { held, renewed } = renewal;
    renewal = undefined;
    const dead = [...held].filter((id) => !renewed.has(id));
    if (dead.length > 0) {
      const gone = new Set(dead);
      for (const id of dead) forget(id);
      requests = requests.filter((r) => !gone.has(r.reportRequestID));
      session?.outbox.removeDeliveries((item) => gone.has(item.window.reportRequestID), 'request-ended');
      waiting = waiting.filter((item) => !gone.has(item.window.reportRequestID) || (onDropped(item, 'request-ended'), false));
    }
    session?.outbox.hold(false);
    changed();
  };

  /** Adds requests (oadrCreateReport or embedded in oadrRegisteredReport) and answers oadrCreatedReport. */
  const create = (requestID: string, incoming: readonly ReportRequest[], ven: string, atMs: number): OadrMessage[] => {
    const oneShotMetadata = incoming.filter((r) => r.reportSpecifier.reportSpecifierID === METADATA_SPECIFIER && r.reportSpecifier.reportBackDuration.isZero);
    const before = new Map(requests.map((r) => [r.reportRequestID, r] as const));
    const outcome = applyCreate(requests, incoming.filter((r) => !oneShotMetadata.includes(r)), catalog, atMs);
    requests = outcome.requests;
    // A held request the VTN requests again unchanged goes on where it was (no data sent twice, none skipped).
    const kept = new Set<string>();
    if (renewal) {
      for (const record of outcome.accepted) {
        const old = before.get(record.reportRequestID);
        if (old && renewal.held.has(old.reportRequestID) && !renewal.renewed.has(old.reportRequestID) && sameSpec(old, record)) {
          kept.add(old.reportRequestID);
          requests = requests.map((r) => (r.reportRequestID === old.reportRequestID ? old : r));
        }
        renewal.renewed.add(record.reportRequestID);
      }
    }
    // The answer lists the new requests as pending even when a one-shot report goes out at once.
    const answers = [
      createdReport(requestID, outcome.problems, livePending(), ven),
      ...oneShotMetadata.map((r) => registerReport(catalog, { requestID: nextId('req'), venID: ven, now: new Date(atMs), reportRequestID: r.reportRequestID })),
    ];
    for (const id of outcome.replaced) if (!kept.has(id)) forget(id);
    for (const record of outcome.accepted) if (!kept.has(record.reportRequestID)) session?.runners.start(record);
    changed();
    return answers;
  };

  const cancel = (message: CancelReport, ven: string, atMs: number): MessageOf<'oadrCanceledReport'> => {
    const outcome = applyCancel(requests, message.reportRequestID, message.reportToFollow, atMs);
    requests = outcome.requests;
    // Requests with a report to follow stay pending until it is out (§5.7).
    const answer = canceledReport(message.requestID, outcome.unknown, livePending(), ven);
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
    if (sent.type !== 'oadrRegisterReport' || answer?.type !== 'oadrRegisteredReport') return [];
    const embedded = answer.oadrReportRequest ?? [];
    const ven = session?.host.venID() ?? venID ?? '';
    // Embedded requests are taken first (a held one requested again unchanged goes on); then the answer to the
    // METADATA offered after a re-registration ends the held requests it did not renew (§5.3 steps 1–2).
    const answers = embedded.length > 0 ? create(answer.eiResponse.requestID, embedded, ven, nowMs()) : [];
    if (renewal && sent.requestID === renewal.metadataRequestID) concludeRenewal();
    return answers;
  };

  /** Only an oadrUpdatedReport with a 2xx code gets here (classifyExchange). */
  const onDelivered = (_item: DeliveryItem, answer: OadrMessage | undefined): void => {
    count('delivered');
    if (answer?.type === 'oadrUpdatedReport' && answer.oadrCancelReport) {
      sendLater([cancel(answer.oadrCancelReport, session?.host.venID() ?? venID ?? '', nowMs())]);
    }
    changed();
  };

  /** Ends every request: the registration ended, or a fresh registration (another venID) starts with none. */
  const dropAll = (reason: 'registration-ended' | 'request-ended'): void => {
    renewal = undefined;
    session?.outbox.hold(false);
    for (const record of requests) forget(record.reportRequestID);
    inProgress.clear();
    requests = [];
    if (session) session.outbox.removeDeliveries(() => true, reason);
    else for (const item of waiting) onDropped(item, reason);
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
    // Resuming a stored registration (restart from the state file): offer METADATA again (§5.3 step 1),
    // so a VTN that lost or changed its view learns the reports; its answer may embed requests.
    const resumed = host.venID();
    if (resumed !== undefined) {
      let sent: OadrMessage | undefined;
      outbox.enqueueControl({
        description: 'METADATA oadrRegisterReport after restart',
        expects: 'oadrRegisteredReport',
        build: (ven) => (sent = registerReport(catalog, { requestID: nextId('req'), venID: ven, now: new Date(nowMs()) })),
        answered: (answer) => sent && sendLater(followUps(sent, answer)),
      });
    }
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
      renewal = undefined;
      if (venID !== null && venID !== context.venID) dropAll('request-ended');
      venID = context.venID;
      const metadata = registerReport(catalog, { requestID: nextId('req'), venID: context.venID, now: context.now });
      // A registration is a fresh start for the VTN (§5.3 step 1): requests held from before live on only
      // if the VTN requests them again — embedded in its answer to this METADATA, or by oadrCreateReport
      // before that answer. Until then no data goes out under them (nor under any other request).
      if (requests.length > 0) {
        renewal = { metadataRequestID: metadata.requestID, held: new Set(requests.map((r) => r.reportRequestID)), renewed: new Set() };
        session?.outbox.hold(true);
      }
      changed();
      session?.outbox.kick();
      return [metadata];
    },
    answered: (sent, answer) => followUps(sent, answer),
    attach,
    registrationEnded: () => dropAll('registration-ended'),
    pending: () => requests,
    stats: currentStats,
    stats$: stats.asObservable(),
    dropped$: dropped.asObservable(),
    errors$: errors.asObservable(),
    vtnReports$: vtn.offers$,
    requestVtnReport: (opts) => vtn.request(opts),
  };
}
