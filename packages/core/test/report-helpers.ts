import { BehaviorSubject, Observable, Subject, type SchedulerLike } from 'rxjs';
import { afterAll, afterEach, expect } from 'vitest';
import { createMockVtn, createSchemaCheck, createSchemaValidator, createVirtualClock, createVtnReportSide, schemaAvailable, type MockVtn, type VirtualClock, type VtnReportSide } from '@rxadr/testing';
import {
  DEFAULT_RETRY_POLICY,
  createLedger,
  createMemoryStore,
  createReports,
  createVen,
  encodeMessage,
  historyUsage,
  telemetryStatus,
  telemetryUsage,
  type HistoryPoint,
  type Ledger,
  type ObligationHooks,
  type ObligationKind,
  type OadrMessage,
  type ReportModule,
  type ReportsOptions,
  type StatusReading,
  type Ven,
  type VenStore,
} from '../src/index.js';
import { createLedgerDriver } from '../src/reports/ledger-driver.js';
import { type ReportHost } from '../src/engine.js';

/** Schema tests run when the XSD folder is present, and must run (and fail without it) under CI. */
export const requireSchema = process.env['CI'] === 'true' || schemaAvailable();

/** Validates every message in one XSD call; names each by its index and type. */
export async function assertSchemaValid(messages: readonly OadrMessage[]): Promise<void> {
  const documents = Object.fromEntries(messages.map((m, i) => [`${i}-${m.type}`, encodeMessage(m)]));
  await createSchemaValidator().assertValid(documents);
}

/**
 * A report host in memory: `answer` decides what the VTN says (throw a TransportError to fail). It
 * lends a ledger (a given one, e.g. on a shared journal, or a fresh one) and drives it the way the
 * engine does: due records one at a time, classified, verdict applied, per-kind hooks called.
 */
export function createTestHost(scheduler: SchedulerLike, answer: (message: OadrMessage) => OadrMessage | undefined, venID = 'VEN-1', lend: { readonly ledger?: Ledger } = {}) {
  const sent: OadrMessage[] = [];
  let slot: unknown;
  let id: string | undefined = venID;
  const ledger = lend.ledger ?? createLedger({ scheduler, policy: DEFAULT_RETRY_POLICY, random: () => 0.5 });
  const hooks = new Map<ObligationKind, ObligationHooks>();
  const send = (message: OadrMessage) =>
    new Observable<OadrMessage | undefined>((subscriber) => {
      // Encode as the engine would: an invalid message fails here.
      encodeMessage(message);
      try {
        const reply = answer(message);
        sent.push(message);
        subscriber.next(reply);
        subscriber.complete();
      } catch (error) {
        subscriber.error(error);
      }
    });
  const driver = createLedgerDriver(ledger, { scheduler, send, venID: () => id }, (kind) => hooks.get(kind));
  // Restored records are sent again at once, as the engine does after a restart.
  ledger.rescheduleAll(scheduler.now());
  ledger.changes$.subscribe(({ previous }) => previous === undefined && driver.kick());
  const host: ReportHost & { readonly sent: OadrMessage[]; slot: unknown; setVenID(v: string | undefined): void; stop(): void } = {
    scheduler,
    sent,
    get slot() {
      return slot;
    },
    set slot(value: unknown) {
      slot = value;
    },
    setVenID: (v) => {
      id = v;
      driver.kick();
    },
    ledger,
    hooks: (kind, h) => {
      // Like the engine at start: what is owed goes out once the module has registered all its hooks.
      if (hooks.size === 0) scheduler.schedule(() => driver.kick(), 0);
      hooks.set(kind, h);
    },
    send,
    venID: () => id,
    load: () => (slot === undefined ? undefined : JSON.parse(JSON.stringify(slot))),
    save: (value) => void (slot = value),
    stop: () => driver.stop(),
  };
  return host;
}

/** The VTN answers of a cooperative VTN. */
export function okAnswer(message: OadrMessage): OadrMessage | undefined {
  const ok = (requestID: string) => ({ responseCode: '200', responseDescription: 'OK', requestID });
  switch (message.type) {
    case 'oadrUpdateReport':
      return { type: 'oadrUpdatedReport', eiResponse: ok(message.requestID) };
    case 'oadrRegisterReport':
      return { type: 'oadrRegisteredReport', eiResponse: ok(message.requestID) };
    case 'oadrCreateReport':
      return { type: 'oadrCreatedReport', eiResponse: ok(message.requestID), oadrPendingReports: [] };
    case 'oadrCancelReport':
      return { type: 'oadrCanceledReport', eiResponse: ok(message.requestID), oadrPendingReports: [] };
    default:
      return { type: 'oadrResponse', eiResponse: ok('') };
  }
}


export const T0 = Date.parse('2026-01-01T00:00:00Z');
export const MIN = 60_000;
export const POWER = 'meter-1/powerReal';
export const ENERGY = 'meter-1/energyReal';
export const STATUS = 'chiller-A/status';

/** The data sources of the test site: set values with `.next`. */
export function createSite() {
  const power$ = new BehaviorSubject<number>(0);
  const energy$ = new BehaviorSubject<number>(1000);
  const status$ = new Subject<StatusReading>();
  const queries: Array<[string, string, string]> = [];
  const history = (from: Date, to: Date, granularity: { text: string }): HistoryPoint[] => {
    queries.push([from.toISOString(), to.toISOString(), granularity.text]);
    const out: HistoryPoint[] = [];
    for (let t = from.getTime(); t < to.getTime(); t += 15 * MIN) out.push({ at: new Date(t), value: (t - T0) / MIN });
    return out;
  };
  const capabilities = () => [
    telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: power$, samplingRate: { min: 'PT1S', max: 'PT1H' } }),
    telemetryUsage({ resourceId: 'meter-1', measurement: 'energyReal', unit: 'Wh', readings$: energy$, samplingRate: { min: 'PT1M', max: 'PT1H' } }),
    telemetryStatus({ resourceId: 'chiller-A', status$, samplingRate: { min: 'PT10S', max: 'PT1H' } }),
    historyUsage({ resourceId: 'meter-1', measurement: 'energyReal', unit: 'Wh', historyDuration: 'P30D', samplingRate: { min: 'PT15M', max: 'P1D' }, query: history }),
  ];
  return { power$, energy$, status$, queries, capabilities };
}

export interface Running {
  readonly clock: VirtualClock;
  readonly vtn: MockVtn;
  readonly side: VtnReportSide;
  readonly reports: ReportModule;
  readonly ven: Ven;
  readonly store: VenStore;
  readonly site: ReturnType<typeof createSite>;
  readonly venID: string;
  readonly name: string;
  /** Advances the clock by one poll interval (10 s) at a time until `ms` have passed. */
  run(ms: number): void;
}

const documents = createSchemaCheck();
let active: Running[] = [];

/**
 * Starts a VEN with the report module against the in-memory mock VTN on a virtual clock. The
 * EiReport documents the VEN sends are collected and validated against the XSD after the file.
 */
export function startVen(name: string, options: Omit<ReportsOptions, 'reports'> & { before?: (side: VtnReportSide, vtn: MockVtn) => void; reuse?: Running; store?: VenStore; ledgerBounds?: { maxRecords?: number; maxBytes?: number } } = {}): Running {
  const clock = options.reuse?.clock ?? createVirtualClock(T0);
  const vtn = options.reuse?.vtn ?? createMockVtn({ scheduler: clock });
  const side = options.reuse?.side ?? createVtnReportSide();
  vtn.model.reports = side;
  options.before?.(side, vtn);
  const site = options.reuse?.site ?? createSite();
  const { before: _before, reuse: _reuse, store: _store, ledgerBounds, ...reportOptions } = options;
  const reports = createReports({ random: () => 0.5, ...reportOptions, reports: site.capabilities() });
  const store = options.store ?? options.reuse?.store ?? createMemoryStore();
  const ven = createVen({ pollPhase: 0, venName: 'site-1', transport: vtn.transport(), scheduler: clock, reports, store, random: () => 0.5, ...(ledgerBounds ? { ledgerBounds } : {}) });
  ven.start();
  const venID = ven.registration?.venID ?? 'unregistered';
  const running: Running = { clock, vtn, side, reports, ven, store, site, venID, name, run: (ms) => clock.advanceBy(ms) };
  active.push(running);
  return running;
}

/** Stops one VEN (a restart test starts another on the same store) and keeps its documents. */
export async function stopVen(running: Running): Promise<void> {
  active = active.filter((r) => r !== running);
  await running.ven.stop();
  collect(running);
}

function collect(running: Running): void {
  running.vtn.recorder.requests.forEach((r, i) => {
    if (r.service === 'EiReport') documents.add(`${running.name}#${i}:${r.message?.type ?? '?'}`, r.xml);
  });
}

/** Registers the hooks that stop every VEN after each test (nothing left scheduled) and validate the documents at the end. */
export function reportVenHooks(): void {
  afterEach(async () => {
    const all = active;
    active = [];
    for (const running of all) {
      await running.ven.stop();
      collect(running);
    }
    for (const running of all) expect(running.clock.pending).toBe(0);
  });
  afterAll(async () => {
    expect(documents.size).toBeGreaterThan(0);
    await documents.assertAllValid();
  });
}
