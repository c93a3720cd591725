import * as t from 'io-ts';
import { detached } from '../xml/detached.js';
import { Duration } from './duration.js';

/**
 * Scalar codecs: io-ts types from the text of an element to a value, and back. Each `encode`
 * writes the form the OpenADR schema accepts. `validate` accepts the lexical forms XML Schema
 * allows (OPENADR.md §9).
 */
export type Scalar<A> = t.Type<A, string, unknown> & {
  /** Fast path used by the element codecs: the value, or undefined when the text is not valid. */
  readonly parse: (text: string) => A | undefined;
};

function scalar<A>(name: string, is: (u: unknown) => u is A, parse: (text: string) => A | undefined, print: (a: A) => string): Scalar<A> {
  const type = new t.Type<A, string, unknown>(
    name,
    is,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, `expected ${name}`);
      const value = parse(u);
      return value === undefined ? t.failure(u, c, `expected ${name}`) : t.success(value);
    },
    print,
  );
  return Object.assign(type, { parse });
}

const isString = (u: unknown): u is string => typeof u === 'string';

/** xs:string, kept exactly as written (whitespace included). */
export const xsString = scalar<string>('string', isString, detached, (s) => s);

/** xs:anyURI (market contexts): whitespace-collapsed, no inner spaces. */
export const anyUri = scalar<string>(
  'anyURI',
  (u): u is string => typeof u === 'string' && !/\s/.test(u),
  (s) => {
    const v = s.trim();
    return /\s/.test(v) ? undefined : detached(v);
  },
  (s) => s,
);

/** Exact powers of ten as doubles (10^22 is the largest). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * The number written `v` when it is `[+-]?(\d+(\.\d*)?|\.\d+)`, followed, when `exponent`, by
 * an optional `[eE][+-]?\d+` (the lexical forms of xs:decimal and finite xs:float), else
 * undefined; read without a regex. With at most 15 digits and a power of ten up to 22 the value is
 * one correctly rounded IEEE operation on two exact doubles, the same double `Number(v)` gives;
 * other numbers go to `Number`.
 */
function readDecimal(v: string, exponent: boolean): number | undefined {
  let i = 0;
  let c = v.charCodeAt(0);
  const negative = c === 0x2d;
  if (negative || c === 0x2b) c = v.charCodeAt(++i);
  let digits = 0;
  let mantissa = 0;
  let scale = 0;
  while (c >= 0x30 && c <= 0x39) {
    digits++;
    mantissa = mantissa * 10 + (c - 0x30);
    c = v.charCodeAt(++i);
  }
  if (c === 0x2e) {
    c = v.charCodeAt(++i);
    while (c >= 0x30 && c <= 0x39) {
      digits++;
      scale--;
      mantissa = mantissa * 10 + (c - 0x30);
      c = v.charCodeAt(++i);
    }
  }
  if (digits === 0) return undefined;
  if (exponent && (c === 0x65 || c === 0x45)) {
    c = v.charCodeAt(++i);
    const minus = c === 0x2d;
    if (minus || c === 0x2b) c = v.charCodeAt(++i);
    const start = i;
    let e = 0;
    while (c >= 0x30 && c <= 0x39) {
      if (e < 1e6) e = e * 10 + (c - 0x30);
      c = v.charCodeAt(++i);
    }
    if (i === start) return undefined;
    scale += minus ? -e : e;
  }
  if (i !== v.length) return undefined;
  if (digits > 15 || scale > 22 || scale < -22) return Number(v);
  const magnitude = scale >= 0 ? mantissa * POWERS_OF_TEN[scale]! : mantissa / POWERS_OF_TEN[-scale]!;
  return negative ? -magnitude : magnitude;
}

/** Whether `v` is `\+?\d+` (xs:unsignedInt before its range check). */
function isUnsignedForm(v: string): boolean {
  let i = v.charCodeAt(0) === 0x2b ? 1 : 0;
  if (i === v.length) return false;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** xs:float / xs:double: `1`, `1.5`, `-2E3`, `INF`, `-INF`, `NaN`. */
export const xsFloat = scalar<number>(
  'float',
  (u): u is number => typeof u === 'number',
  (s) => {
    const v = s.trim();
    if (v === 'INF' || v === '+INF') return Infinity;
    if (v === '-INF') return -Infinity;
    if (v === 'NaN') return NaN;
    return readDecimal(v, true);
  },
  (n) => (Number.isNaN(n) ? 'NaN' : n === Infinity ? 'INF' : n === -Infinity ? '-INF' : String(n)),
);

/** xs:decimal (hertz, voltage): no exponent, no INF/NaN. */
export const xsDecimal = scalar<number>(
  'decimal',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (s) => {
    const v = s.trim();
    return readDecimal(v, false);
  },
  (n) => {
    const text = String(n);
    if (!/e/i.test(text)) return text;
    return Number.isInteger(n) ? BigInt(n).toString() : n.toFixed(20).replace(/\.?0+$/, '');
  },
);

const isUInt = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 4_294_967_295;

/** xs:unsignedInt: 0 … 4294967295. */
export const unsignedInt = scalar<number>(
  'unsignedInt',
  isUInt,
  (s) => {
    const v = s.trim();
    if (!isUnsignedForm(v)) return undefined;
    const n = Number(v);
    return isUInt(n) ? n : undefined;
  },
  (n) => String(n),
);

/** `ei:confidence`: unsignedInt 0 … 100. */
export const confidence = scalar<number>(
  'integer 0-100',
  (u): u is number => isUInt(u) && u <= 100,
  (s) => {
    const n = unsignedInt.parse(s);
    return n !== undefined && n <= 100 ? n : undefined;
  },
  (n) => String(n),
);

/** xs:boolean: `true|false|1|0` in, `true|false` out. */
export const xsBoolean = scalar<boolean>(
  'boolean',
  (u): u is boolean => typeof u === 'boolean',
  (s) => {
    const v = s.trim();
    return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : undefined;
  },
  (b) => (b ? 'true' : 'false'),
);

/** `ei:responseCode`: exactly three digits. */
export const responseCode = scalar<string>(
  'three-digit response code',
  (u): u is string => typeof u === 'string' && /^\d{3}$/.test(u),
  (s) => (/^\d{3}$/.test(s.trim()) ? s.trim() : undefined),
  (s) => s,
);

const DATE_TIME = /^([+-]?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * `xcal:date-time` to an exact instant. Accepts `Z`, a numeric offset, or no zone at all — a value
 * without a zone is read as UTC (the schema's own examples and every VTN surveyed mean UTC).
 * Always written as UTC with `Z`, with milliseconds only when they are not zero.
 */
export const dateTime = scalar<Date>(
  'date-time',
  (u): u is Date => u instanceof Date && !Number.isNaN(u.getTime()),
  (s) => {
    const m = DATE_TIME.exec(s.trim());
    if (!m) return undefined;
    const [, y, mo, d, h, mi, sec, frac, zone] = m;
    const month = Number(mo);
    const day = Number(d);
    const hour = Number(h);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || Number(mi) > 59 || Number(sec) > 60) return undefined;
    const ms = frac ? Math.round(Number(`0${frac}`) * 1000) : 0;
    const year = Number(y);
    if (day > daysInMonth(year, month)) return undefined;
    let epoch = Date.UTC(year, month - 1, day, hour, Number(mi), Number(sec), ms);
    if (zone && zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      epoch -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    }
    return Number.isNaN(epoch) ? undefined : new Date(epoch);
  },
  (date) => {
    const iso = date.toISOString();
    return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
  },
);

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `xcal:DurationValueType` to a `Duration`, written back in a schema-valid form. */
export const duration = scalar<Duration>(
  'duration',
  (u): u is Duration => u instanceof Duration,
  (s) => Duration.parse(s),
  (d) => d.text,
);

/** An xs:token enumeration; with `extensible`, also any `x-` token (`ei:EiExtensionTokenType`). */
export function enumeration<const V extends string>(name: string, values: readonly V[], extensible: false): Scalar<V>;
export function enumeration<const V extends string>(name: string, values: readonly V[], extensible: true): Scalar<V | `x-${string}`>;
export function enumeration<const V extends string>(name: string, values: readonly V[], extensible: boolean): Scalar<string> {
  // Each value to its own constant, which a read returns instead of the text (a view into the document).
  const known = new Map<string, string>(values.map((v) => [v, v]));
  const ok = (v: string): boolean => known.has(v) || (extensible && /^x-\S/.test(v));
  return scalar<string>(
    extensible ? `${name} (${values.join('|')} or x-…)` : `${name} (${values.join('|')})`,
    (u): u is string => typeof u === 'string' && ok(u),
    (s) => {
      const v = s.trim().replace(/\s+/g, ' ');
      return known.get(v) ?? (extensible && /^x-\S/.test(v) ? detached(v) : undefined);
    },
    (s) => s,
  );
}

/** A fixed token, e.g. `itemDescription` of `power:powerReal` is always `RealPower`. */
export function fixedToken<const V extends string>(value: V): Scalar<V> {
  return enumeration(`'${value}'`, [value], false);
}

/** ISO 4217 alphabetic currency code (three upper-case letters). */
export const currencyCode = scalar<string>(
  'ISO 4217 currency code',
  (u): u is string => typeof u === 'string' && /^[A-Z]{3}$/.test(u),
  (s) => (/^[A-Z]{3}$/.test(s.trim()) ? s.trim() : undefined),
  (s) => s,
);

/** `gml:doubleList`: whitespace-separated doubles. */
export const doubleList = scalar<number[]>(
  'list of numbers',
  (u): u is number[] => Array.isArray(u) && u.every((n) => typeof n === 'number'),
  (s) => {
    const parts = s.trim() === '' ? [] : s.trim().split(/\s+/);
    const out: number[] = [];
    for (const p of parts) {
      const n = xsFloat.parse(p);
      if (n === undefined) return undefined;
      out.push(n);
    }
    return out;
  },
  (list) => list.map((n) => xsFloat.encode(n)).join(' '),
);

/** xs:ID / xs:NCName (gml:id): a name without colons that does not start with a digit, '-' or '.'. */
export const ncName = scalar<string>(
  'NCName',
  (u): u is string => typeof u === 'string' && /^[A-Za-z_][\w.-]*$/u.test(u),
  (s) => (/^[A-Za-z_][\w.-]*$/u.test(s.trim()) ? detached(s.trim()) : undefined),
  (s) => s,
);
