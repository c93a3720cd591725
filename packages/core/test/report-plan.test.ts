import { describe, expect, it } from 'vitest';
import { coverEndMs, intervalBounds, isFinal, nextDeliveryMs, nextSampleMs, type RequestRecord } from '../src/engine.js';
import { requestRecord } from './request-record.js';

const S = Date.parse('2026-01-01T12:00:00Z');
const MIN = 60_000;

const record = (fields: Partial<RequestRecord>): RequestRecord => requestRecord(S, fields);

/** Every report of a request, as [due, from, to, final], up to `limit` reports. */
function walk(start: RequestRecord, limit = 20): Array<[number, number, number, boolean]> {
  let r = start;
  const out: Array<[number, number, number, boolean]> = [];
  for (let i = 0; i < limit; i++) {
    const due = nextDeliveryMs(r);
    if (due === undefined) break;
    const to = coverEndMs(r, due);
    const final = isFinal(r, to);
    out.push([(due - S) / MIN, (r.cursorMs - S) / MIN, (to - S) / MIN, final]);
    if (final) break;
    r = { ...r, cursorMs: to };
  }
  return out;
}

/** Windows follow each other without gap or overlap. */
function contiguous(windows: Array<[number, number, number, boolean]>): boolean {
  return windows.every(([, from], i) => i === 0 || from === windows[i - 1]![2]);
}

describe('report windows (§5.4)', () => {
  it('periodic PT1M/PT5M in a one-hour window: 12 reports of 5 one-minute intervals, the last at the end', () => {
    const windows = walk(record({ endMs: S + 60 * MIN }));
    expect(windows).toHaveLength(12);
    expect(windows[0]).toEqual([5, 0, 5, false]);
    expect(windows[11]).toEqual([60, 55, 60, true]);
    expect(contiguous(windows)).toBe(true);
    expect(intervalBounds(record({}), S, S + 5 * MIN).map(([a, b]) => [(a - S) / MIN, (b - S) / MIN])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
    ]);
  });

  it('periodic PT2S/PT2S until cancelled never ends', () => {
    const windows = walk(record({ granularityMs: 2000, reportBackMs: 2000 }), 50);
    expect(windows).toHaveLength(50);
    expect(windows.every(([due, from, to, final], i) => Math.round(from * 30) === i && Math.round(to * 30) === i + 1 && due === to && !final)).toBe(true);
    expect(contiguous(windows)).toBe(true);
  });

  it('a window that does not divide evenly ends with a shorter interval at its end', () => {
    const windows = walk(record({ granularityMs: 2 * MIN, reportBackMs: 5 * MIN, endMs: S + 11 * MIN }));
    // At minute 5 the intervals [0,2) and [2,4) are complete; [4,6) goes out at 10 with [6,8) and [8,10).
    expect(windows).toEqual([
      [5, 0, 4, false],
      [10, 4, 10, false],
      [11, 10, 11, true],
    ]);
  });

  it('granularity longer than reportBackDuration waits for a complete interval', () => {
    const windows = walk(record({ granularityMs: 5 * MIN, reportBackMs: 2 * MIN }), 3);
    expect(windows).toEqual([
      [6, 0, 5, false],
      [10, 5, 10, false],
      [16, 10, 15, false],
    ]);
  });

  it('a start in the future: nothing before it, first report one reportBackDuration after it', () => {
    const windows = walk(record({ startMs: S + 30 * MIN, receivedMs: S, endMs: S + 40 * MIN }));
    expect(windows).toEqual([
      [35, 30, 35, false],
      [40, 35, 40, true],
    ]);
    expect(nextSampleMs(record({ startMs: S + 30 * MIN, endMs: S + 40 * MIN }), S)).toBe(S + 31 * MIN);
  });

  it('on change (granularity 0): windows of reportBackDuration', () => {
    const windows = walk(record({ granularityMs: 0, reportBackMs: MIN, endMs: S + 3 * MIN }));
    expect(windows).toEqual([
      [1, 0, 1, false],
      [2, 1, 2, false],
      [3, 2, 3, true],
    ]);
    expect(nextSampleMs(record({ granularityMs: 0 }), S)).toBeUndefined();
    expect(intervalBounds(record({ granularityMs: 0 }), S, S + MIN)).toEqual([[S, S + MIN]]);
  });

  it('one-shot: one report at arrival', () => {
    expect(walk(record({ shape: 'one-shot', reportBackMs: 0, granularityMs: 0, receivedMs: S + 7 * MIN, startMs: S + 7 * MIN }))).toEqual([[7, 7, 7, true]]);
  });

  it('historical: one report covering exactly the window, due at its end', () => {
    expect(walk(record({ shape: 'historical', reportBackMs: 0, startMs: S - 120 * MIN, endMs: S - 60 * MIN, granularityMs: 15 * MIN }))).toEqual([[-60, -120, -60, true]]);
    expect(intervalBounds(record({ startMs: S - 120 * MIN, granularityMs: 15 * MIN }), S - 120 * MIN, S - 60 * MIN)).toHaveLength(4);
  });

  it('cancel with reportToFollow: one final report up to the cancel, the last interval cut there', () => {
    const cancelled = record({ cursorMs: S + 5 * MIN, toFollow: true, endMs: S + 7.5 * MIN });
    expect(walk(cancelled)).toEqual([[7.5, 5, 7.5, true]]);
    expect(intervalBounds(cancelled, S + 5 * MIN, S + 7.5 * MIN).map(([a, b]) => (b - a) / MIN)).toEqual([1, 1, 0.5]);
    expect(nextSampleMs(cancelled, S + 7.2 * MIN)).toBe(S + 7.5 * MIN);
  });

  it('cancel with reportToFollow before the start: one empty final report at once', () => {
    expect(walk(record({ startMs: S + 30 * MIN, cursorMs: S + 30 * MIN, toFollow: true, endMs: S }))).toEqual([[0, 30, 30, true]]);
  });

  it('catch-up after a restart: every missed window, in order, then on schedule', () => {
    const windows = walk(record({ cursorMs: S + 10 * MIN }), 4);
    expect(windows).toEqual([
      [15, 10, 15, false],
      [20, 15, 20, false],
      [25, 20, 25, false],
      [30, 25, 30, false],
    ]);
  });

  it('samples are taken at interval ends, the last at the request end', () => {
    const r = record({ endMs: S + 2.5 * MIN });
    expect([nextSampleMs(r, S), nextSampleMs(r, S + MIN + 1), nextSampleMs(r, S + 2 * MIN + 1), nextSampleMs(r, S + 3 * MIN)]).toEqual([S + MIN, S + 2 * MIN, S + 2.5 * MIN, undefined]);
  });
});
