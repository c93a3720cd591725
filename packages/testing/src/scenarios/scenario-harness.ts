import { createMemoryStore, type EventSnapshot, type OadrMessage, type Ven, type VenError, type VenStatus } from '@rxadr/core';
import type { VtnKit } from '../mock-vtn/vtn-kit.js';
import type { VirtualClock } from '../time/virtual-time.js';
import type { MakeVen, ScenarioContext } from './scenario-context.js';
import { ScenarioFailure } from './scenario-context.js';
import type { ScenarioBackend } from './scenario-backend.js';
import { scenarioMeter } from './scenario-meter.js';
import type { VtnSigningControls } from './signing-controls.js';

/** What a scenario's `run` works with: the mock VTN, the VEN under test and the clock. */
export interface ScenarioHarness {
  readonly mode: string;
  readonly vtn: VtnKit;
  readonly clock: VirtualClock;
  readonly ctx: ScenarioContext;
  /** The VEN under test (a new one after {@link ScenarioHarness.restart}). */
  readonly ven: Ven;
  /** Every status of every VEN of this scenario, in order. */
  readonly statuses: readonly VenStatus[];
  readonly errors: readonly VenError[];
  readonly snapshots: readonly EventSnapshot[];
  /** Set in runs with XML signatures. */
  readonly vtnSigning: VtnSigningControls | undefined;
  /** The rID fed from `ctx.meter$`, when the run names one (`RunScenariosOptions.meterRID`). */
  readonly meterRID: string | undefined;
  /** Whether the run says test events drive the VEN's resources (`RunScenariosOptions.drivesTestEvents`). */
  readonly drivesTestEvents: boolean;
  /** Starts the VEN. */
  start(): void;
  /** Starts the VEN, waits until it polls, then forgets the requests so far. */
  register(): Promise<void>;
  /** Moves time forward `ms`. */
  advance(ms: number): Promise<void>;
  /** Moves time forward by `count` poll intervals of the current registration. */
  polls(count?: number): Promise<void>;
  /** Moves time in steps of one second until `condition` holds; fails after `withinMs`. */
  until(what: string, condition: () => boolean, withinMs?: number): Promise<void>;
  /** Messages the VEN sent of the given types, in order. */
  sent<T extends OadrMessage['type']>(...types: T[]): Extract<OadrMessage, { type: T }>[];
  /** The types of everything the VEN sent, in order (recorded since the last `register`/`forget`). */
  types(): string[];
  /** Forgets recorded requests. */
  forget(): void;
  /** The registered venID (fails the scenario when not registered). */
  venID(): string;
  /** Stops the VEN and builds a new one from the same context (same store), not yet started. */
  restart(): Promise<void>;
}

/** Creates the harness for one scenario run; `dispose` stops the VEN and the backend. */
export function createScenarioHarness(
  backend: ScenarioBackend,
  makeVen: MakeVen,
  options: { readonly meterRID?: string | undefined; readonly drivesTestEvents?: boolean | undefined } = {},
): { readonly harness: ScenarioHarness; dispose(): Promise<void> } {
  const statuses: VenStatus[] = [];
  const errors: VenError[] = [];
  const snapshots: EventSnapshot[] = [];
  const ctx: ScenarioContext = {
    transport: backend.transport,
    scheduler: backend.clock,
    store: createMemoryStore(),
    signing: backend.signing,
    meter$: scenarioMeter(backend.clock),
  };
  const build = (): Ven => {
    const ven = makeVen(ctx);
    ven.status$.subscribe((s) => statuses.push(s));
    ven.errors$.subscribe((e) => errors.push(e));
    ven.events$.subscribe((s) => snapshots.push(s));
    return ven;
  };
  let ven = build();
  const { vtn, clock } = backend;

  const harness: ScenarioHarness = {
    mode: backend.mode,
    vtn,
    clock,
    ctx,
    get ven() {
      return ven;
    },
    statuses,
    errors,
    snapshots,
    vtnSigning: backend.vtnSigning,
    meterRID: options.meterRID,
    drivesTestEvents: options.drivesTestEvents ?? false,
    start: () => ven.start(),
    async register() {
      ven.start();
      await harness.until('the VEN polls after registering', () => ven.status.state === 'polling', 120_000);
      vtn.recorder.clear();
    },
    advance: (ms) => backend.advance(ms),
    async polls(count = 1) {
      const every = ven.registration?.pollFrequencyMs;
      if (every === undefined) throw new ScenarioFailure('the VEN is not registered, so it has no poll interval');
      await backend.advance(every * count);
    },
    async until(what, condition, withinMs = 60_000) {
      for (let waited = 0; !condition(); waited += 1_000) {
        if (waited >= withinMs) throw new ScenarioFailure(`${what}: not within ${withinMs / 1000} s`);
        await backend.advance(1_000);
      }
    },
    sent: (...types) => vtn.recorder.messages(...types),
    types: () => vtn.recorder.types(),
    forget: () => vtn.recorder.clear(),
    venID() {
      const id = ven.registration?.venID;
      if (id === undefined) throw new ScenarioFailure('the VEN is not registered');
      return id;
    },
    async restart() {
      await ven.stop();
      ven = build();
    },
  };

  return {
    harness,
    async dispose() {
      await ven.stop();
      await backend.close();
    },
  };
}
