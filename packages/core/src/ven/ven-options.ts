import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { EiTarget, OptType } from '../model/model-exports.js';
import type { Transport } from '../transport/transport.js';
import type { BackoffPolicy } from './backoff.js';
import type { LedgerBounds } from '../ledger/ledger.js';
import { DEFAULT_LEDGER_BOUNDS } from '../ledger/create-ledger.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../ledger/retry-policy.js';
import type { DecisionOperator } from './decision.js';
import { createNoReports, type ReportHandler } from './report-handler.js';
import { createReports } from '../reports/create-reports.js';
import type { ReportCapability } from '../reports/report-capability.js';
import { VenError } from './ven-error.js';
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
  /** Random fraction of the poll interval added to each wait, 0 ≤ x < 1 (spreads a fleet). Default 0. */
  readonly pollJitter?: number;
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
  /** The VEN's own targets (resources, groups, …); when set, an event whose target names none of them is answered 462 (rule 48). */
  readonly targets?: Partial<EiTarget>;
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
  readonly targets: Partial<EiTarget> | undefined;
  readonly random: () => number;
  readonly reports: ReportHandler;
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
  if (options.random !== undefined && typeof options.random !== 'function') fail('random must be a function returning a number in [0, 1)');
  return {
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
    targets: options.targets,
    random: options.random ?? Math.random,
    reports: resolveReports(options.reports),
  };
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
