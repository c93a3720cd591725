import type { SchedulerLike } from 'rxjs';
import { reportData, type ReportPoint } from './report-data.js';
import { createVtnExchange, type VtnExchange } from './vtn-exchange.js';
import { createVtnExpectations, type VtnExpect } from './vtn-expectations.js';
import { createVtnFaults, type VtnFaults } from './vtn-faults.js';
import { createVtnModel, type UnknownRegistrationPolicy, type UnknownVenPolicy, type VtnModel } from './vtn-model.js';
import { createVtnRecorder, type VtnRecorder } from './vtn-recorder.js';
import { createVtnSigning, type MockVtnSigningOptions, type VtnSigning } from './vtn-signing.js';

/** Options shared by both front doors of the mock VTN. */
export interface VtnKitOptions {
  /** Default `MOCK-VTN-1`. */
  readonly vtnID?: string;
  /** `oadrRequestedOadrPollFreq`; default `PT10S`. */
  readonly pollFrequency?: string;
  /** Unknown venIDs: 463 (default) or oadrRequestReregistration to a poll (OPENADR.md §8, §3.1). */
  readonly unknownVen?: UnknownVenPolicy;
  /** A re-registration naming IDs the VTN does not know: registered fresh (default) or answered 463 (see `UnknownRegistrationPolicy`). */
  readonly unknownRegistration?: UnknownRegistrationPolicy;
  /** Keep every request (default true; benchmarks turn it off). */
  readonly record?: boolean;
  /** XML signatures both ways (OPENADR.md §7.3). Default: none. */
  readonly signing?: MockVtnSigningOptions;
}

/** What every mock VTN offers, whatever its front door (STYLE.md rule 15). */
export interface VtnKit {
  readonly model: VtnModel;
  readonly faults: VtnFaults;
  readonly recorder: VtnRecorder;
  /** Await what the VEN sends (see `createVtnExpectations`). */
  readonly expect: VtnExpect;
  /** Throws when an expectation is still waiting; call it at the end of a test. */
  assertNoPendingExpectations(): void;
  /** The reported values of one rID as a time series (see `reportData`). */
  reportData(rID: string, reportRequestID?: string): ReportPoint[];
}

/** The kit plus the pieces front doors build on. */
export interface VtnKitInternals extends VtnKit {
  readonly exchange: VtnExchange;
  readonly signing: VtnSigning;
}

/** Builds the model, faults, recorder, expectations and request pipeline on one scheduler. */
export function createVtnKit(options: VtnKitOptions, scheduler: SchedulerLike): VtnKitInternals {
  const model = createVtnModel({
    now: () => new Date(scheduler.now()),
    ...(options.vtnID !== undefined ? { vtnID: options.vtnID } : {}),
    ...(options.pollFrequency !== undefined ? { pollFrequency: options.pollFrequency } : {}),
    ...(options.unknownVen !== undefined ? { unknownVen: options.unknownVen } : {}),
    ...(options.unknownRegistration !== undefined ? { unknownRegistration: options.unknownRegistration } : {}),
  });
  const faults = createVtnFaults(scheduler);
  const recorder = createVtnRecorder(options.record ?? true);
  const signing = createVtnSigning(options.signing, scheduler);
  const exchange = createVtnExchange({ model, faults, recorder, signing, scheduler });
  const expectations = createVtnExpectations(recorder, scheduler);
  return {
    model,
    faults,
    recorder,
    expect: expectations.expect,
    assertNoPendingExpectations: expectations.assertNoPendingExpectations,
    reportData: (rID, reportRequestID) => reportData(recorder, rID, reportRequestID),
    exchange,
    signing,
  };
}
