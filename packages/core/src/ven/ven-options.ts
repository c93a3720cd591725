import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { EiTarget, OptType } from '../model/model-exports.js';
import type { Transport } from '../transport/transport.js';
import type { BackoffPolicy } from './backoff.js';
import type { LedgerBounds } from '../ledger/ledger.js';
import { DEFAULT_LEDGER_BOUNDS } from '../ledger/create-ledger.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../ledger/retry-policy.js';
import type { DecisionOperator } from './decision.js';
import type { PollPhase } from './poll-phase.js';
import { createNoReports, type ReportHandler } from './report-handler.js';
import { createReports } from '../reports/create-reports.js';
import type { ReportCapability } from '../reports/report-capability.js';
import { VenError } from './ven-error.js';
import type { VenResource } from '../control/ven-resource.js';
import { resolveLogger, type ResolvedLogger, type VenLogger } from './ven-logger.js';
import { createMemoryStore, type VenStore } from './ven-store.js';

/** Longest poll interval the VEN honours: 24 h, as [OL] caps it (§1.6). */
export const MAX_POLL_FREQUENCY_MS = 24 * 60 * 60 * 1000;

/** Options of `createVen`. Only `venName` and `transport` are required. */
export interface VenOptions {
  /** `oadrVenName` sent at registration. Required, non-empty. */
  readonly venName: string;
  /** A venID provisioned out of band; sent at registration and replaced by the VTN's venID (§3.1). */
  readonly venId?: string;
  /** The network. A transport with `inbound$` registers for push (`oadrHttpPullModel=false`) and must give `pushAddress`. */
  readonly transport: Transport;
  /** Every wait and every "now". Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Persistence. Default `createMemoryStore()`. */
  readonly store?: VenStore;
  /** Decision logic; can also be set later with `ven.decide(op)`. Default: `defaultDecision` for every event. */
  readonly decide?: DecisionOperator;
  /** What an event gets when the decision operator errors, stays silent or misses the deadline. Default `optOut`. */
  readonly defaultDecision?: OptType;
  /** How long the first decision on one event version may take, in ms. Default 5 000. */
  readonly decisionDeadlineMs?: number;
  /** Random fraction of the poll interval added to each wait, 0 ≤ x < 1 (from `random`). Default 0. */
  readonly pollJitter?: number;
  /**
   * Where the periodic polls fall within the poll period. After each registration (and on
   * resume from the store) the VEN sends oadrRequestEvent and polls at once, as ever; the first
   * periodic poll then comes after `phase` × the poll period, and the ones after it every period
   * (plus `pollJitter`), counted from when the previous poll was due, not from when it ran: a
   * poll delayed by a busy process or a slow answer does not shift the later ones (one later
   * than a whole period is skipped), so the phase holds. Default `'spread'`: the phase is a hash of `venName` and the venID, so a
   * fleet that registers in the same second (started together, or back after an outage) polls
   * spread evenly over the period and one event does not make every VEN work at once, while each
   * VEN keeps the same phase on every run (deterministic under a virtual clock). A number in
   * [0, 1) sets the phase; `0` polls exactly one period after the immediate poll (no phasing).
   *
   * @example
   * createVen({ …, pollPhase: 0 }); // polls at registration, +10 s, +20 s, …
   */
  readonly pollPhase?: PollPhase;
  /** Poll interval when the VTN names none, in ms. Default 10 000 ([OL]). */
  readonly defaultPollFrequencyMs?: number;
  /**
   * The one retry policy (docs/ledger.md): every owed message in the obligations ledger, every
   * registration attempt, every failed poll and the pacing of re-registrations wait
   * `retryDelay(retry, attempt)` before they are tried again. Default {@link DEFAULT_RETRY_POLICY}
   * (5 s, ×2, at most 5 min, ±20 %).
   *
   * @example
   * createVen({ …, retry: { initialMs: 1_000, maxMs: 60_000 } });
   */
  readonly retry?: Partial<RetryPolicy>;
  /** @deprecated The same as `retry` (kept for existing code); `retry` wins where both are given. */
  readonly backoff?: Partial<BackoffPolicy>;
  /**
   * Bounds of the obligations ledger. When full, the oldest report intervals are dropped (and
   * counted as `droppedOverflow`); event answers and opts are never dropped. Default 10 000
   * records, 32 MiB.
   */
  readonly ledgerBounds?: Partial<LedgerBounds>;
  /**
   * How many times in a row a poll answer that carries a message is followed by another poll at
   * once, before the VEN waits for the poll frequency again. Default 10. An answer of a type a
   * poll cannot carry, or a failed poll, never re-polls at once.
   */
  readonly maxImmediatePolls?: number;
  /**
   * A random delay in [0, startJitterMs) ms (from `random`) before the first registration at
   * start and before each re-registration, so a fleet restarted together does not register in
   * the same second. Default 0 (no delay); a fleet might use 30 000.
   */
  readonly startJitterMs?: number;
  /** Longest time `stop()` waits for the exchange in flight before it abandons it, in ms (on `scheduler`). Default 5 000. */
  readonly stopTimeoutMs?: number;
  /** `oadrReportOnly` at registration. Default false. */
  readonly reportOnly?: boolean;
  /**
   * `oadrXmlSignature` at registration. Default: `transport.signsMessages` (set by the
   * `xmlSignatures` wrapper), else false. Saying true over a transport that says it does not sign
   * (or false over one that signs) is refused: the registration must tell the VTN the truth.
   */
  readonly xmlSignature?: boolean;
  readonly logger?: VenLogger;
  /** Market contexts the VEN is enrolled in; when set, an event for another one is answered 462 (rule 48). */
  readonly marketContexts?: readonly string[];
  /**
   * The VEN's own targets (resources, groups, …): an event whose target names none of them is
   * answered 462 (rule 48, §4.4), and a refused modification ends the version the VEN was running.
   * Default: derived from `resources` when those are given (their resourceIDs and target kinds), else
   * none known. Target checking is still on: the VEN always knows its own venID, so an
   * event targeted only at other venIDs is answered 462; a target that also names kinds the VEN
   * does not know (resourceID, groupID, …) is accepted, since it may be addressed to the VEN.
   */
  readonly targets?: Partial<EiTarget>;
  /**
   * The resources behind the VEN, each with the target kinds that name it (§4.4). `ven.control$`
   * gives the value in force per resource; event snapshots list the resources each event and signal
   * targets; decisions may leave some out (`optIn(e, { except })`). Default: one resource, `'ven'`.
   */
  readonly resources?: readonly VenResource[];
  /** Whether test events (`ei:testEvent` other than `false`, rule 6) drive `ven.control$`. Default false. */
  readonly includeTestEvents?: boolean;
  /** Random source in [0, 1) for startafter offsets, jitter and IDs. Default `Math.random`. */
  readonly random?: () => number;
  /** The report module's seam. Default answers report payloads with the codes of `createNoReports`. */
  /**
   * The reports the VEN offers (§5): a report module from `createReports(...)`, or just the list of
   * capabilities (`[telemetryUsage(...), telemetryStatus(...)]`) for the module's defaults.
   * Default: no reports; report requests are answered with 452.
   */
  readonly reports?: ReportHandler | readonly ReportCapability[];
}

/** The options after `resolveVenOptions`: complete and checked. */
export interface ResolvedVenOptions {
  readonly venName: string;
  readonly venId: string | undefined;
  readonly transport: Transport;
  readonly pushAddress: string | undefined;
  readonly scheduler: SchedulerLike;
  readonly store: VenStore;
  readonly decide: DecisionOperator | undefined;
  readonly defaultDecision: OptType;
  readonly decisionDeadlineMs: number;
  readonly pollJitter: number;
  readonly pollPhase: PollPhase;
  readonly defaultPollFrequencyMs: number;
  /** The one retry policy (`retry` over the deprecated `backoff`). */
  readonly retry: RetryPolicy;
  /** The same object as `retry`. */
  readonly backoff: BackoffPolicy;
  readonly ledgerBounds: LedgerBounds;
  readonly maxImmediatePolls: number;
  readonly startJitterMs: number;
  readonly stopTimeoutMs: number;
  readonly reportOnly: boolean;
  readonly xmlSignature: boolean;
  readonly logger: ResolvedLogger;
  readonly marketContexts: ReadonlySet<string> | undefined;
  /** The targets of the rule-48 check: the user's merged with those the resources name. */
  readonly targets: Partial<EiTarget> | undefined;
  /** The targets the user set for the VEN as a whole (a target naming one names every resource). */
  readonly venTargets: Partial<EiTarget> | undefined;
  readonly resources: readonly VenResource[] | undefined;
  readonly includeTestEvents: boolean;
  readonly random: () => number;
  readonly reports: ReportHandler;
  /**
   * The VEN's own targets as known now, read for every oadrDistributeEvent (rule 48): the resolved
   * `targets`. Whatever else tells the VEN its resources feeds this hook, so target checks follow
   * it; undefined means only the venID is known (see `VenOptions.targets` for what is then checked).
   */
  readonly ownTargets: () => Partial<EiTarget> | undefined;
}

function fail(message: string): never {
  throw new VenError('config', `createVen: ${message}`);
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) fail(`${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}

/**
 * Checks and completes the options once (STYLE.md rule 13); throws `VenError('config')` with a
 * message that says what to change.
 */
export function resolveVenOptions(options: VenOptions): ResolvedVenOptions {
  if (typeof options.venName !== 'string' || options.venName.trim() === '') fail('venName is required (the oadrVenName to register with)');
  if (!options.transport || typeof options.transport.send !== 'function') fail('transport is required (an object with send(request))');
  if (options.venId !== undefined && options.venId.trim() === '') fail('venId must be a non-empty string or left out');
  const push = options.transport.inbound$ !== undefined;
  if (push && !options.transport.pushAddress) fail('the transport has inbound$ (push) but no pushAddress to register as oadrTransportAddress');
  const defaultDecision = options.defaultDecision ?? 'optOut';
  if (defaultDecision !== 'optIn' && defaultDecision !== 'optOut') fail(`defaultDecision must be 'optIn' or 'optOut', got ${String(defaultDecision)}`);
  const pollJitter = options.pollJitter ?? 0;
  if (!(pollJitter >= 0 && pollJitter < 1)) fail(`pollJitter must be a fraction in [0, 1), got ${pollJitter}`);
  const pollPhase = options.pollPhase ?? 'spread';
  if (pollPhase !== 'spread' && !(typeof pollPhase === 'number' && pollPhase >= 0 && pollPhase < 1)) {
    fail(`pollPhase must be 'spread' or a fraction in [0, 1), got ${String(pollPhase)}`);
  }
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.backoff, ...options.retry };
  const name = options.retry ? 'retry' : 'backoff';
  positive(`${name}.initialMs`, retry.initialMs, 1);
  if (!(retry.factor >= 1)) fail(`${name}.factor must be ≥ 1, got ${retry.factor}`);
  if (!(retry.maxMs >= retry.initialMs)) fail(`${name}.maxMs (${retry.maxMs}) must be ≥ ${name}.initialMs (${retry.initialMs})`);
  if (!(retry.jitter >= 0 && retry.jitter <= 1)) fail(`${name}.jitter must be in [0, 1], got ${retry.jitter}`);
  const ledgerBounds: LedgerBounds = { ...DEFAULT_LEDGER_BOUNDS, ...options.ledgerBounds };
  if (!(Number.isInteger(ledgerBounds.maxRecords) && ledgerBounds.maxRecords > 0)) fail(`ledgerBounds.maxRecords must be a positive integer, got ${ledgerBounds.maxRecords}`);
  if (!(ledgerBounds.maxBytes > 0)) fail(`ledgerBounds.maxBytes must be a positive number of bytes, got ${ledgerBounds.maxBytes}`);
  const maxImmediatePolls = options.maxImmediatePolls ?? 10;
  if (!(Number.isInteger(maxImmediatePolls) && maxImmediatePolls >= 0)) fail(`maxImmediatePolls must be an integer ≥ 0, got ${maxImmediatePolls}`);
  const startJitterMs = options.startJitterMs ?? 0;
  if (!(startJitterMs >= 0 && Number.isFinite(startJitterMs))) fail(`startJitterMs must be ≥ 0 ms, got ${startJitterMs}`);
  const defaultPollFrequencyMs = positive('defaultPollFrequencyMs', options.defaultPollFrequencyMs, 10_000);
  if (defaultPollFrequencyMs > MAX_POLL_FREQUENCY_MS) fail('defaultPollFrequencyMs must not exceed 24 h');
  const marketContexts = options.marketContexts;
  if (marketContexts !== undefined && (marketContexts.length === 0 || marketContexts.some((m) => typeof m !== 'string' || m.trim() === ''))) {
    fail('marketContexts must list at least one non-empty URI, or be left out to accept every market context');
  }
  const resources = resolveResources(options.resources);
  if (options.random !== undefined && typeof options.random !== 'function') fail('random must be a function returning a number in [0, 1)');
  const resolved: Omit<ResolvedVenOptions, 'ownTargets'> = {
    venName: options.venName,
    venId: options.venId,
    transport: options.transport,
    pushAddress: push ? options.transport.pushAddress : undefined,
    scheduler: options.scheduler ?? asyncScheduler,
    store: options.store ?? createMemoryStore(),
    decide: options.decide,
    defaultDecision,
    decisionDeadlineMs: positive('decisionDeadlineMs', options.decisionDeadlineMs, 5_000),
    pollJitter,
    pollPhase,
    defaultPollFrequencyMs,
    retry,
    backoff: retry,
    ledgerBounds,
    maxImmediatePolls,
    startJitterMs,
    stopTimeoutMs: positive('stopTimeoutMs', options.stopTimeoutMs, 5_000),
    reportOnly: options.reportOnly ?? false,
    xmlSignature: resolveXmlSignature(options),
    logger: resolveLogger(options.logger),
    marketContexts: marketContexts === undefined ? undefined : new Set(marketContexts),
    targets: mergeTargets(options.targets, resources),
    venTargets: options.targets,
    resources,
    includeTestEvents: options.includeTestEvents ?? false,
    random: options.random ?? Math.random,
    reports: resolveReports(options.reports),
  };
  return { ...resolved, ownTargets: () => resolved.targets };
}

function resolveResources(resources: readonly VenResource[] | undefined): readonly VenResource[] | undefined {
  if (resources === undefined) return undefined;
  if (!Array.isArray(resources) || resources.length === 0) fail('resources must list at least one resource ({ resourceID }), or be left out');
  const ids = new Set<string>();
  for (const r of resources) {
    if (typeof r?.resourceID !== 'string' || r.resourceID.trim() === '') fail('every resource needs a non-empty resourceID');
    if (ids.has(r.resourceID)) fail(`resourceID ${r.resourceID} is listed twice in resources`);
    ids.add(r.resourceID);
    if (r.marketContexts !== undefined && r.marketContexts.length === 0) fail(`resource ${r.resourceID}: marketContexts must list at least one URI, or be left out`);
  }
  return resources;
}

/** Rule 48's own targets: the user's, plus every resourceID and target kind the resources name. */
function mergeTargets(targets: Partial<EiTarget> | undefined, resources: readonly VenResource[] | undefined): Partial<EiTarget> | undefined {
  if (!resources) return targets;
  const merged: Record<string, unknown[]> = {};
  const add = (kind: string, values: readonly unknown[] | undefined): void => {
    if (values && values.length > 0) merged[kind] = [...new Set([...(merged[kind] ?? []), ...values])];
  };
  for (const [kind, values] of Object.entries(targets ?? {})) add(kind, values as readonly unknown[]);
  for (const r of resources) {
    add('resourceID', [r.resourceID]);
    for (const [kind, values] of Object.entries(r.targets ?? {})) add(kind, values as readonly unknown[]);
  }
  return merged as Partial<EiTarget>;
}

function resolveReports(reports: ReportHandler | readonly ReportCapability[] | undefined): ReportHandler {
  if (reports === undefined) return createNoReports();
  if (Array.isArray(reports)) return createReports({ reports: reports as readonly ReportCapability[] });
  const handler = reports as ReportHandler;
  if (typeof handler.handle !== 'function' || typeof handler.registered !== 'function') {
    fail('reports must be createReports(...) or an array of report capabilities such as telemetryUsage(...)');
  }
  return handler;
}

function resolveXmlSignature(options: VenOptions): boolean {
  const signs = options.transport.signsMessages;
  if (options.xmlSignature !== undefined && signs !== undefined && options.xmlSignature !== signs) {
    fail(
      `xmlSignature is ${options.xmlSignature} but the transport ${signs ? 'signs' : 'does not sign'} its messages; ` +
        'leave xmlSignature out to follow the transport',
    );
  }
  return options.xmlSignature ?? signs ?? false;
}
