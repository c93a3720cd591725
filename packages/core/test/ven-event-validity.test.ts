import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { EMPTY_VEN_STATE, createMemoryStore, createVen, encodeMessage, optIn, type OadrEvent, type VenOptions } from '@rxadr/core';
import { authorEvent, createMockVtn, createVirtualClock } from '@rxadr/testing';
import { collect, venTestBench } from './ven-test-bench.js';

const bench = venTestBench();
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

function setup(name: string, options: Partial<VenOptions> = {}) {
  const clock = createVirtualClock(T0);
  const vtn = createMockVtn({ scheduler: clock });
  const ven = createVen({ venName: 'validity', transport: vtn.transport(), scheduler: clock, random: () => 0.5, decide: (e$) => e$.pipe(map(optIn)), ...options });
  const snapshots = collect(ven.events$);
  const { errors, poll } = bench.track(name, clock, vtn, ven);
  ven.start();
  vtn.recorder.clear();
  const venID = ven.registration!.venID;
  const responses = () => vtn.recorder.messages('oadrCreatedEvent').flatMap((c) => c.eiCreatedEvent.eventResponses ?? []);
  const answers = () => responses().map((r) => [r.qualifiedEventID.eventID, r.qualifiedEventID.modificationNumber, r.responseCode, r.optType]);
  /** Queues an oadrDistributeEvent of `events` whose XML is changed by `patch` (values our own encoder refuses to write). */
  const distributeRaw = (events: OadrEvent[], patch: (xml: string) => string): void => {
    const xml = encodeMessage({ type: 'oadrDistributeEvent', requestID: 'dist-raw', vtnID: vtn.model.vtnID, oadrEvent: events });
    vtn.model.enqueue(venID, { raw: patch(xml) });
  };
  const statuses = (eventID: string) => snapshots.filter((s) => s.eventID === eventID).map((s) => `${s.modificationNumber}:${s.status}`);
  return { clock, vtn, ven, venID, errors, snapshots, poll, responses, answers, distributeRaw, statuses };
}

const author = (eventID: string, spec: Partial<Parameters<typeof authorEvent>[0]> = {}, modificationNumber = 0): OadrEvent =>
  authorEvent({ eventID, start: at(60), ...spec }, modificationNumber, new Date(T0));

describe('values beyond what the model or the XSD can hold are refused per event (§8 454, §9)', () => {
  it('one batch: each bad event is answered on its own, the good one normally, in one schema-valid oadrCreatedEvent', () => {
    const { poll, answers, responses, distributeRaw, snapshots, errors } = setup('mixed-batch');
    distributeRaw(
      [
        author('good'),
        author('huge-mod', {}, 777),
        author('long', { duration: 'P999999999D', intervals: [{ duration: 'P999999999D', value: 1 }] }),
        author('year-10000', { start: '2026-03-03T00:00:00Z' }),
        author('bad-type', { signalType: 'delta' }),
        author('bad-priority', { priority: 5 }),
      ],
      (xml) =>
        xml
          .replace('<ei:modificationNumber>777<', '<ei:modificationNumber>4294967296<')
          .replace('2026-03-03T00:00:00Z', '10000-03-03T00:00:00Z')
          .replace('<ei:signalType>delta<', '<ei:signalType>x-notASignalType<')
          .replace('<ei:priority>5<', '<ei:priority>-1<'),
    );
    poll();
    expect(answers()).toEqual(
      expect.arrayContaining([
        ['good', 0, '200', 'optIn'],
        ['huge-mod', 4294967295, '454', 'optOut'],
        ['long', 0, '454', 'optOut'],
        ['year-10000', 0, '454', 'optOut'],
        ['bad-type', 0, '460', 'optOut'],
        ['bad-priority', 0, '454', 'optOut'],
      ]),
    );
    expect(answers()).toHaveLength(6);
    const byID = new Map(responses().map((r) => [r.qualifiedEventID.eventID, r.responseDescription ?? '']));
    expect(byID.get('huge-mod')).toContain('"4294967296" is not an xs:unsignedInt');
    expect(byID.get('long')).toContain('P999999999D');
    expect(byID.get('year-10000')).toMatch(/outside years 0001–9999/);
    expect(byID.get('bad-type')).toContain('signal not supported: "x-notASignalType"');
    // Only the good event reaches the user, with dates that can be written.
    expect([...new Set(snapshots.map((s) => s.eventID))]).toEqual(['good']);
    expect(errors.filter((e) => e.code === 'event-rejected').map((e) => [e.eventID, e.responseCode])).toEqual(
      expect.arrayContaining([
        ['long', '454'],
        ['year-10000', '454'],
        ['huge-mod', '454'],
        ['bad-type', '460'],
        ['bad-priority', '454'],
      ]),
    );
  });

  it('a duration that ends past the last representable instant is refused, not scheduled with an end of NaN', () => {
    const { vtn, poll, answers, snapshots } = setup('end-overflow');
    vtn.model.createEvent({ eventID: 'endless', start: at(60), duration: 'P3000000D', intervals: [{ duration: 'P3000000D', value: 1 }] });
    vtn.model.createEvent({ eventID: 'ramp', start: at(60), rampUp: 'P999999999D' });
    vtn.model.createEvent({ eventID: 'fine', start: at(60), duration: 'P3000D', intervals: [{ duration: 'P3000D', value: 1 }] });
    poll();
    expect(answers()).toEqual(expect.arrayContaining([['endless', 0, '454', 'optOut'], ['ramp', 0, '454', 'optOut'], ['fine', 0, '200', 'optIn']]));
    expect(snapshots.every((s) => [s.start, s.end, s.nearFrom, s.at].every((d) => d === undefined || Number.isFinite(d.getTime())))).toBe(true);
    expect([...new Set(snapshots.map((s) => s.eventID))]).toEqual(['fine']);
  });
});

describe('a state file written before ranges were checked', () => {
  it('drops a stored event whose end cannot be represented; the other stored event is restored', () => {
    const record = (event: OadrEvent) => ({ event, requestID: 'dist-old', randomOffsetMs: 0, cancellation: undefined, answer: { modificationNumber: 0, optType: 'optIn' as const } });
    const store = createMemoryStore({
      ...EMPTY_VEN_STATE,
      events: [record(author('stored-forever', { start: at(1), duration: 'P999999999D', intervals: [{ duration: 'P999999999D', value: 1 }] })), record(author('stored-hour', { start: at(1) }))],
    });
    const { clock, snapshots } = setup('restore-range', { store });
    clock.advanceBy(2 * 60_000);
    expect([...new Set(snapshots.map((s) => s.eventID))]).toEqual(['stored-hour']);
    // Restored and scheduled (the mock VTN, not knowing it, then cancels it implicitly, rule 61).
    expect(snapshots.filter((s) => s.eventID === 'stored-hour').map((s) => s.status)).toEqual(['far', 'cancelled']);
  });
});

describe('a refused modification ends the version the VEN runs (rule 48, §4.6)', () => {
  it('a new version targeted elsewhere (462) cancels the running one at once and stops its timers', () => {
    const { clock, vtn, poll, answers, statuses, snapshots } = setup('refused-target', { targets: { resourceID: ['r1'] } });
    vtn.model.createEvent({ eventID: 'e', start: at(1), duration: 'PT1H', targets: { resourceID: ['r1'] } });
    poll();
    clock.advanceBy(60_000);
    expect(statuses('e').at(-1)).toBe('0:active');
    vtn.model.modifyEvent('e', { targets: { resourceID: ['r2'] } });
    poll();
    expect(answers()).toEqual([
      ['e', 0, '200', 'optIn'],
      ['e', 1, '462', 'optOut'],
    ]);
    expect(statuses('e').at(-1)).toBe('0:cancelled');
    const last = snapshots.filter((s) => s.eventID === 'e').at(-1)!;
    expect(last.cancelled).toBe(true);
    // The old version would have completed within the hour: no timer of it is left to say so.
    const count = snapshots.length;
    clock.advanceBy(2 * 3_600_000);
    expect(snapshots.slice(count).filter((s) => s.eventID === 'e')).toEqual([]);
    // The VTN keeps sending the refused version (rule 50): answered 462 again, never re-adopted.
    expect(answers().filter(([id, mod]) => id === 'e' && mod === 1).every((a) => a[2] === '462')).toBe(true);
  });

  it('a new version that cannot be represented (454) ends the old one too; a later valid version runs again', () => {
    const { clock, vtn, poll, answers, statuses } = setup('refused-range');
    vtn.model.createEvent({ eventID: 'e', start: at(1), duration: 'PT1H' });
    poll();
    vtn.model.modifyEvent('e', { duration: 'P999999999D', intervals: [{ duration: 'P999999999D', value: 1 }] });
    poll();
    expect(answers().slice(0, 2)).toEqual([
      ['e', 0, '200', 'optIn'],
      ['e', 1, '454', 'optOut'],
    ]);
    expect(statuses('e').at(-1)).toBe('0:cancelled');
    vtn.model.modifyEvent('e', { duration: 'PT2H', intervals: [{ duration: 'PT2H', value: 2 }] });
    poll();
    expect(answers().at(-1)).toEqual(['e', 2, '200', 'optIn']);
    clock.advanceBy(60_000);
    expect(statuses('e').at(-1)).toBe('2:active');
  });

  it('an undecodable new version (460) ends the old one', () => {
    const { vtn, poll, answers, statuses, distributeRaw } = setup('refused-decode');
    vtn.model.createEvent({ eventID: 'e', start: at(1), duration: 'PT1H' });
    poll();
    distributeRaw([author('e', { start: at(1), signalType: 'delta' }, 1)], (xml) => xml.replace('<ei:signalType>delta<', '<ei:signalType>x-unknownType<'));
    poll();
    expect(answers().slice(0, 2)).toEqual([
      ['e', 0, '200', 'optIn'],
      ['e', 1, '460', 'optOut'],
    ]);
    expect(statuses('e').at(-1)).toBe('0:cancelled');
  });
});

describe('target checking is on by default (rule 48, §4.4)', () => {
  it('without configured targets the VEN compares venID criteria with its own venID; other kinds pass', () => {
    const { vtn, venID, poll, answers, errors } = setup('default-targets');
    vtn.model.createEvent({ eventID: 'other-ven', start: at(60), targets: { venID: ['SOMEONE-ELSE'] } });
    vtn.model.createEvent({ eventID: 'own-ven', start: at(60), targets: { venID: ['SOMEONE-ELSE', venID] } });
    vtn.model.createEvent({ eventID: 'resource', start: at(60), targets: { venID: ['SOMEONE-ELSE'], resourceID: ['r9'] } });
    vtn.model.createEvent({ eventID: 'anyone', start: at(60) });
    poll();
    const last = new Map(answers().map(([id, , code]) => [id, code]));
    expect(Object.fromEntries(last)).toEqual({ 'other-ven': '462', 'own-ven': '200', resource: '200', anyone: '200' });
    expect(errors.filter((e) => e.code === 'event-rejected').map((e) => e.eventID)).toContain('other-ven');
  });
});
