import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { Transport } from '@rxadr/core';
import { createMemoryFrontDoor } from './memory-front-door.js';
import { createMemoryPushHub } from './memory-push.js';
import { createVtnKit, type VtnKit, type VtnKitOptions } from './vtn-kit.js';
import { createVtnPusher, type PushFailure } from './vtn-pusher.js';

export interface MockVtnOptions extends VtnKitOptions {
  /** Timestamps of recorded requests, authored events, fault windows and deadlines. Default `asyncScheduler`; pass the test's virtual clock. */
  readonly scheduler?: SchedulerLike;
}

/** An in-memory VTN: the model, its fault plan, the request log, expectations, and a front door per VEN. */
export interface MockVtn extends VtnKit {
  /** A transport into this VTN that answers synchronously (one per VEN, or shared). */
  transport(): Transport;
  /**
   * A push-mode transport (OPENADR.md §1.7): requests go through the in-memory door, and what
   * the VTN queues for a VEN registered with this `address` arrives on `inbound$` (delivered on
   * the scheduler). Default address `memory://ven`.
   */
  pushTransport(address?: string): Transport;
  /** Pushes that did not get a 200. */
  readonly pushFailures: readonly PushFailure[];
  /** Stops push delivery. The in-memory door has nothing else to release. */
  close(): void;
}

/**
 * Creates an in-memory mock VTN (STYLE.md rule 15): enough of a VTN to drive a VEN through
 * registration, polling, push, events, opts and reports without sockets, under virtual time.
 * `createHttpMockVtn` serves the same model over loopback HTTP(S).
 *
 * @example
 * const clock = createVirtualClock();
 * const vtn = createMockVtn({ scheduler: clock });
 * const ven = createVen({ venName: 'v1', transport: vtn.transport(), scheduler: clock });
 * ven.start();
 * const eventID = vtn.model.createEvent({ start: '2026-01-01T01:00:00Z', duration: 'PT1H' });
 * const answered = vtn.expect.createdEvent({ eventID, within: 10_000 });
 * clock.advanceBy(10_000);
 * await answered;
 */
export function createMockVtn(options: MockVtnOptions = {}): MockVtn {
  const scheduler = options.scheduler ?? asyncScheduler;
  const kit = createVtnKit(options, scheduler);
  const door = createMemoryFrontDoor(kit.exchange, scheduler);
  const hub = createMemoryPushHub();
  const pusher = createVtnPusher({ model: kit.model, recorder: kit.recorder, signing: kit.signing, scheduler, post: hub.post });
  return {
    model: kit.model,
    faults: kit.faults,
    recorder: kit.recorder,
    expect: kit.expect,
    assertNoPendingExpectations: kit.assertNoPendingExpectations,
    reportData: kit.reportData,
    transport: () => door,
    pushTransport: (address = 'memory://ven') => hub.transport(door, address),
    pushFailures: pusher.failures,
    close: () => pusher.stop(),
  };
}
