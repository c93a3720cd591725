import { INVALID, child, issueMessage, type CodecIssue } from '../codec/xml-codec.js';
import { eiTargetCodec, qualifiedEventIdCodec } from '../model/common.js';
import { oadrEventCodec } from '../model/event.js';
import { vavailabilityCodec } from '../model/opt.js';
import type { EventRecord } from './event-record.js';
import type { OptRecord } from './opt-record.js';
import { VenError } from './ven-error.js';
import type { VenState } from './ven-store.js';

type Json = Record<string, unknown>;

const isObject = (u: unknown): u is Json => typeof u === 'object' && u !== null && !Array.isArray(u);

/** The JSON form of the VEN state (events and opts through the message codecs: ISO dates, duration texts). */
export function stateToJson(state: VenState): unknown {
  return {
    version: 2,
    registration: state.registration ?? null,
    events: state.events.map((r) => ({ ...r, event: oadrEventCodec.toJson(r.event), cancellation: r.cancellation ?? null, answer: r.answer ?? null })),
    opts: state.opts.map((o) => ({
      ...o,
      vavailability: o.vavailability ? vavailabilityCodec.toJson(o.vavailability) : null,
      qualifiedEventID: o.qualifiedEventID ?? null,
      target: eiTargetCodec.toJson(o.target),
      deviceClass: o.deviceClass ? eiTargetCodec.toJson(o.deviceClass) : null,
      createdDateTime: o.createdDateTime.toISOString(),
      marketContext: o.marketContext ?? null,
      responseCode: o.responseCode ?? null,
    })),
    reports: state.reports ?? null,
    ...(state.ledger ? { ledger: state.ledger.map(([id, value]) => [id, value]) } : {}),
  };
}

/** Reads the JSON form back; throws `VenError('store')` naming the first problem (never a silent reset). */
export function stateFromJson(json: unknown, source: string): VenState {
  const bad = (what: string): never => {
    throw new VenError('store', `${source}: corrupt VEN state (${what}); fix or remove the file to register anew`);
  };
  if (!isObject(json) || (json['version'] !== 1 && json['version'] !== 2)) return bad('expected an object with version 1 or 2');
  const issues: CodecIssue[] = [];
  const read = <A>(codec: { fromJson(j: unknown, p: ReturnType<typeof child>, i: CodecIssue[]): A | typeof INVALID }, value: unknown, path: string): A => {
    const result = codec.fromJson(value, child(undefined, path), issues);
    if (result === INVALID || issues.length > 0) return bad(issues.map(issueMessage).join('; ') || path);
    return result;
  };
  const registration = json['registration'];
  if (registration !== null && !(isObject(registration) && typeof registration['venID'] === 'string' && typeof registration['registrationID'] === 'string' && typeof registration['vtnID'] === 'string' && typeof registration['pollFrequencyMs'] === 'number')) {
    bad('registration');
  }
  if (!Array.isArray(json['events']) || !Array.isArray(json['opts'])) return bad('events and opts must be arrays');
  const events = (json['events'] as unknown[]).map((e, i): EventRecord => {
    if (!isObject(e) || typeof e['requestID'] !== 'string' || typeof e['randomOffsetMs'] !== 'number') return bad(`events[${i}]`);
    return {
      event: read(oadrEventCodec, e['event'], `events[${i}].event`),
      requestID: e['requestID'],
      randomOffsetMs: e['randomOffsetMs'],
      cancellation: (e['cancellation'] ?? undefined) as EventRecord['cancellation'],
      answer: (e['answer'] ?? undefined) as EventRecord['answer'],
    };
  });
  const opts = (json['opts'] as unknown[]).map((o, i): OptRecord => {
    if (!isObject(o) || typeof o['optID'] !== 'string' || typeof o['createdDateTime'] !== 'string') return bad(`opts[${i}]`);
    return {
      ...(o as unknown as OptRecord),
      vavailability: o['vavailability'] ? read(vavailabilityCodec, o['vavailability'], `opts[${i}].vavailability`) : undefined,
      qualifiedEventID: o['qualifiedEventID'] ? read(qualifiedEventIdCodec, o['qualifiedEventID'], `opts[${i}].qualifiedEventID`) : undefined,
      target: read(eiTargetCodec, o['target'], `opts[${i}].target`),
      deviceClass: o['deviceClass'] ? read(eiTargetCodec, o['deviceClass'], `opts[${i}].deviceClass`) : undefined,
      createdDateTime: new Date(o['createdDateTime']),
      marketContext: (o['marketContext'] ?? undefined) as string | undefined,
      responseCode: (o['responseCode'] ?? undefined) as string | undefined,
    };
  });
  const ledger = json['ledger'];
  if (ledger !== undefined && !(Array.isArray(ledger) && ledger.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string'))) bad('ledger must be a list of [id, record] pairs');
  return {
    version: 2,
    registration: (registration ?? undefined) as VenState['registration'],
    events,
    opts,
    reports: json['reports'] ?? undefined,
    ...(ledger ? { ledger: ledger as [string, unknown][] } : {}),
  };
}
