import { BehaviorSubject, Subject, Subscription } from 'rxjs';
import { messageToJson } from '../codec/message-json.js';
import type { Obligation, ObligationSubject } from '../ledger/obligation.js';
import type { ExchangeVerdict } from '../ledger/retry-policy.js';
import type { MessageOf, OadrMessage } from '../model/message.js';
import type { CancelReport, ReportRequest } from '../model/report.js';
import { deliveryMessage } from './delivery-item.js';
import { createLiveReadings } from './live-readings.js';
import { registerReport } from './metadata.js';
import { answerCode, canceledReport, createdReport, registeredReport, updatedReport } from './report-answers.js';
import { ReportError, isReportError } from './report-error.js';
import type { Reading } from './report-capability.js';
import type { ReportHost } from './report-host.js';
import type { DropReason, DroppedDelivery, ReportModule, ReportStats } from './report-module.js';
import { createReportObligations, type ReportObligationKind } from './report-obligations.js';
import { resolveReportsOptions, type ReportsOptions } from './report-options.js';
import { isFinal } from './report-plan.js';
import { applyCancel, applyCreate, applyDelivered, pendingIDs } from './report-requests.js';
import { ZERO_COUNTERS, reportStateFromJson, reportStateToJson, type HeldDelivery, type ReportCounters } from './report-state.js';
import type { RequestRecord } from './request-record.js';
import { createRequestRunners, type RequestRunners } from './request-runners.js';
import { METADATA_SPECIFIER } from './request-validation.js';
import type { SampledWindow } from './sampled-window.js';
import { createVtnRequestLedger } from './vtn-request-ledger.js';
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
  readonly runners: RequestRunners;
  saveTimer: Subscription | undefined;
}

/** Deep equality of two JSON values, whatever the order of their keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => sameJson(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The reportRequestID and eiReportID of an owed or held oadrUpdateReport. */
function deliveryIDs(message: OadrMessage): { readonly reportRequestID: string; readonly eiReportID: string } {
  const report = message.type === 'oadrUpdateReport' ? message.oadrReport?.[0] : undefined;
  return { reportRequestID: report?.reportRequestID ?? '', eiReportID: report?.eiReportID ?? '' };
}

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
  /** Data reports made while their request waits to be renewed (or before any registration): not owed yet. */
  let held: HeldDelivery[] = [];
  let venID: string | null = null;
  let seq = 0;
  let counters: ReportCounters = ZERO_COUNTERS;
  let lastNowMs = 0;
  /**
   * After a re-registration under the same venID: the requests held from before, waiting to be
   * requested again, and the requestID of the METADATA whose answer decides (see `registered`).
   */
  let renewal: { readonly metadataRequestID: string; readonly held: Set<string>; readonly renewed: Set<string> } | undefined;
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
  let session: Session | undefined;

  const nowMs = (): number => (session ? session.host.scheduler.now() : lastNowMs);
  const nextId = (prefix: string): string => `${prefix}-${nowMs().toString(36)}-${(++seq).toString(36)}`;
  const currentStats = (): ReportStats => ({ ...counters, pending: requests.length, buffered: obligations.pendingDeliveries() + held.length });

  const toJson = () => {
    const own = vtnRequests.toJson();
    return reportStateToJson({ venID, seq, requests, held, counters, samples: inProgress, vtnRequests: own.accepted, vtnRequestsOwed: own.owed });
  };
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

  /** Owes a report control message (a ledger record) when attached; else hands it to the engine to send. */
  const owe = (kind: Exclude<ReportObligationKind, 'report-delivery'>, message: OadrMessage, out: OadrMessage[]): void => {
    if (session) obligations.owe(kind, message);
    else out.push(message);
  };

  const dropHeld = (keep: (h: HeldDelivery) => boolean, reason: DropReason): void => {
    held = held.filter((h) => keep(h) || (onDropped(h.message, reason), false));
  };

  const onDropped = (message: OadrMessage, reason: DropReason, verdict?: ExchangeVerdict): void => {
    count(DROP_COUNTER[reason]);
    const { reportRequestID, eiReportID } = deliveryIDs(message);
    const report = message.type === 'oadrUpdateReport' ? message.oadrReport?.[0] : undefined;
    const from = report?.dtstart ?? new Date(0);
    const to = report?.duration ? new Date(report.duration.addToMillis(from.getTime())) : from;
    const refusal = verdict?.kind === 'terminal' ? verdict : undefined;
    dropped.next({ reason, reportRequestID, eiReportID, from, to, ...(refusal ? { responseCode: refusal.responseCode } : {}) });
    if (refusal) {
      errors.next(new ReportError('rejected', `the VTN refused report ${eiReportID} of request ${reportRequestID}: ${refusal.responseCode}${refusal.description ? ` ${refusal.description}` : ''}; it is not sent again`, { responseCode: refusal.responseCode, reportRequestID }));
    }
  };

  /** Owes a data report, or holds it while its request waits to be renewed (nothing goes out under it meanwhile). */
  const deliver = (message: MessageOf<'oadrUpdateReport'>, subject: HeldDelivery['subject']): void => {
    if (renewal || !session || session.host.venID() === undefined) held.push({ subject, message });
    else obligations.deliver(message, subject);
  };

  const onWindow = (window: SampledWindow): void => {
    const record = requests.find((r) => r.reportRequestID === window.reportRequestID);
    if (!record || !session) return;
    requests = applyDelivered(requests, record.reportRequestID, window.toMs, window.final);
    if (window.final) inProgress.delete(record.reportRequestID);
    const ven = session.host.venID() ?? venID ?? '';
    if (record.metadata) {
      obligations.owe('register-report', registerReport(catalog, { requestID: nextId('req'), venID: ven, now: new Date(nowMs()), reportRequestID: record.reportRequestID }));
    } else {
      const reportName = catalog.get(record.reportSpecifierID)?.reportName ?? 'x-unknown';
      const item = { requestID: nextId('upd'), eiReportID: nextId('rpt'), reportSpecifierID: record.reportSpecifierID, reportName, window };
      deliver(deliveryMessage(item, ven, config.missingReading), { reportRequestID: window.reportRequestID, fromMs: window.fromMs, toMs: window.toMs, intervals: Math.max(1, window.intervals.length) });
    }
    changed();
  };

  /** The requests the VEN reports as pending: during a renewal, those held from before are not listed until the VTN requests them again. */
  const livePending = (): string[] => pendingIDs(renewal ? requests.filter((r) => !renewal!.held.has(r.reportRequestID) || renewal!.renewed.has(r.reportRequestID)) : requests);

  /**
   * Ends the renewal: every request held from before the re-registration that the VTN did not
   * request again (embedded in the METADATA answer, or by an oadrCreateReport since) ends. Its
   * reports are not sent (counted `droppedRequestEnded`); its samples are dropped (the history
   * source keeps the data). The reports of the renewed requests are owed, in order.
   */
  const concludeRenewal = (): void => {
    if (!renewal) return;
    const { held: before, renewed } = renewal;
    renewal = undefined;
    const gone = new Set([...before].filter((id) => !renewed.has(id)));
    for (const id of gone) forget(id);
    requests = requests.filter((r) => !gone.has(r.reportRequestID));
    dropHeld((h) => !gone.has(h.subject.reportRequestID ?? ''), 'request-ended');
    const owed = held;
    held = [];
    for (const h of owed) deliver(h.message, h.subject);
    changed();
  };

  /** Adds requests (oadrCreateReport or embedded in oadrRegisteredReport) and owes oadrCreatedReport before any data. */
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
    const out: OadrMessage[] = [];
    owe('created-report', createdReport(requestID, outcome.problems, livePending(), ven), out);
    for (const r of oneShotMetadata) owe('register-report', registerReport(catalog, { requestID: nextId('req'), venID: ven, now: new Date(atMs), reportRequestID: r.reportRequestID }), out);
    for (const id of outcome.replaced) if (!kept.has(id)) forget(id);
    for (const record of outcome.accepted) if (!kept.has(record.reportRequestID)) session?.runners.start(record);
    changed();
    return out;
  };

  const cancel = (message: CancelReport, ven: string, atMs: number): OadrMessage[] => {
    const outcome = applyCancel(requests, message.reportRequestID, message.reportToFollow, atMs);
    requests = outcome.requests;
    // Requests with a report to follow stay pending until it is out (§5.7).
    const out: OadrMessage[] = [];
    owe('canceled-report', canceledReport(message.requestID, outcome.unknown, livePending(), ven), out);
    for (const id of outcome.stopped) forget(id);
    for (const id of outcome.following) session?.runners.end(id, atMs);
    changed();
    return out;
  };

  /** What follows the VTN's answer to `sent` (§5.3 step 2); refusals are reported on errors$. */
  const followUps = (sent: OadrMessage, answer: OadrMessage | undefined): OadrMessage[] => {
    const { code, description } = answerCode(answer);
    if (!/^2\d\d$/.test(code)) {
      errors.next(new ReportError('rejected', `the VTN answered ${sent.type} with ${code}${description ? ` ${description}` : ''}`, { responseCode: code }));
      return [];
    }
    if (sent.type !== 'oadrRegisterReport' || answer?.type !== 'oadrRegisteredReport') return [];
    const embedded = answer.oadrReportRequest ?? [];
    const ven = session?.host.venID() ?? venID ?? '';
    // Embedded requests are taken first (a held one requested again unchanged goes on); then the answer to the
    // METADATA offered after a re-registration ends the held requests it did not renew (§5.3 steps 1–2).
    const out = embedded.length > 0 ? create(answer.eiResponse.requestID, embedded, ven, nowMs()) : [];
    if (renewal && sent.requestID === renewal.metadataRequestID) concludeRenewal();
    return out;
  };

  /** How each owed record ended (the ledger calls back; records restored after a restart too). */
  const settled = (record: Obligation, answer: OadrMessage | undefined): void => {
    if (vtnRequests.settled(record)) return;
    if (record.kind === 'report-delivery') {
      count('delivered');
      if (answer?.type === 'oadrUpdatedReport' && answer.oadrCancelReport) cancel(answer.oadrCancelReport, session?.host.venID() ?? venID ?? '', nowMs());
    } else if (record.kind === 'register-report') {
      followUps(record.message, answer);
    }
    changed();
  };
  const refused = (record: Obligation, verdict: ExchangeVerdict): void => {
    if (record.kind === 'report-delivery') onDropped(record.message, 'rejected', verdict);
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
        onDropped(record.message, reason);
        changed();
      },
    },
  });
  const stats = new BehaviorSubject<ReportStats>(currentStats());
  const vtnRequests = createVtnRequestLedger({
    obligations,
    nextId,
    attached: () => session !== undefined,
    venID: () => session?.host.venID() ?? venID ?? undefined,
    streams: () => vtn,
    changed: () => changed(),
    save: () => saveNow(),
  });
  const vtn = createVtnReports({ nextId, sink: vtnRequests.sink });

  /** Ends every request: the registration ended, or a fresh registration (another venID) starts with none. */
  const dropAll = (reason: 'registration-ended' | 'request-ended'): void => {
    renewal = undefined;
    renewing = false;
    for (const record of requests) forget(record.reportRequestID);
    inProgress.clear();
    requests = [];
    dropHeld(() => false, reason);
    obligations.dropAll(reason);
    // The VEN's own requests for the VTN's reports end with the registration; under a fresh one they are made again (`registered`).
    if (reason === 'registration-ended') vtnRequests.ended('the registration ended');
    changed();
  };

  const load = (host: ReportHost): void => {
    loaded = true;
    try {
      const state = reportStateFromJson(host.load());
      if (!state) return;
      ({ venID, seq, requests, counters } = state);
      held = [...state.held];
      // A slot saved before the ledger: its waiting reports are owed now (same identities).
      for (const item of state.deliveries) {
        const w = item.window;
        held.push({ message: deliveryMessage(item, venID ?? '', config.missingReading), subject: { reportRequestID: w.reportRequestID, fromMs: w.fromMs, toMs: w.toMs, intervals: Math.max(1, w.intervals.length) } });
      }
      for (const [id, map] of state.samples) inProgress.set(id, map);
      vtnRequests.load({ accepted: state.vtnRequests ?? [], owed: state.vtnRequestsOwed ?? [] });
    } catch (error) {
      errors.next(isReportError(error) ? error : new ReportError('state', 'the persisted report state is unreadable', { cause: error }));
    }
  };

  /**
   * A delivery restored from the ledger covers its intervals, also when the slot was saved before it:
   * the ledger journals a record at once, the slot follows at the end of the turn, and a kill -9 in
   * between leaves the request's cursor before the owed data. The request goes on after it (ends when
   * that was its last report), and the samples of those intervals are dropped: none is sampled and
   * sent a second time.
   */
  const skipOwed = (subject: ObligationSubject): void => {
    const { reportRequestID: id, toMs } = subject;
    const record = id === undefined ? undefined : requests.find((r) => r.reportRequestID === id);
    if (!record || toMs === undefined || record.cursorMs >= toMs) return;
    requests = applyDelivered(requests, record.reportRequestID, toMs, isFinal(record, toMs));
    const samples = inProgress.get(record.reportRequestID);
    for (const end of [...(samples?.keys() ?? [])]) if (end <= toMs) samples!.delete(end);
  };

  /**
   * On a resume, a METADATA offer restored from the ledger is sent again as it is (same requestID,
   * §5.3 step 1), unless the offered reports changed since: then a fresh offer supersedes it before it
   * goes out. Either way it is the one offer of this start. True when one is owed.
   */
  const resumeOffer = (ven: string): boolean => {
    const restored = obligations.pendingOffer();
    if (!restored) return false;
    const now = restored.oadrReport?.[0]?.createdDateTime ?? new Date(nowMs());
    const same = registerReport(catalog, { requestID: restored.requestID, venID: restored.venID ?? ven, now });
    if (!sameJson(messageToJson(same), messageToJson(restored))) {
      obligations.owe('register-report', registerReport(catalog, { requestID: nextId('req'), venID: ven, now: new Date(nowMs()) }));
    }
    return true;
  };

  const attach = (host: ReportHost): Subscription => {
    if (session) throw new ReportError('config', 'attach: the report module is already attached to a VEN; create one module per VEN');
    if (!loaded) load(host);
    const runners = createRequestRunners({ scheduler: host.scheduler, catalog, live, samplesOf, onWindow, onError: (e) => errors.next(e) });
    const current: Session = { host, runners, saveTimer: undefined };
    session = current;
    const ledgerAttachment = obligations.attach(host);
    for (const subject of obligations.owedDeliveries()) skipOwed(subject);
    // Requests of the VEN's own for the VTN's reports whose stream is gone (a restart) are cancelled.
    vtnRequests.revive();
    // Resuming a stored registration (restart from the state file), the engine calls `registered` again,
    // so METADATA is offered again (§5.3 step 1); reports held in the slot are owed now.
    const resumed = host.venID();
    if (!renewal && resumed !== undefined) {
      const owed = held;
      held = [];
      for (const h of owed) deliver(h.message, h.subject);
      offerRestored = resumeOffer(resumed);
    }
    const sources = live.connect(() => host.scheduler.now());
    requests = requests.filter((record) => runners.start(record) || (inProgress.delete(record.reportRequestID), false));
    obligations.kick();
    changed();
    return new Subscription(() => {
      if (session !== current) return;
      runners.stopAll();
      sources.unsubscribe();
      ledgerAttachment.unsubscribe();
      saveNow();
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
          return cancel(message, context.venID, atMs);
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
      lastNowMs = context.now.getTime();
      loaded = true;
      offerRestored = false;
      // A fresh registration (another venID) starts with no requests; under the same venID the held ones
      // live on only if the VTN requests them again (see `registered`, which follows at once).
      if (venID !== null && venID !== context.venID) dropAll('request-ended');
      else if (requests.length > 0) renewing = true;
      renewVtnRequests = true;
    },
    registered(context) {
      lastNowMs = context.now.getTime();
      loaded = true;
      renewal = undefined;
      // Resuming the stored registration with the offer restored from the ledger: that one is this start's METADATA.
      const offered = offerRestored && !renewing && venID === context.venID;
      offerRestored = false;
      const fresh = venID !== null && venID !== context.venID;
      if (fresh) dropAll('request-ended');
      venID = context.venID;
      // After a re-registration the VTN may have forgotten the VEN (under a fresh venID it holds none of its
      // requests): the VEN's own live requests for the VTN's reports are made again, same reportRequestIDs.
      if (fresh || renewVtnRequests) vtnRequests.renew(fresh);
      renewVtnRequests = false;
      const metadata = registerReport(catalog, { requestID: nextId('req'), venID: context.venID, now: context.now });
      // After a re-registration the VTN may have lost its view (§5.3 step 1): requests held from before live
      // on only if the VTN requests them again — embedded in its answer to this METADATA, or by
      // oadrCreateReport before that answer. Until then no data goes out under them (nor under any other
      // request): reports already owed under them are taken back (same identities) and owed again once renewed.
      if (renewing && requests.length > 0) {
        renewal = { metadataRequestID: metadata.requestID, held: new Set(requests.map((r) => r.reportRequestID)), renewed: new Set() };
        held = [...obligations.takeBackDeliveries(), ...held];
      }
      renewing = false;
      const out: OadrMessage[] = [];
      if (!offered) owe('register-report', metadata, out);
      if (!renewal) {
        const owed = held;
        held = [];
        for (const h of owed) deliver(h.message, h.subject);
      }
      changed();
      obligations.kick();
      return out;
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
