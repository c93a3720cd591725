import type { OperatorFunction } from 'rxjs';
import type { OptType } from '../model/model-exports.js';
import type { EventSnapshot } from './event-snapshot.js';

/** The VEN's answer for one version of one event (the `optType` of its eventResponse, §4.8). */
export interface Decision {
  readonly eventID: string;
  /** The version decided on; a decision for an older version is ignored. */
  readonly modificationNumber: number;
  readonly optType: OptType;
  /**
   * Partial participation (§6 use 2): resourceIDs of the VEN that take the opposite answer. The
   * event is answered with `optType` in oadrCreatedEvent, and these resources with an
   * oadrCreateOpt for this event version; `ven.control$` follows both. Default none.
   */
  readonly except?: readonly string[];
}

/** Options of {@link optIn} and {@link optOut}. */
export interface DecisionOptions {
  /** Resources that take the opposite answer (see {@link Decision.except}). */
  readonly except?: readonly string[];
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

type EventVersion = Pick<EventSnapshot, 'eventID' | 'modificationNumber'>;

function decision(event: EventVersion, optType: OptType, options: DecisionOptions | number | undefined): Decision {
  // A number is the index `map(optIn)` passes: no options.
  const except = typeof options === 'object' ? options.except : undefined;
  return { eventID: event.eventID, modificationNumber: event.modificationNumber, optType, ...(except && except.length > 0 ? { except: [...except] } : {}) };
}

/**
 * Opts in to this version of the event; with `except`, for every resource but those.
 *
 * @example
 * optIn(event, { except: ['battery-2'] }) // battery-2 stays out: oadrCreateOpt optOut for it
 */
export function optIn(event: EventVersion, options?: DecisionOptions | number): Decision {
  return decision(event, 'optIn', options);
}

/** Opts out of this version of the event; with `except`, only those resources take part. */
export function optOut(event: EventVersion, options?: DecisionOptions | number): Decision {
  return decision(event, 'optOut', options);
}
