import { describe, expect, it } from 'vitest';
import { type MessageOf, type OadrEvent } from '@rxadr/core';
import { reduceDistribution, type EventOutcomeKind, type EventTable } from '@rxadr/core/engine';
import { authorEvent, type EventSpec } from '@rxadr/testing';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const spec = (eventID: string, extra: Partial<EventSpec> = {}): EventSpec & { eventID: string } => ({ eventID, start: '2026-01-01T01:00:00Z', ...extra });
const ev = (eventID: string, mod: number, extra: Partial<EventSpec> = {}): OadrEvent => authorEvent(spec(eventID, extra), mod, new Date(NOW));
const distribution = (...events: OadrEvent[]): MessageOf<'oadrDistributeEvent'> => ({ type: 'oadrDistributeEvent', requestID: 'dist-9', vtnID: 'VTN', oadrEvent: events });
const ctx = { now: NOW, vtnID: 'VTN', random: () => 0.5, venID: 'VEN-1', marketContexts: undefined, targets: undefined };
const known = (...events: OadrEvent[]): EventTable =>
  new Map(events.map((event) => [event.eiEvent.eventDescriptor.eventID, { event, requestID: 'dist-1', randomOffsetMs: 0, cancellation: undefined, answer: { modificationNumber: event.eiEvent.eventDescriptor.modificationNumber, optType: 'optIn' as const } }]));

describe('reduceDistribution (§4.6) as a table', () => {
  const rows: [string, EventTable, OadrEvent[], EventOutcomeKind[], string[], boolean[]][] = [
    // name, known, message events, kinds, codes, needsDecision
    ['rule 56 new', known(), [ev('a', 0)], ['new'], ['200'], [true]],
    ['rule 57 higher replaces', known(ev('a', 0)), [ev('a', 1)], ['modified'], ['200'], [true]],
    ['same = unchanged, stored answer', known(ev('a', 1)), [ev('a', 1)], ['unchanged'], ['200'], [false]],
    ['rule 58 lower → 450', known(ev('a', 2)), [ev('a', 1)], ['out-of-sequence'], ['450'], [false]],
    ['rule 59 explicit cancel', known(ev('a', 0)), [ev('a', 1, { status: 'cancelled' })], ['cancelled'], ['200'], [false]],
    ['rule 60 unknown cancelled', known(), [ev('z', 4, { status: 'cancelled' })], ['unknown-cancelled'], ['200'], [false]],
    ['already completed', known(), [ev('old', 0, { start: '2025-12-31T20:00:00Z' })], ['completed'], ['200'], [false]],
  ];
  it.each(rows)('%s', (_name, table, events, kinds, codes, decide) => {
    const result = reduceDistribution(table, distribution(...events), [], ctx);
    expect(result.outcomes.map((o) => o.kind)).toEqual(kinds);
    expect(result.outcomes.map((o) => o.code)).toEqual(codes);
    expect(result.outcomes.map((o) => o.needsDecision)).toEqual(decide);
  });

  it('rule 58 keeps the stored version', () => {
    const table = known(ev('a', 2));
    expect(reduceDistribution(table, distribution(ev('a', 1)), [], ctx).events.get('a')?.event.eiEvent.eventDescriptor.modificationNumber).toBe(2);
  });

  it('rule 61: a known event missing from the message is implicitly cancelled', () => {
    const result = reduceDistribution(known(ev('a', 0), ev('b', 0)), distribution(ev('b', 0)), [], ctx);
    expect(result.impliedCancellations).toEqual(['a']);
    expect(result.events.get('a')?.cancellation).toEqual({ receivedAt: NOW, stopAt: NOW, implied: true });
  });

  it('rule 30: the random offset is drawn once and kept unless startafter changes', () => {
    const first = reduceDistribution(new Map(), distribution(ev('a', 0, { startafter: 'PT10M' })), [], ctx).events;
    expect(first.get('a')?.randomOffsetMs).toBe(300_000);
    const same = reduceDistribution(first, distribution(ev('a', 1, { startafter: 'PT10M' })), [], { ...ctx, random: () => 0.9 }).events;
    expect(same.get('a')?.randomOffsetMs).toBe(300_000);
    const changed = reduceDistribution(first, distribution(ev('a', 2, { startafter: 'PT20M' })), [], { ...ctx, random: () => 0.9 }).events;
    expect(changed.get('a')?.randomOffsetMs).toBe(1_080_000);
  });

  it('§4.7: another vtnID refuses the whole message and changes nothing', () => {
    const table = known(ev('a', 0));
    const result = reduceDistribution(table, { ...distribution(), vtnID: 'OTHER' }, [], ctx);
    expect(result.refused?.code).toBe('452');
    expect(result.events).toBe(table);
  });

  it('rule 19: rejected events are answered and count as present', () => {
    const result = reduceDistribution(known(ev('bad', 0)), distribution(), [{ eventID: 'bad', modificationNumber: 1, responseRequired: 'always', code: '460', description: 'x' }], ctx);
    expect(result.outcomes).toMatchObject([{ eventID: 'bad', kind: 'rejected', code: '460', optType: 'optOut', respond: true }]);
    expect(result.impliedCancellations).toEqual([]);
  });
});
