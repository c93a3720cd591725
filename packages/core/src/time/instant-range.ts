/**
 * The instants rxadr represents: years 0001 to 9999 in UTC. `xcal:date-time` has exactly four
 * year digits (OPENADR.md §9), so a later instant could not be written back; a JavaScript Date
 * ends in year 275760, and a sum past that is `NaN`. Anything outside is refused as invalid data
 * (454) where it arrives, never carried into timers, snapshots or the state file.
 */
export const MIN_INSTANT_MS = Date.parse('0001-01-01T00:00:00.000Z');

/** The last representable instant, 9999-12-31T23:59:59.999Z. See {@link MIN_INSTANT_MS}. */
export const MAX_INSTANT_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** True when `ms` is a finite instant within years 0001–9999 (UTC). */
export function inInstantRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS;
}
