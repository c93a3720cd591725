import { detached } from '../xml/detached.js';

/**
 * An ISO 8601 / RFC 5545 duration as OpenADR carries it (OPENADR.md §9), keeping the text it was
 * read from. Weeks and fractional seconds are accepted on input; `text` is always a form the
 * schema accepts (`toString()` gives it), so a decoded value can be written back as it was
 * whenever it was valid.
 *
 * Calendar parts (years, months) are applied to an instant in UTC with the day of month clamped
 * to the end of a shorter month (2024-01-31 + P1M = 2024-02-29).
 *
 * @example
 * const d = Duration.parse('PT15M');
 * d.addTo(new Date('2024-07-16T12:00:00Z')); // 2024-07-16T12:15:00Z
 */
export class Duration {
  private constructor(
    readonly text: string,
    readonly negative: boolean,
    readonly years: number,
    readonly months: number,
    readonly days: number,
    readonly hours: number,
    readonly minutes: number,
    readonly seconds: number,
  ) {}

  private static build(text: string, p: Parts): Duration {
    return new Duration(text, p.negative, p.years, p.months, p.days, p.hours, p.minutes, p.seconds);
  }

  /** Zero: `PT0S`. */
  static readonly ZERO: Duration = Duration.of({});

  /** Parses a duration; returns undefined when the text is not an ISO 8601 duration. Values are immutable and cached. */
  static parse(text: string): Duration | undefined {
    const cached = CACHE.get(text);
    if (cached) return cached;
    // Kept (cached, and as the value's text): a copy, not a view into the document it was read from.
    const own = detached(text);
    const parsed = Duration.parseUncached(own);
    if (parsed) {
      if (CACHE.size >= CACHE_LIMIT) CACHE.clear();
      CACHE.set(own, parsed);
    }
    return parsed;
  }

  private static parseUncached(text: string): Duration | undefined {
    const m = PATTERN.exec(text.trim());
    if (!m) return undefined;
    const [, sign, y, mo, w, d, h, mi, s] = m;
    if (y === undefined && mo === undefined && w === undefined && d === undefined && h === undefined && mi === undefined && s === undefined) {
      // 'P' alone is meaningless; 'PT' is tolerated by the schema and read as zero.
      if (!/T$/.test(text.trim())) return undefined;
    }
    const weeks = num(w);
    const parts = {
      negative: sign === '-',
      years: num(y),
      months: num(mo),
      days: num(d) + weeks * 7,
      hours: num(h),
      minutes: num(mi),
      seconds: num(s),
    };
    const trimmed = text.trim();
    return Duration.build(SCHEMA_PATTERN.test(trimmed) && w === undefined ? trimmed : canonical(parts), parts);
  }

  /** Builds a duration from parts (all default 0). Fractional seconds are rounded to whole seconds. */
  static of(parts: DurationParts): Duration {
    const p = {
      negative: parts.negative ?? false,
      years: parts.years ?? 0,
      months: parts.months ?? 0,
      days: parts.days ?? 0,
      hours: parts.hours ?? 0,
      minutes: parts.minutes ?? 0,
      seconds: parts.seconds ?? 0,
    };
    return Duration.build(canonical(p), p);
  }

  /** A duration of whole milliseconds (rounded to seconds), e.g. from a scheduler delay. */
  static fromMillis(ms: number): Duration {
    const negative = ms < 0;
    let rest = Math.round(Math.abs(ms) / 1000);
    const days = Math.floor(rest / 86_400);
    rest -= days * 86_400;
    const hours = Math.floor(rest / 3600);
    rest -= hours * 3600;
    const minutes = Math.floor(rest / 60);
    return Duration.of({ negative, days, hours, minutes, seconds: rest - minutes * 60 });
  }

  /** True when every part is zero (`PT0S`, `PT0M`, …): OpenADR reads a zero event duration as open-ended. */
  get isZero(): boolean {
    return this.years === 0 && this.months === 0 && this.days === 0 && this.hours === 0 && this.minutes === 0 && this.seconds === 0;
  }

  /** True when the duration has no calendar parts, so its length in ms does not depend on the start. */
  get isExact(): boolean {
    return this.years === 0 && this.months === 0;
  }

  /** The instant `this` after `instant`, exactly (calendar months and years included). */
  addTo(instant: Date): Date {
    return new Date(this.addToMillis(instant.getTime()));
  }

  /** Like `addTo`, on epoch milliseconds. */
  addToMillis(epochMs: number): number {
    const sign = this.negative ? -1 : 1;
    let t = epochMs;
    if (this.years !== 0 || this.months !== 0) t = addMonths(t, sign * (this.years * 12 + this.months));
    return t + sign * (((this.days * 24 + this.hours) * 60 + this.minutes) * 60 + this.seconds) * 1000;
  }

  /** Length in ms measured from `from` (needed for calendar parts); from epoch 0 when omitted. */
  toMillis(from: number = 0): number {
    return this.addToMillis(from) - from;
  }

  equals(other: Duration): boolean {
    return this.text === other.text;
  }

  toString(): string {
    return this.text;
  }

  toJSON(): string {
    return this.text;
  }
}

export interface DurationParts {
  readonly negative?: boolean;
  readonly years?: number;
  readonly months?: number;
  readonly days?: number;
  readonly hours?: number;
  readonly minutes?: number;
  readonly seconds?: number;
}

type Parts = Required<DurationParts>;

const CACHE = new Map<string, Duration>();
const CACHE_LIMIT = 1024;

const PATTERN =
  /^([+-])?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
/** What `xcal:DurationValueType` accepts and rxadr writes: integers only, no weeks. */
const SCHEMA_PATTERN = /^[+-]?P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$/;

function num(text: string | undefined): number {
  return text === undefined ? 0 : Number(text.replace(',', '.'));
}


function canonical(p: Parts): string {
  const seconds = Math.round(p.seconds);
  const date = `${p.years ? `${p.years}Y` : ''}${p.months ? `${p.months}M` : ''}${p.days ? `${p.days}D` : ''}`;
  const time = `${p.hours ? `${p.hours}H` : ''}${p.minutes ? `${p.minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (date === '' && time === '') return 'PT0S';
  return `${p.negative ? '-' : ''}P${date}${time ? `T${time}` : ''}`;
}

function addMonths(epochMs: number, months: number): number {
  const d = new Date(epochMs);
  const targetMonth = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(targetMonth / 12);
  const month = ((targetMonth % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(year, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}
