import { describe, expect, it } from 'vitest';
import { Duration } from '../src/index.js';
import { confidence, dateTime, duration, responseCode, unsignedInt, xsBoolean, xsDecimal, xsFloat } from '../src/codec/scalars.js';

describe('Duration', () => {
  it.each([
    ['PT15M', 'PT15M', 900_000],
    ['PT1H30M', 'PT1H30M', 5_400_000],
    ['P1D', 'P1D', 86_400_000],
    ['PT0S', 'PT0S', 0],
    ['PT0M', 'PT0M', 0],
    ['PT', 'PT', 0],
    ['P2W', 'P14D', 14 * 86_400_000],
    ['PT1.5S', 'PT2S', 1500],
    ['-PT5M', '-PT5M', -300_000],
    ['+PT5M', '+PT5M', 300_000],
  ])('%s keeps a schema-valid text (%s) and measures %d ms', (input, text, ms) => {
    const d = Duration.parse(input)!;
    expect(d.text).toBe(text);
    expect(d.toMillis()).toBe(ms);
  });

  it.each(['', 'P', '15M', 'PT1H2', 'P1.5D', 'PTXS'])('rejects %j', (input) => {
    expect(Duration.parse(input)).toBeUndefined();
  });

  it('adds calendar months and years exactly, clamping the day of month', () => {
    const jan31 = new Date('2024-01-31T10:00:00Z');
    expect(Duration.parse('P1M')!.addTo(jan31).toISOString()).toBe('2024-02-29T10:00:00.000Z');
    expect(Duration.parse('P1Y1M')!.addTo(jan31).toISOString()).toBe('2025-02-28T10:00:00.000Z');
    expect(Duration.parse('-P1M')!.addTo(new Date('2024-03-31T00:00:00Z')).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(Duration.parse('P1MT1H')!.addTo(new Date('2024-12-15T23:30:00Z')).toISOString()).toBe('2025-01-16T00:30:00.000Z');
  });

  it('knows zero and exact durations, and builds from parts and milliseconds', () => {
    expect(Duration.parse('PT0M')!.isZero).toBe(true);
    expect(Duration.parse('P1M')!.isExact).toBe(false);
    expect(Duration.of({ hours: 1, minutes: 30 }).text).toBe('PT1H30M');
    expect(Duration.fromMillis(90_061_000).text).toBe('P1DT1H1M1S');
    expect(Duration.fromMillis(0).text).toBe('PT0S');
    expect(JSON.stringify({ d: Duration.parse('PT1M') })).toBe('{"d":"PT1M"}');
  });
});

describe('scalars', () => {
  it('reads date-times with Z, offsets, fractions and no zone (UTC), writes UTC with Z', () => {
    expect(dateTime.parse('2024-07-16T12:00:00Z')?.toISOString()).toBe('2024-07-16T12:00:00.000Z');
    expect(dateTime.parse('2024-07-16T12:00:00+04:00')?.toISOString()).toBe('2024-07-16T08:00:00.000Z');
    expect(dateTime.parse('2024-07-16T12:00:00-05:30')?.toISOString()).toBe('2024-07-16T17:30:00.000Z');
    expect(dateTime.parse('2024-07-16T12:00:00')?.toISOString()).toBe('2024-07-16T12:00:00.000Z');
    expect(dateTime.parse('2024-07-16T12:00:00.5Z')?.toISOString()).toBe('2024-07-16T12:00:00.500Z');
    expect(dateTime.encode(new Date('2024-07-16T12:00:00.000Z'))).toBe('2024-07-16T12:00:00Z');
    expect(dateTime.encode(new Date('2024-07-16T12:00:00.250Z'))).toBe('2024-07-16T12:00:00.250Z');
    for (const bad of ['2024-02-30T00:00:00Z', '2024-07-16', '2024-07-16 12:00:00Z', '2024-07-16T12:00Z', 'yesterday']) {
      expect(dateTime.parse(bad), bad).toBeUndefined();
    }
  });

  it('reads xs:float forms including INF and NaN and writes them back', () => {
    expect(xsFloat.parse('1')).toBe(1);
    expect(xsFloat.parse(' -2E3 ')).toBe(-2000);
    expect(xsFloat.parse('.5')).toBe(0.5);
    expect(xsFloat.parse('INF')).toBe(Infinity);
    expect(Number.isNaN(xsFloat.parse('NaN'))).toBe(true);
    expect(xsFloat.parse('1,5')).toBeUndefined();
    expect(xsFloat.parse('0x10')).toBeUndefined();
    expect(xsFloat.encode(-Infinity)).toBe('-INF');
    expect(xsDecimal.encode(1e21)).toBe('1000000000000000000000');
    expect(xsDecimal.parse('1e3')).toBeUndefined();
  });

  it('checks ranges: unsignedInt, confidence 0-100, three-digit response codes, booleans', () => {
    expect(unsignedInt.parse('4294967295')).toBe(4294967295);
    expect(unsignedInt.parse('4294967296')).toBeUndefined();
    expect(unsignedInt.parse('-1')).toBeUndefined();
    expect(confidence.parse('100')).toBe(100);
    expect(confidence.parse('101')).toBeUndefined();
    expect(responseCode.parse('200')).toBe('200');
    expect(responseCode.parse('2000')).toBeUndefined();
    expect(xsBoolean.parse('1')).toBe(true);
    expect(xsBoolean.parse('0')).toBe(false);
    expect(xsBoolean.parse('yes')).toBeUndefined();
    expect(duration.is(Duration.ZERO)).toBe(true);
  });
});

describe('number forms, read without a regex', () => {
  // Every string of up to five characters over the ones that matter, against the XML Schema patterns.
  const alphabet = ['', '+', '-', '.', 'e', 'E', '0', '7', ' ', 'x'];
  const strings = new Set<string>();
  const grow = (prefix: string, left: number): void => {
    strings.add(prefix);
    if (left > 0) for (const c of alphabet) if (c !== '') grow(prefix + c, left - 1);
  };
  grow('', 5);

  it('accepts exactly the xs:float, xs:decimal and xs:unsignedInt forms', () => {
    const float = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
    const decimal = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
    const unsigned = /^\+?\d+$/;
    const wrong: string[] = [];
    for (const s of strings) {
      const v = s.trim();
      if (!Object.is(xsFloat.parse(s), float.test(v) ? Number(v) : undefined)) wrong.push(`float ${JSON.stringify(s)}`);
      if (!Object.is(xsDecimal.parse(s), decimal.test(v) ? Number(v) : undefined)) wrong.push(`decimal ${JSON.stringify(s)}`);
      if (!Object.is(unsignedInt.parse(s), unsigned.test(v) ? Number(v) : undefined)) wrong.push(`unsignedInt ${JSON.stringify(s)}`);
    }
    expect(strings.size).toBeGreaterThan(50_000);
    expect(wrong).toEqual([]);
  });

  it('reads the same double as Number() for decimals of every length and scale', () => {
    // A fixed linear congruential sequence: the same cases on every run.
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const wrong: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      const digits = Array.from({ length: 1 + next(19) }, () => String(next(10))).join('');
      const point = next(digits.length + 1);
      let text = `${['', '-', '+'][next(3)]}${digits.slice(0, point)}.${digits.slice(point)}`;
      if (text.endsWith('.') && next(2) === 0) text = text.slice(0, -1);
      if (/^[+-]?\.$/.test(text)) continue;
      const withExponent = next(2) === 0 ? `${text}e${next(2) ? '-' : ''}${next(30)}` : text;
      if (!Object.is(xsFloat.parse(withExponent), Number(withExponent))) wrong.push(withExponent);
      if (!Object.is(xsDecimal.parse(text), Number(text))) wrong.push(text);
    }
    expect(wrong).toEqual([]);
  });
});
