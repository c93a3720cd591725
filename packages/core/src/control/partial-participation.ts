import type { OptType } from '../model/model-exports.js';
import { Observable, tap } from 'rxjs';
import type { Decision, DecisionOperator } from '../ven/decision.js';
import type { EventSnapshot } from '../ven/event-snapshot.js';
import type { EventRecord } from '../ven/event-record.js';
import type { OptRecord } from '../ven/opt-record.js';
import { optRecord, type CreateOptRequest } from '../ven/opt-request.js';
import { VenError } from '../ven/ven-error.js';
import { participation } from './control-at.js';
import { eventResources, type ResourceTargeting } from './ven-resource.js';

export interface PartialParticipationDeps {
  readonly records: () => readonly EventRecord[];
  readonly opts: () => readonly OptRecord[];
  readonly targeting: () => ResourceTargeting;
  /** The VEN's `createOpt`: queued after the oadrCreatedEvent in flight, persisted, answered by oadrCreatedOpt. */
  readonly createOpt: (request: CreateOptRequest) => Promise<OptRecord>;
  readonly onError: (error: VenError) => void;
  readonly now: () => number;
}

/** Turns decisions with `except` into event-specific opts (§6 use 2). */
export interface PartialParticipation {
  decided(decision: Decision): void;
  /**
   * The engine has owed (or, without oadrResponseRequired, skipped) the first oadrCreatedEvent for
   * this event version: the opts held for it go out now, after that answer (§6: the event answer
   * first, then the opts for the resources that answer differently).
   */
  answered(eventID: string, modificationNumber: number): void;
  /**
   * The opts decided but not yet answered by the VTN, as pending records: `control$` follows a
   * decision at once, not only once the queued oadrCreateOpt has gone out.
   */
  queued(): readonly OptRecord[];
}

const opposite = (optType: OptType): OptType => (optType === 'optIn' ? 'optOut' : 'optIn');

/**
 * Partial participation as the digest describes it (§6 use 2, §10 item 9): the event keeps its
 * oadrCreatedEvent answer (the decision's `optType`), and the resources that answer differently get
 * one oadrCreateOpt per optType for this event version, with their resourceIDs in `ei:eiTarget`.
 * Once an event version has opts, later decisions for it are also sent as opts for every resource
 * whose answer changes (rule 206 as [EV] implements it: the VTN then ignores oadrCreatedEvent changes).
 */
export function createPartialParticipation(deps: PartialParticipationDeps): PartialParticipation {
  // What was sent (or queued) per event version and resource, before the opt service records it.
  const sent = new Map<string, OptType>();
  const queued = new Set<OptRecord>();
  // Opts decided before the event version's first answer was owed, by `eventID#modificationNumber`.
  const held = new Map<string, (() => void)[]>();
  let count = 0;

  return {
    decided(decision) {
      const record = deps.records().find((r) => r.event.eiEvent.eventDescriptor.eventID === decision.eventID);
      if (!record || record.cancellation || record.event.eiEvent.eventDescriptor.modificationNumber !== decision.modificationNumber) return;
      const targeting = deps.targeting();
      const except = new Set(decision.except ?? []);
      const known = new Set(targeting.resources.map((r) => r.resourceID));
      const unknown = [...except].filter((id) => !known.has(id));
      if (unknown.length > 0) {
        deps.onError(new VenError('decision', `event ${decision.eventID}: except names ${unknown.join(', ')}, not resources of this VEN; ignored`, { eventID: decision.eventID }));
      }
      const hasOpts = deps.opts().some((o) => o.qualifiedEventID?.eventID === decision.eventID && o.qualifiedEventID.modificationNumber === decision.modificationNumber);
      const toSend = new Map<OptType, string[]>();
      for (const resourceID of eventResources(record.event, targeting)) {
        const wanted = except.has(resourceID) ? opposite(decision.optType) : decision.optType;
        const key = `${decision.eventID}#${decision.modificationNumber}#${resourceID}`;
        const before = sent.get(key) ?? (hasOpts ? participation(record, resourceID, deps.opts(), targeting) : decision.optType);
        if (before === wanted) continue;
        sent.set(key, wanted);
        toSend.set(wanted, [...(toSend.get(wanted) ?? []), resourceID]);
      }
      // The first answer for this version not recorded yet: its oadrCreatedEvent is still to be owed.
      const first = record.answer?.modificationNumber !== decision.modificationNumber;
      const version = `${decision.eventID}#${decision.modificationNumber}`;
      for (const [optType, resourceID] of toSend) {
        const request: CreateOptRequest = {
          optType,
          event: { eventID: decision.eventID, modificationNumber: decision.modificationNumber },
          marketContext: record.event.eiEvent.eventDescriptor.eiMarketContext,
          targets: { resourceID },
        };
        const placeholder = optRecord(request, { optID: `queued-${(count += 1)}`, requestID: '' }, new Date(deps.now()));
        queued.add(placeholder);
        const send = (): void => {
          deps
            .createOpt(request)
            .finally(() => queued.delete(placeholder))
            .catch((error: unknown) => {
              for (const id of resourceID) sent.delete(`${version}#${id}`);
              deps.onError(error instanceof VenError ? error : new VenError('opt-rejected', String(error), { cause: error }));
            });
        };
        if (first) held.set(version, [...(held.get(version) ?? []), send]);
        else send();
      }
    },
    answered(eventID, modificationNumber) {
      const version = `${eventID}#${modificationNumber}`;
      const sends = held.get(version) ?? [];
      held.delete(version);
      for (const send of sends) send();
    },
    queued: () => [...queued],
  };
}

/**
 * The user's operator with its decisions also handed to `partial` (for their `except`). Only a
 * decision for the event the operator was asked about counts; the decision runner reports others.
 */
export function withPartialParticipation(operator: DecisionOperator | undefined, partial: PartialParticipation): DecisionOperator | undefined {
  if (!operator) return undefined;
  return (events$) => {
    let asked: EventSnapshot | undefined;
    const decisions = operator(events$.pipe(tap((snapshot) => (asked = snapshot))));
    // Handed to `partial` after the runner has taken the decision: a later decision's
    // oadrCreatedEvent (rule 17) is then owed before the opts that follow it.
    return new Observable<Decision>((subscriber) =>
      decisions.subscribe({
        next: (decision) => {
          subscriber.next(decision);
          if (asked && decision.eventID === asked.eventID && decision.modificationNumber === asked.modificationNumber) partial.decided(decision);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
  };
}
