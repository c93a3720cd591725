import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { OadrMessage, OadrService } from '@rxadr/core';

/**
 * How an injected failure looks to the VEN, named by what a test wants to provoke:
 * - `http-500`: HTTP 500 with no OpenADR body (OPENADR.md §1.5); see {@link Fault} for any status
 * - `timeout`: no answer at all (HTTP: the request is held until the VEN gives up or the VTN
 *   closes; memory: `TransportError('timeout')`)
 * - `reset`: the connection drops (HTTP: the socket is destroyed; memory: `TransportError('connect')`)
 * - `empty`: HTTP 200 with an empty body
 * - `malformed`: HTTP 200 with XML that is not well-formed
 * - `schema-invalid`: HTTP 200 with well-formed XML the OpenADR schema rejects
 * - `bad-signature`: the real answer, signed, with its signature value corrupted (needs a signing identity)
 * - `replay`: the previous answer on this service, byte for byte (same ReplayProtect nonce when signed, §7.3)
 *
 * The object forms ({@link Fault}) add an HTTP status, a delay, an OpenADR code, a raw body and
 * a trickled answer.
 */
export type FaultKind = 'http-500' | 'timeout' | 'reset' | 'empty' | 'malformed' | 'schema-invalid' | 'bad-signature' | 'replay';

/**
 * The VTN answers the request's normal reply type carrying `code` (OPENADR.md §8) without
 * applying the request to the model: oadrCreatePartyRegistration and oadrQueryRegistration →
 * oadrCreatedPartyRegistration (no IDs), oadrCancelPartyRegistration →
 * oadrCanceledPartyRegistration, oadrRequestEvent → oadrDistributeEvent with that eiResponse
 * and no events, oadrRegisterReport → oadrRegisteredReport, oadrUpdateReport →
 * oadrUpdatedReport, oadrCreateReport → oadrCreatedReport, oadrCancelReport →
 * oadrCanceledReport, oadrCreateOpt → oadrCreatedOpt, oadrCancelOpt → oadrCanceledOpt, and the
 * rest (oadrPoll, oadrCreatedEvent, oadrCreatedReport, oadrCanceledReport, oadrRegisteredReport,
 * oadrCanceledPartyRegistration, oadrResponse) → oadrResponse. With `asResponse` every request
 * gets an oadrResponse. Signed like any answer when the VTN signs.
 */
export interface OpenAdrCodeFault {
  readonly kind: 'openadr-code';
  /** A 3-digit OpenADR response code, e.g. `'463'` or `'500'`. */
  readonly code: string;
  /** Default `'injected <code>'`. */
  readonly description?: string;
  /** Answer oadrResponse whatever the request. Default false (the request's reply type). */
  readonly asResponse?: boolean;
}

/** The VTN answers exactly this body, e.g. an HTML login page with 200 (a captive proxy). */
export interface RawFault {
  readonly kind: 'raw';
  /** Default 200. The memory front door turns a status other than 200 into `TransportError('http-status')`, as the HTTP client does. */
  readonly status?: number;
  readonly body: string;
  /** Default `text/html; charset=utf-8`. */
  readonly contentType?: string;
}

/**
 * The real answer, sent `bytesPerChunk` bytes every `everyMs` ms of scheduler time (with its
 * full Content-Length up front), for deadline tests. The memory front door has no bytes to
 * trickle: it holds the whole answer for the time the trickle would take.
 */
export interface TrickleFault {
  readonly kind: 'trickle';
  readonly bytesPerChunk: number;
  readonly everyMs: number;
}

/** A fault: one of {@link FaultKind}, any HTTP error status, a delay before the normal answer, an OpenADR code, a raw body or a trickle. */
export type Fault =
  | FaultKind
  | { readonly kind: 'http-status'; readonly status: number }
  | { readonly kind: 'delay'; readonly ms: number }
  | OpenAdrCodeFault
  | RawFault
  | TrickleFault;

/** Which requests a fault applies to: a service (default any), a count and/or a window of scheduler time. */
export interface FaultScope {
  /** Default `'*'` (every service). */
  readonly service?: OadrService | '*';
  /** Only requests of this message type (e.g. `'oadrUpdateReport'`). Default: any type. */
  readonly type?: OadrMessage['type'];
  /** The next `times` matching requests (default: unlimited within the window). */
  readonly times?: number;
  /** Start of the window, scheduler ms (default: now). */
  readonly from?: number;
  /** Length of the window in ms from `from` (default: no end; then `times` must be set). */
  readonly forMs?: number;
}

/** A fault picked for one request: the fault and the label recorded with the request. */
export interface FaultHit {
  readonly fault: Fault;
  readonly label: string;
}

interface Planned {
  readonly service: OadrService | '*';
  readonly type: OadrMessage['type'] | undefined;
  readonly fault: Fault;
  remaining: number;
  readonly from: number;
  readonly until: number;
}

/** Fault injection for the mock VTN's front doors (both honour every fault, STYLE.md rule 15). */
export interface VtnFaults {
  /** The next `times` requests to `service` ('*' = any) fail as `fault`. */
  failNext(service: OadrService | '*', times: number, fault: Fault): void;
  /** Requests to `service` fail as `fault` for the next `ms` milliseconds of scheduler time. */
  failFor(service: OadrService | '*', ms: number, fault: Fault): void;
  /** The general form: any scope (service, count, window). */
  inject(fault: Fault, scope: FaultScope): void;
  /** Every request fails with a connection error until `up()`. */
  down(): void;
  up(): void;
  readonly isDown: boolean;
  /** Consumes and returns the fault label for one request, if any ('down' while down). */
  take(service: OadrService): string | undefined;
  /** Like `take`, with the fault itself; `typeOf` names the request's message type (asked only when a fault is scoped to a type). */
  next(service: OadrService, typeOf?: () => OadrMessage['type'] | undefined): FaultHit | undefined;
  clear(): void;
}

/** The label recorded for a fault (`http-503`, `delay-200ms`, `reset`, …). */
export function faultLabel(fault: Fault): string {
  if (typeof fault === 'string') return fault;
  switch (fault.kind) {
    case 'http-status':
      return `http-${fault.status}`;
    case 'delay':
      return `delay-${fault.ms}ms`;
    case 'openadr-code':
      return `openadr-${fault.code}`;
    case 'raw':
      return `raw-${fault.status ?? 200}`;
    case 'trickle':
      return `trickle-${fault.bytesPerChunk}B/${fault.everyMs}ms`;
  }
}

function checkFault(fault: Fault): void {
  if (typeof fault === 'string') return;
  if (fault.kind === 'http-status' && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)) {
    throw new RangeError(`mock VTN fault: http-status must be 400–599, got ${fault.status}`);
  }
  if (fault.kind === 'delay' && !(fault.ms >= 0)) throw new RangeError(`mock VTN fault: delay must be ≥ 0 ms, got ${fault.ms}`);
  if (fault.kind === 'openadr-code' && !/^\d{3}$/.test(fault.code)) throw new RangeError(`mock VTN fault: openadr-code needs a 3-digit code, got ${fault.code}`);
  if (fault.kind === 'raw' && !(Number.isInteger(fault.status ?? 200) && (fault.status ?? 200) >= 100 && (fault.status ?? 200) <= 599)) {
    throw new RangeError(`mock VTN fault: raw status must be 100–599, got ${String(fault.status)}`);
  }
  if (fault.kind === 'trickle' && !(Number.isInteger(fault.bytesPerChunk) && fault.bytesPerChunk > 0 && fault.everyMs >= 0)) {
    throw new RangeError(`mock VTN fault: trickle needs bytesPerChunk ≥ 1 and everyMs ≥ 0, got ${fault.bytesPerChunk} and ${fault.everyMs}`);
  }
}

/** Creates an empty fault plan; windows are measured on `scheduler` (default `asyncScheduler`). */
export function createVtnFaults(scheduler: SchedulerLike = asyncScheduler): VtnFaults {
  let planned: Planned[] = [];
  let down = false;
  const faults: VtnFaults = {
    failNext: (service, times, fault) => {
      if (times > 0) faults.inject(fault, { service, times });
    },
    failFor: (service, ms, fault) => faults.inject(fault, { service, forMs: ms }),
    inject(fault, scope) {
      checkFault(fault);
      if (scope.times === undefined && scope.forMs === undefined) throw new RangeError('mock VTN fault: give times and/or forMs, or the fault never ends');
      const from = scope.from ?? scheduler.now();
      planned.push({ service: scope.service ?? '*', type: scope.type, fault, remaining: scope.times ?? Infinity, from, until: scope.forMs === undefined ? Infinity : from + scope.forMs });
    },
    down: () => void (down = true),
    up: () => void (down = false),
    get isDown() {
      return down;
    },
    take: (service) => (down ? 'down' : faults.next(service)?.label),
    next(service, typeOf) {
      if (down) return { fault: 'reset', label: 'down' };
      if (planned.length === 0) return undefined;
      const now = scheduler.now();
      planned = planned.filter((p) => p.until > now && p.remaining > 0);
      let type: OadrMessage['type'] | undefined | null = null; // null: not asked yet
      const typeMatches = (p: Planned): boolean => p.type === undefined || p.type === (type === null ? (type = typeOf?.()) : type);
      const hit = planned.find((p) => (p.service === '*' || p.service === service) && p.from <= now && typeMatches(p));
      if (!hit) return undefined;
      hit.remaining -= 1;
      return { fault: hit.fault, label: faultLabel(hit.fault) };
    },
    clear() {
      planned = [];
      down = false;
    },
  };
  return faults;
}
