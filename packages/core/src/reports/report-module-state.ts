import type { Subscription } from 'rxjs';
import type { Reading } from './report-capability.js';
import type { ReportHost } from './report-host.js';
import { ZERO_COUNTERS, type HeldDelivery, type ReportCounters } from './report-state.js';
import type { RequestRecord } from './request-record.js';
import type { RequestRunners } from './request-runners.js';

/**
 * After a re-registration under the same venID: the requests held from before, waiting to be
 * requested again, and the requestID of the METADATA whose answer decides (see `registered`).
 */
export interface Renewal {
  readonly metadataRequestID: string;
  readonly held: Set<string>;
  readonly renewed: Set<string>;
}

/** The report module while attached to a VEN. */
export interface ReportSession {
  readonly host: ReportHost;
  readonly runners: RequestRunners;
  saveTimer: Subscription | undefined;
}

/**
 * What the report module keeps between calls (internal): the content of its persisted slot and
 * the session. The parts of `createReports` share one of these; each changes only what it owns.
 */
export interface ReportModuleState {
  requests: readonly RequestRecord[];
  /** Data reports made while their request waits to be renewed (or before any registration): not owed yet. */
  held: HeldDelivery[];
  venID: string | null;
  /** Counter behind the IDs the module makes, so they never repeat. */
  seq: number;
  counters: ReportCounters;
  /** The time of the last call from the engine, for "now" while detached. */
  lastNowMs: number;
  renewal: Renewal | undefined;
  session: ReportSession | undefined;
  /** Samples of intervals not yet delivered, per request: persisted so a restart keeps them. */
  readonly inProgress: Map<string, Map<number, Array<Reading | undefined>>>;
}

/** The state of a module that has seen nothing yet. */
export function createModuleState(): ReportModuleState {
  return { requests: [], held: [], venID: null, seq: 0, counters: ZERO_COUNTERS, lastNowMs: 0, renewal: undefined, session: undefined, inProgress: new Map() };
}

/** "Now": the session's scheduler, else the time of the engine's last call. */
export const nowMs = (state: ReportModuleState): number => (state.session ? state.session.host.scheduler.now() : state.lastNowMs);

/** A fresh ID (eiReportID, requestID, …) that never repeats, also across restarts (`seq` is persisted). */
export const nextId = (state: ReportModuleState, prefix: string): string => `${prefix}-${nowMs(state).toString(36)}-${(++state.seq).toString(36)}`;

/** The venID to address messages to: the current registration's, else the one the requests were made for. */
export const addressVenID = (state: ReportModuleState): string => state.session?.host.venID() ?? state.venID ?? '';

/** The samples in progress of one request (made on first use). */
export function samplesOf(state: ReportModuleState, id: string): Map<number, Array<Reading | undefined>> {
  let map = state.inProgress.get(id);
  if (!map) state.inProgress.set(id, (map = new Map()));
  return map;
}

/** Stops sampling a request and drops its samples. */
export function forget(state: ReportModuleState, id: string): void {
  state.session?.runners.stop(id);
  state.inProgress.delete(id);
}

/** Counts one event in the persisted counters. */
export function count(state: ReportModuleState, key: keyof ReportCounters): void {
  state.counters = { ...state.counters, [key]: state.counters[key] + 1 };
}
