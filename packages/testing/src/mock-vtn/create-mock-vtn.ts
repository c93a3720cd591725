import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { Transport } from '@rxadr/core';
import { createMemoryFrontDoor } from './memory-front-door.js';
import { createVtnFaults, type VtnFaults } from './vtn-faults.js';
import { createVtnModel, type VtnModel } from './vtn-model.js';
import { createVtnRecorder, type VtnRecorder } from './vtn-recorder.js';

export interface MockVtnOptions {
  /** Timestamps of recorded requests and authored events. Default `asyncScheduler`; pass the test's virtual clock. */
  readonly scheduler?: SchedulerLike;
  /** Default `MOCK-VTN-1`. */
  readonly vtnID?: string;
  /** `oadrRequestedOadrPollFreq`; default `PT10S`. */
  readonly pollFrequency?: string;
  /** Keep every request (default true; benchmarks turn it off). */
  readonly record?: boolean;
}

/** An in-memory VTN: the model, its fault plan, the request log, and a front door per VEN. */
export interface MockVtn {
  readonly model: VtnModel;
  readonly faults: VtnFaults;
  readonly recorder: VtnRecorder;
  /** A transport into this VTN that answers synchronously (one per VEN, or shared). */
  transport(): Transport;
}

/**
 * Creates an in-memory mock VTN (STYLE.md rule 15): enough of a VTN to drive a VEN through
 * registration, polling, events and opts without sockets, under virtual time.
 *
 * @example
 * const clock = createVirtualClock();
 * const vtn = createMockVtn({ scheduler: clock });
 * const ven = createVen({ venName: 'v1', transport: vtn.transport(), scheduler: clock });
 * ven.start();
 * vtn.model.createEvent({ start: '2026-01-01T01:00:00Z', duration: 'PT1H' });
 * clock.advanceBy(10_000);
 * vtn.recorder.types(); // [..., 'oadrPoll', 'oadrCreatedEvent', ...]
 */
export function createMockVtn(options: MockVtnOptions = {}): MockVtn {
  const scheduler = options.scheduler ?? asyncScheduler;
  const model = createVtnModel({
    now: () => new Date(scheduler.now()),
    ...(options.vtnID !== undefined ? { vtnID: options.vtnID } : {}),
    ...(options.pollFrequency !== undefined ? { pollFrequency: options.pollFrequency } : {}),
  });
  const faults = createVtnFaults();
  const recorder = createVtnRecorder(options.record ?? true);
  const door = createMemoryFrontDoor(model, faults, recorder, scheduler);
  return { model, faults, recorder, transport: () => door };
}
