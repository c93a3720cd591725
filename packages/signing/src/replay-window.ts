import { SignatureError } from './signature-error.js';

const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Parses an xs:dateTime leniently as OPENADR.md §9 asks: fraction optional, `Z` or an offset,
 * and a missing zone read as UTC. Returns `undefined` for anything else.
 */
export function parseDateTime(value: string): Date | undefined {
  const match = DATE_TIME.exec(value.trim());
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const ms = Math.floor(Number(`0${fraction ?? ''}`) * 1000);
  let time = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), ms);
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    time -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  const date = new Date(time);
  if (Number.isNaN(date.getTime()) || Number(month) > 12 || Number(day) > 31 || Number(hour) > 24) return undefined;
  return date;
}

/** Milliseconds as seconds for messages: `12 s`, `0.25 s`. */
export function seconds(ms: number): string {
  const s = Math.abs(ms) / 1000;
  return `${Number.isInteger(s) ? s : Number(s.toFixed(3))} s`;
}

/**
 * Checks that `timestamp` lies within `windowMs` of `now` in both directions (OPENADR.md §7.3)
 * and appends the outcome to `checks`.
 *
 * @throws SignatureError `stale` when older than the window, `future` when ahead of it
 */
export function checkReplayWindow(timestamp: Date, now: Date, windowMs: number, checks: string[]): void {
  const age = now.getTime() - timestamp.getTime();
  const window = seconds(windowMs);
  if (age > windowMs) {
    throw new SignatureError(
      'stale',
      `timestamp ${timestamp.toISOString()} is ${seconds(age)} old, ${seconds(age - windowMs)} outside the ${window} window`,
    );
  }
  if (-age > windowMs) {
    throw new SignatureError(
      'future',
      `timestamp ${timestamp.toISOString()} is ${seconds(-age)} in the future, ${seconds(-age - windowMs)} outside the ${window} window`,
    );
  }
  checks.push(
    age >= 0
      ? `timestamp ${seconds(age)} old, window ${window}`
      : `timestamp ${seconds(-age)} in the future, window ${window}`,
  );
}
