import type { Observable, SchedulerLike } from 'rxjs';
import type { Transport, Ven, VenStore } from '@rxadr/core';

// What the harness and the backends need of a scenario run, apart from the scenario type so that
// the scenario (which names the harness) and the harness do not import each other.

/** The signing material of a run with XML signatures: what the VEN signs with and whom it trusts. */
export interface ScenarioSigning {
  /** The VEN's signing identity (PEM), for `xmlSignatures({ identity })`. */
  readonly identity: { readonly certPem: string; readonly keyPem: string };
  /** The VTN's signer, for `xmlSignatures({ trust })`. */
  readonly trust: { readonly fingerprints: readonly string[] };
}

/**
 * What `makeVen` gets from the scenario runner: build the VEN under test with these and your own
 * options (decision operator, reports, targets…).
 *
 * @example
 * makeVen: (ctx) => createVen({ ...myOptions, transport: ctx.transport, scheduler: ctx.scheduler, store: ctx.store })
 */
export interface ScenarioContext {
  /** The way to the mock VTN; wrap it (signing, taps) as your production code does. */
  readonly transport: Transport;
  /** The scenario's clock: virtual in memory. Pass it as `scheduler` (and to `xmlSignatures`). */
  readonly scheduler: SchedulerLike;
  /** A store shared by every VEN of one scenario, for the restart scenario; optional to use. */
  readonly store: VenStore;
  /** Set when the run uses XML signatures (§7.3): sign with `identity`, trust `trust`. */
  readonly signing: ScenarioSigning | undefined;
  /**
   * A test power meter (W) on the scenario's clock whose value is a known function of time: feed
   * it into a TELEMETRY_USAGE data point and name that rID as `meterRID` in the run options, and
   * the report scenarios check the values the VEN delivers, not only their shape (§5.5).
   */
  readonly meter$: Observable<number>;
}

/** Builds the VEN under test. Called once per scenario (twice for a restart); must not call `start()`. */
export type MakeVen = (ctx: ScenarioContext) => Ven;

/** A finding: the VEN did not do what the scenario expects. */
export class ScenarioFailure extends Error {
  override readonly name = 'ScenarioFailure';
}

/** Signals that a scenario does not apply to this VEN (e.g. it offers no reports). */
export class ScenarioSkip extends Error {
  override readonly name = 'ScenarioSkip';
}
