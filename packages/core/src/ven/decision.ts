import type { OperatorFunction } from 'rxjs';
import type { OptType } from '../model/model-exports.js';
import type { EventSnapshot } from './event-snapshot.js';

/** The VEN's answer for one version of one event (the `optType` of its eventResponse, §4.8). */
export interface Decision {
  readonly eventID: string;
  /** The version decided on; a decision for an older version is ignored. */
  readonly modificationNumber: number;
  readonly optType: OptType;
}

/**
 * The user's decision logic: event snapshots in, decisions out (STYLE.md rule 5). The engine
 * subscribes to it once per event version with that event's snapshot, so an error or silence
 * affects that event only. The first decision answers the distribution; later ones are changes
 * of mind and send a new oadrCreatedEvent for that event (rule 17).
 *
 * @example
 * const decide: DecisionOperator = (events$) => events$.pipe(map((e) => (e.testEvent ? optOut(e) : optIn(e))));
 */
export type DecisionOperator = OperatorFunction<EventSnapshot, Decision>;

/** Opts in to this version of the event. */
export function optIn(event: Pick<EventSnapshot, 'eventID' | 'modificationNumber'>): Decision {
  return { eventID: event.eventID, modificationNumber: event.modificationNumber, optType: 'optIn' };
}

/** Opts out of this version of the event. */
export function optOut(event: Pick<EventSnapshot, 'eventID' | 'modificationNumber'>): Decision {
  return { eventID: event.eventID, modificationNumber: event.modificationNumber, optType: 'optOut' };
}
