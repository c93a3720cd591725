import type { MessageOf, OadrMessage, OadrService } from '@rxadr/core';
import { authorEvent, type EventSpec } from './event-authoring.js';
import { withVtnStatus } from './event-status.js';
import { handleVenMessage } from './vtn-dispatch.js';
import { createDefaultVtnReports, type VtnReportContext, type VtnReportHooks } from './vtn-report-hooks.js';
import { eiResponse, type AuthoredEvent, type QueuedItem, type UnknownVenPolicy, type VtnAnswer, type VtnVen } from './vtn-types.js';

export { eiResponse };
export type { AuthoredEvent, QueuedItem, UnknownVenPolicy, VtnAnswer, VtnVen };

/**
 * What the VTN does with an oadrCreatePartyRegistration naming a venID or registrationID it
 * does not know (a VEN re-registering after the VTN forgot it, OPENADR.md §3.1): `'fresh'`
 * (default) registers it with new IDs; `'answer-463'` answers 463 and registers nothing, as
 * [OL] does, so the VEN must register again without the old IDs.
 */
export type UnknownRegistrationPolicy = 'fresh' | 'answer-463';

export interface VtnModelOptions {
  /** Default `MOCK-VTN-1` (upper case on purpose, OPENADR.md §9). */
  readonly vtnID?: string;
  /** `oadrRequestedOadrPollFreq`; default `PT10S`. */
  readonly pollFrequency?: string;
  /** Default `'answer-463'`. */
  readonly unknownVen?: UnknownVenPolicy;
  /** Default `'fresh'`. */
  readonly unknownRegistration?: UnknownRegistrationPolicy;
  /** Scheduler time (never the wall clock: STYLE.md rule 7). */
  readonly now: () => Date;
}

/**
 * The VTN side of the mock, independent of any front door: registrations, per-VEN poll
 * queues, authored events (every distribution lists all current events, rule 50), opts, and
 * what the VENs answered. `handle` turns one VEN request into the VTN's answer (see
 * `handleVenMessage` for the rules). Front doors deliver queued items: by poll, or by push
 * for VENs registered with `oadrHttpPullModel=false` (they listen with `onEnqueue`).
 */
export function createVtnModel(options: VtnModelOptions) {
  let counter = 0;
  const next = (prefix: string): string => `${prefix}-${++counter}`;
  const vens = new Map<string, VtnVen>();
  const events = new Map<string, AuthoredEvent>();
  const opts = new Map<string, MessageOf<'oadrCreateOpt'>>();
  const createdEvents: MessageOf<'oadrCreatedEvent'>[] = [];
  const listeners = new Set<(venID: string) => void>();

  const model = {
    vtnID: options.vtnID ?? 'MOCK-VTN-1',
    pollFrequency: options.pollFrequency ?? 'PT10S',
    unknownVen: options.unknownVen ?? ('answer-463' as UnknownVenPolicy),
    unknownRegistration: options.unknownRegistration ?? ('fresh' as UnknownRegistrationPolicy),
    /** When set, oadrCreatePartyRegistration is answered with this code and no registrationID. */
    refuseRegistration: undefined as string | undefined,
    /** The code oadrCreateOpt/oadrCancelOpt get. */
    optResponseCode: '200',
    /** The report side (OPENADR.md §5); replace it to request and check reports. Default {@link createDefaultVtnReports}. */
    reports: createDefaultVtnReports() as VtnReportHooks,
    vens,
    events,
    opts,
    createdEvents,
    now: options.now,
    nextId: next,

    registered(): VtnVen[] {
      return [...vens.values()];
    },

    /**
     * The oadrDistributeEvent for one VEN: every current event addressed to it (rule 50), each with
     * its eventStatus on the VTN's clock (§4.5) unless the spec fixes `status`.
     */
    distribution(venID: string, answering?: string): MessageOf<'oadrDistributeEvent'> {
      const now = options.now();
      const list = [...events.values()].filter((e) => !e.spec.venIDs || e.spec.venIDs.includes(venID)).map((e) => (e.spec.status !== undefined ? e.event : withVtnStatus(e.event, now)));
      return { type: 'oadrDistributeEvent', ...(answering !== undefined ? { eiResponse: eiResponse(answering) } : {}), requestID: next('dist'), vtnID: model.vtnID, oadrEvent: list };
    },

    /** Queues an item for a VEN's next poll, or for push (OPENADR.md §1.6, §1.7). */
    enqueue(venID: string, item: QueuedItem): void {
      const ven = vens.get(venID);
      if (!ven) return;
      ven.queue.push(item);
      for (const listener of listeners) listener(venID);
    },

    /** Calls `listener(venID)` after each `enqueue`; returns the unsubscribe function. */
    onEnqueue(listener: (venID: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    distribute(spec: Partial<EventSpec>): void {
      for (const ven of vens.values()) if (!spec.venIDs || spec.venIDs.includes(ven.venID)) model.enqueue(ven.venID, { message: model.distribution(ven.venID) });
    },

    /** Authors a new event (modificationNumber 0, rule 4) and queues a distribution for its VENs. */
    createEvent(spec: EventSpec): string {
      const full = { ...spec, eventID: spec.eventID ?? next('event') };
      events.set(full.eventID, { spec: full, event: authorEvent(full, 0, options.now()) });
      model.distribute(full);
      return full.eventID;
    },

    /** Changes an event (modificationNumber + 1, rule 5) and, by default, redistributes. */
    modifyEvent(eventID: string, changes: Partial<EventSpec>, distribute = true): void {
      const current = events.get(eventID);
      if (!current) throw new RangeError(`mock VTN: no event ${eventID}`);
      const spec = { ...current.spec, ...changes, eventID };
      events.set(eventID, { spec, event: authorEvent(spec, current.event.eiEvent.eventDescriptor.modificationNumber + 1, options.now()) });
      if (distribute) model.distribute(spec);
    },

    /** Explicit cancellation: status `cancelled`, modificationNumber + 1 (rules 5, 59). */
    cancelEvent(eventID: string): void {
      model.modifyEvent(eventID, { status: 'cancelled' });
    },

    /** Drops an event without telling anyone: the next distribution implies its cancellation (rule 61). */
    removeEvent(eventID: string): void {
      events.delete(eventID);
    },

    /** Queues oadrRequestReregistration for a VEN (OPENADR.md §3.1). */
    requestReregistration(venID: string): void {
      model.enqueue(venID, { message: { type: 'oadrRequestReregistration', venID } });
    },

    /** Queues oadrCancelPartyRegistration for a VEN (OPENADR.md §3.1); the VEN's oadrCanceledPartyRegistration 200 drops it. */
    cancelRegistration(venID: string, registrationID = vens.get(venID)?.registrationID ?? 'unknown'): void {
      model.enqueue(venID, { message: { type: 'oadrCancelPartyRegistration', requestID: next('req'), registrationID, venID } });
    },

    /**
     * Forgets one VEN as a VTN restarted without its database would: its registration, its
     * queued messages, the opts and event answers it sent, and the report requests it made
     * (through `reports.forgotten`). Authored events stay (they are the program, not the VEN's
     * state). Afterwards the old venID is unknown: answered 463 or, by `unknownVen`, with
     * oadrRequestReregistration to a poll. Returns whether the VEN was known.
     */
    forgetVen(venID: string): boolean {
      const known = vens.delete(venID);
      for (const [optID, opt] of opts) if (opt.venID === venID) opts.delete(optID);
      const kept = createdEvents.filter((answer) => answer.eiCreatedEvent.venID !== venID);
      createdEvents.splice(0, createdEvents.length, ...kept);
      model.reports.forgotten?.(venID);
      return known;
    },

    /** {@link forgetVen} for every VEN: the whole VTN restarts without its database. */
    forgetAll(): void {
      for (const venID of [...vens.keys()]) model.forgetVen(venID);
      opts.clear();
      createdEvents.length = 0;
      model.reports.forgotten?.(undefined);
    },

    /** The VTN's answer to one VEN request; `service` (when known) is checked against the message type (459, §1.3). */
    handle(message: OadrMessage, service?: OadrService): VtnAnswer {
      return handleVenMessage(model, message, service);
    },

    /** What a report handler may use for one call (see {@link VtnReportHooks}). */
    reportContext(venID: string | undefined): VtnReportContext {
      return { venID, now: options.now(), enqueue: (id, message) => model.enqueue(id, { message }), nextId: next };
    },
  };
  return model;
}

/** The VTN model (see {@link createVtnModel}). */
export type VtnModel = ReturnType<typeof createVtnModel>;
