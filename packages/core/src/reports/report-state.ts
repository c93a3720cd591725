import { messageFromJson, messageToJson } from '../codec/message-json.js';
import type { ObligationSubject } from '../ledger/obligation.js';
import type { MessageOf } from '../model/message.js';
import { deliveryFromJson, type DeliveryItem, type DeliveryItemJson } from './delivery-item.js';
import type { Reading } from './report-capability.js';
import { ReportError } from './report-error.js';
import type { RequestRecord } from './request-record.js';

/** Counters of what happened to data reports (persisted, so they survive restarts). */
export interface ReportCounters {
  /** Delivered: the VTN answered oadrUpdatedReport with a 2xx code. */
  readonly delivered: number;
  /** Refused for good: the VTN answered with an OpenADR 4xx code (other than 463 / 452 about the VEN's own IDs); not sent again. */
  readonly rejected: number;
  /** Not sent because the outage buffer was full; the oldest waiting intervals go first. */
  readonly droppedOverflow: number;
  /** Not sent because their report request ended (the VTN did not request it again after a re-registration, or cancelled it); the data stays in the history source. */
  readonly droppedRequestEnded: number;
  /** Not sent because the registration they belonged to ended (cancelled, or a fresh registration under another venID). */
  readonly droppedRegistrationEnded: number;
}

/**
 * A data report made but not yet owed to the VTN: its request waits to be requested again after a
 * re-registration (§5.3), so nothing may go out under it yet. Owed (a ledger record) once renewed.
 */
export interface HeldDelivery {
  readonly subject: ObligationSubject;
  readonly message: MessageOf<'oadrUpdateReport'>;
}

/**
 * The report module's slot of the VEN state (`VenState.reports`): plain JSON. Deliveries owed to the
 * VTN are not here: they are ledger records, saved incrementally by the ledger's journal.
 */
export interface ReportStateJson {
  readonly version: 1;
  /** The venID the requests were made for; a registration under another venID drops them. */
  readonly venID: string | null;
  /** Counter behind the IDs the module makes (eiReportID, requestID), so they never repeat. */
  readonly seq: number;
  readonly requests: readonly RequestRecord[];
  /** Reports of a slot saved before the ledger (read, never written): owed again on load. */
  readonly deliveries?: readonly DeliveryItemJson[];
  /** Reports held back during a renewal, oldest first (see {@link HeldDelivery}). */
  readonly held?: ReadonlyArray<{ readonly subject: ObligationSubject; readonly message: unknown }>;
  readonly counters: ReportCounters;
  /** Samples taken for intervals not yet delivered, per reportRequestID: `[interval end, readings]` (null = missing). */
  readonly samples?: Readonly<Record<string, ReadonlyArray<readonly [number, ReadonlyArray<Reading | null>]>>>;
  /** The VEN's own requests for the VTN's reports that the VTN accepted and the VEN has not cancelled (reportRequestIDs). */
  readonly vtnRequests?: readonly string[];
  /**
   * The VEN's own requests whose oadrCreateReport is owed and not settled yet: each is saved here
   * before its ledger record is written, so a kill -9 between the VTN's answer and the next save
   * cannot lose a request the VTN may hold. After a restart each is cancelled.
   */
  readonly vtnRequestsOwed?: readonly string[];
  /**
   * The VEN's own requests whose oadrCreateReport was withdrawn (its stream unsubscribed) while it
   * may have been in flight: if the VTN sends data for one, also after a restart, it is cancelled.
   */
  readonly vtnRequestsWithdrawn?: readonly string[];
}

/** The slot read back. */
export interface ReportState {
  readonly venID: string | null;
  readonly seq: number;
  readonly requests: readonly RequestRecord[];
  /** Legacy waiting reports (a slot saved before the ledger). */
  readonly deliveries: readonly DeliveryItem[];
  readonly held: readonly HeldDelivery[];
  readonly counters: ReportCounters;
  readonly samples: ReadonlyMap<string, Map<number, Array<Reading | undefined>>>;
  /** See {@link ReportStateJson.vtnRequests}. */
  readonly vtnRequests?: readonly string[];
  /** See {@link ReportStateJson.vtnRequestsOwed}. */
  readonly vtnRequestsOwed?: readonly string[];
  /** See {@link ReportStateJson.vtnRequestsWithdrawn}. */
  readonly vtnRequestsWithdrawn?: readonly string[];
}

/** The counters of a module that has delivered nothing yet. */
export const ZERO_COUNTERS: ReportCounters = { delivered: 0, rejected: 0, droppedOverflow: 0, droppedRequestEnded: 0, droppedRegistrationEnded: 0 };

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);
const isNum = (u: unknown): u is number => typeof u === 'number' && Number.isFinite(u);

function isRecord(u: unknown): u is RequestRecord {
  return (
    isObject(u) &&
    typeof u['reportRequestID'] === 'string' &&
    typeof u['reportSpecifierID'] === 'string' &&
    Array.isArray(u['rIDs']) &&
    (u['rIDs'] as unknown[]).every((r) => typeof r === 'string') &&
    (u['shape'] === 'one-shot' || u['shape'] === 'periodic' || u['shape'] === 'historical') &&
    typeof u['metadata'] === 'boolean' &&
    typeof u['toFollow'] === 'boolean' &&
    ['granularityMs', 'reportBackMs', 'startMs', 'cursorMs', 'receivedMs'].every((k) => isNum(u[k])) &&
    (u['endMs'] === null || isNum(u['endMs'])) &&
    (u['shape'] !== 'periodic' || (u['reportBackMs'] as number) > 0)
  );
}

/**
 * Reads the slot back (`VenState.reports`). `undefined`/`null` (a VEN that never reported) gives
 * undefined; anything malformed throws `ReportError('state')` naming the first problem, so a
 * damaged slot is never half-applied.
 */
export function reportStateFromJson(json: unknown): ReportState | undefined {
  if (json === undefined || json === null) return undefined;
  const bad = (what: string): never => {
    throw new ReportError('state', `the persisted report state is unreadable (${what}); it is ignored and reporting starts empty`);
  };
  if (!isObject(json) || json['version'] !== 1) return bad('expected an object with version 1');
  const venID = json['venID'];
  const seq = json['seq'];
  if (!(venID === null || typeof venID === 'string') || !isNum(seq)) return bad('venID or seq');
  const requests = json['requests'];
  if (!Array.isArray(requests)) return bad('requests must be an array');
  requests.forEach((r, i) => isRecord(r) || bad(`requests[${i}]`));
  const deliveries = json['deliveries'] ?? [];
  if (!Array.isArray(deliveries)) return bad('deliveries must be an array');
  const items = deliveries.map((d, i) => deliveryFromJson(d) ?? bad(`deliveries[${i}]`));
  const rawHeld = json['held'] ?? [];
  if (!Array.isArray(rawHeld)) return bad('held must be an array');
  const held = rawHeld.map((h: unknown, i): HeldDelivery => {
    if (!isObject(h) || !isObject(h['subject'])) return bad(`held[${i}]`);
    let message;
    try {
      message = messageFromJson(h['message']);
    } catch {
      return bad(`held[${i}].message`);
    }
    return message.type === 'oadrUpdateReport' ? { subject: h['subject'] as ObligationSubject, message } : bad(`held[${i}].message`);
  });
  const rawCounters = json['counters'];
  if (!isObject(rawCounters)) return bad('counters');
  // Counters added later start at 0 in a slot saved before them.
  const counters = Object.fromEntries(Object.keys(ZERO_COUNTERS).map((k) => [k, rawCounters[k] ?? 0]));
  if (!Object.values(counters).every(isNum)) return bad('counters');
  const samples = new Map<string, Map<number, Array<Reading | undefined>>>();
  const rawSamples = json['samples'] ?? {};
  if (!isObject(rawSamples)) return bad('samples');
  for (const [id, rows] of Object.entries(rawSamples)) {
    if (!Array.isArray(rows)) return bad(`samples.${id}`);
    const map = new Map<number, Array<Reading | undefined>>();
    for (const row of rows as unknown[]) {
      if (!Array.isArray(row) || !isNum(row[0]) || !Array.isArray(row[1])) return bad(`samples.${id}`);
      map.set(row[0], (row[1] as unknown[]).map((r) => (r === null || !(typeof r === 'number' || isObject(r)) ? undefined : (r as Reading))));
    }
    samples.set(id, map);
  }
  const vtnRequests = json['vtnRequests'] ?? [];
  if (!Array.isArray(vtnRequests) || !vtnRequests.every((id) => typeof id === 'string')) return bad('vtnRequests');
  const vtnRequestsOwed = json['vtnRequestsOwed'] ?? [];
  if (!Array.isArray(vtnRequestsOwed) || !vtnRequestsOwed.every((id) => typeof id === 'string')) return bad('vtnRequestsOwed');
  const vtnRequestsWithdrawn = json['vtnRequestsWithdrawn'] ?? [];
  if (!Array.isArray(vtnRequestsWithdrawn) || !vtnRequestsWithdrawn.every((id) => typeof id === 'string')) return bad('vtnRequestsWithdrawn');
  return { venID, seq, requests: requests as RequestRecord[], deliveries: items, held, counters: counters as unknown as ReportCounters, samples, vtnRequests, vtnRequestsOwed, vtnRequestsWithdrawn };
}

/** The JSON form of the slot: requests, samples in progress, held reports and counters — never the owed deliveries. */
export function reportStateToJson(state: Omit<ReportState, 'deliveries'>): ReportStateJson {
  return {
    version: 1,
    venID: state.venID,
    seq: state.seq,
    requests: state.requests,
    ...(state.held.length > 0 ? { held: state.held.map((h) => ({ subject: h.subject, message: messageToJson(h.message) })) } : {}),
    counters: state.counters,
    ...(state.vtnRequests && state.vtnRequests.length > 0 ? { vtnRequests: state.vtnRequests } : {}),
    ...(state.vtnRequestsOwed && state.vtnRequestsOwed.length > 0 ? { vtnRequestsOwed: state.vtnRequestsOwed } : {}),
    ...(state.vtnRequestsWithdrawn && state.vtnRequestsWithdrawn.length > 0 ? { vtnRequestsWithdrawn: state.vtnRequestsWithdrawn } : {}),
    samples: Object.fromEntries(
      [...state.samples].filter(([, map]) => map.size > 0).map(([id, map]) => [id, [...map].map(([end, row]) => [end, Array.from(row, (r) => r ?? null)] as const)]),
    ),
  };
}
