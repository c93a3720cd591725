import type { Duration } from '../codec/duration.js';
import type { Interval, OadrEvent } from '../model/model-exports.js';
import { inInstantRange } from '../time/instant-range.js';

/**
 * Why an event cannot be scheduled on the VEN's clock, or undefined when it can (§9, §8 code 454).
 * Every instant the VEN derives from the event must be representable (years 0001–9999, see
 * `inInstantRange`): dtstart, start + startafter, the end (dtstart + startafter + duration), the
 * near boundary (start − x-eiRampUp), notification and recovery windows, every interval's start and
 * end, the baseline's, and the created/modified timestamps. Event and interval durations must not be
 * negative (only ramp-up and recovery may be, §9). `P999999999D` on an event is refused here,
 * instead of becoming an end instant of `NaN`.
 */
export function eventRangeProblem(event: OadrEvent): string | undefined {
  const { eventDescriptor, eiActivePeriod, eiEventSignals } = event.eiEvent;
  const instant = (what: string, ms: number): string | undefined => (inInstantRange(ms) ? undefined : `${what} is outside years 0001–9999`);
  const after = (what: string, from: number, d: Duration | undefined, sign = 1): string | undefined => {
    if (!d || d.isZero) return undefined;
    const at = sign > 0 ? d.addToMillis(from) : from - d.toMillis(from);
    return instant(`${what} (${d.text})`, at);
  };
  const notNegative = (what: string, d: Duration | undefined): string | undefined => (d?.negative && !d.isZero ? `${what} ${d.text} is negative` : undefined);

  const properties = eiActivePeriod.properties;
  const dtstart = properties.dtstart.getTime();
  const startafter = properties.tolerance?.startafter;
  const latestStart = startafter && !startafter.negative ? startafter.addToMillis(dtstart) : dtstart;
  const problem =
    instant('createdDateTime', eventDescriptor.createdDateTime.getTime()) ??
    (eventDescriptor.modificationDateTime ? instant('modificationDateTime', eventDescriptor.modificationDateTime.getTime()) : undefined) ??
    instant('dtstart', dtstart) ??
    after('dtstart + startafter', dtstart, startafter) ??
    notNegative('duration', properties.duration) ??
    after('the end, dtstart + startafter + duration', latestStart, properties.duration) ??
    after('the near boundary, dtstart − x-eiRampUp', dtstart, properties.xEiRampUp, -1) ??
    after('dtstart − x-eiNotification', dtstart, properties.xEiNotification, -1) ??
    after('the recovery end', properties.duration.isZero ? latestStart : properties.duration.addToMillis(latestStart), properties.xEiRecovery);
  if (problem) return problem;
  for (const [s, signal] of eiEventSignals.eiEventSignal.entries()) {
    const bad = intervalsProblem(`signal ${s}`, signal.intervals, latestStart, instant, after, notNegative);
    if (bad) return bad;
  }
  const baseline = eiEventSignals.eiEventBaseline;
  if (baseline) {
    const start = baseline.dtstart.getTime();
    return instant('baseline dtstart', start) ?? notNegative('baseline duration', baseline.duration) ?? after('baseline end', start, baseline.duration) ?? intervalsProblem('baseline', baseline.intervals, start, instant, after, notNegative);
  }
  return undefined;
}

function intervalsProblem(
  where: string,
  intervals: readonly Interval[],
  start: number,
  instant: (what: string, ms: number) => string | undefined,
  after: (what: string, from: number, d: Duration | undefined) => string | undefined,
  notNegative: (what: string, d: Duration | undefined) => string | undefined,
): string | undefined {
  let at = start;
  for (const [i, interval] of intervals.entries()) {
    const from = interval.dtstart ? interval.dtstart.getTime() : at;
    const bad = instant(`${where} interval ${i} start`, from) ?? notNegative(`${where} interval ${i} duration`, interval.duration) ?? after(`${where} interval ${i} end`, from, interval.duration);
    if (bad) return bad;
    if (interval.duration && !interval.duration.isZero) at = interval.duration.addToMillis(from);
  }
  return undefined;
}
