import { describe, expect, it } from 'vitest';
import { type MessageOf, type OadrEvent } from '@rxadr/core';
import { reduceDistribution, type DistributionContext, type EventTable, type RejectedEvent } from '@rxadr/core/engine';
import { authorEvent, type EventSpec } from '@rxadr/testing';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const ev = (eventID: string, mod: number, extra: Partial<EventSpec> = {}): OadrEvent => authorEvent({ eventID, start: '2025-12-31T23:30:00Z', ...extra }, mod, new Date(NOW));
const distribution = (...events: OadrEvent[]): MessageOf<'oadrDistributeEvent'> => ({ type: 'oadrDistributeEvent', requestID: 'dist-9', vtnID: 'VTN', oadrEvent: events });
const ctx: DistributionContext = { now: NOW, vtnID: 'VTN', random: () => 0.5, venID: 'VEN-1', marketContexts: undefined, targets: undefined };
const known = (...events: OadrEvent[]): EventTable =>
  new Map(events.map((event) => [event.eiEvent.eventDescriptor.eventID, { event, requestID: 'dist-1', randomOffsetMs: 0, cancellation: undefined, answer: { modificationNumber: event.eiEvent.eventDescriptor.modificationNumber, optType: 'optIn' as const } }]));
const rejected = (eventID: string, modificationNumber: number): RejectedEvent => ({ eventID, modificationNumber, responseRequired: 'always', code: '460', description: 'signal not supported' });

describe('a refused new version ends the running one (rule 48, §4.6)', () => {
  it.each<[string, EventTable, OadrEvent[], RejectedEvent[], Partial<DistributionContext>, string, string | undefined]>([
    // name, known, events, rejected, context, answer code, refusal code kept on the old version
    ['462: targeted elsewhere', known(ev('a', 0)), [ev('a', 1, { targets: { venID: ['VEN-2'] } })], [], {}, '462', '462'],
    ['462: another market context', known(ev('a', 0)), [ev('a', 1, { marketContext: 'http://other' })], [], { marketContexts: new Set(['http://mock-vtn.example/programs/default']) }, '462', '462'],
    ['454: an end past year 9999', known(ev('a', 0)), [ev('a', 1, { duration: 'P999999999D', intervals: [{ duration: 'P999999999D', value: 1 }] })], [], {}, '454', '454'],
    ['460: undecodable, higher modificationNumber', known(ev('a', 0)), [], [rejected('a', 1)], {}, '460', '460'],
    ['460: undecodable, same modificationNumber keeps the version', known(ev('a', 1)), [], [rejected('a', 1)], {}, '460', undefined],
    ['450: a lower modificationNumber keeps the version (rule 58)', known(ev('a', 2)), [ev('a', 1, { targets: { venID: ['VEN-2'] } })], [], {}, '450', undefined],
  ])('%s', (_name, table, events, bad, extra, code, refused) => {
    const result = reduceDistribution(table, distribution(...events), bad, { ...ctx, ...extra });
    expect(result.outcomes.map((o) => o.code)).toEqual([code]);
    const record = result.events.get('a');
    expect(record?.event).toBe(table.get('a')?.event); // the refused version is never stored
    if (refused === undefined) expect(record?.cancellation).toBeUndefined();
    else expect(record?.cancellation).toEqual({ receivedAt: NOW, stopAt: NOW, implied: false, refused: { code: refused, description: expect.any(String) } });
  });

  it('the refused version sent again gets the same answer and leaves the ended record as it was', () => {
    const first = reduceDistribution(known(ev('a', 0)), distribution(ev('a', 1, { targets: { venID: ['VEN-2'] } })), [], ctx);
    const again = reduceDistribution(first.events, distribution(ev('a', 1, { targets: { venID: ['VEN-2'] } })), [], { ...ctx, now: NOW + 10_000 });
    expect(again.outcomes.map((o) => o.code)).toEqual(['462']);
    expect(again.events.get('a')).toBe(first.events.get('a'));
  });
});
