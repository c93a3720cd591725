import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Duration, SIGNAL_NAMES, SIGNAL_TYPES, createVen, type OadrReport } from '@rxadr/core';
import { createMockVtn, createVirtualClock, createVtnModel, parseEventsFile, playEventSchedule, requestForOffer, vtnEventStatus, EventScheduleError } from '@rxadr/testing';

const schema = JSON.parse(readFileSync(new URL('../schema/mock-vtn-events.schema.json', import.meta.url), 'utf8')) as {
  definitions: { event: { properties: Record<string, { enum?: string[] }> } };
};

function issues(json: unknown): string[] {
  try {
    parseEventsFile(JSON.stringify(json));
  } catch (error) {
    if (error instanceof EventScheduleError) return error.issues.map((i) => `${i.path}: expected ${i.expected}, found ${i.found}`);
    throw error;
  }
  return [];
}

describe('events file (rxadr mock-vtn --events)', () => {
  it('accepts the documented object form and a bare array', () => {
    const event = { eventID: 'shed', at: 'PT5S', start: 'PT1M', duration: 'PT10M', intervals: [{ duration: 'PT5M', value: 1 }, { duration: 'PT5M', value: 2 }], modify: [{ at: 'PT30S', priority: 2 }], cancelAt: 'PT2M' };
    expect(parseEventsFile(JSON.stringify({ events: [event], reports: { request: 'none' } }))).toEqual({ events: [event], reports: { request: 'none' } });
    expect(parseEventsFile(JSON.stringify([event])).events).toEqual([event]);
    expect(parseEventsFile(JSON.stringify([{ start: '2026-07-16T21:00:00Z' }])).events).toHaveLength(1);
  });

  it('reports every problem with its JSON path, what was expected and what was found', () => {
    expect(
      issues({
        events: [
          { eventID: '', duration: '10 minutes', signalName: 'LOUD', intervals: [{ duration: 'PT5M' }], colour: 'red' },
          { priority: -1, start: 'tomorrow', modify: [{ priority: 1 }] },
        ],
        reports: { request: 'some' },
      }),
    ).toEqual([
      '$.events[0].eventID: expected a non-empty string, found ""',
      '$.events[0].duration: expected an ISO 8601 duration such as "PT30S" or "PT1H", found "10 minutes"',
      `$.events[0].signalName: expected one of ${SIGNAL_NAMES.map((n) => JSON.stringify(n)).join(', ')}, found "LOUD"`,
      '$.events[0].intervals[0].value: expected a value (required), found nothing',
      expect.stringMatching(/^\$\.events\[0\]\.colour: expected a known field \(eventID, at, start, .*\), found an unknown field$/),
      '$.events[1].priority: expected a number ≥ 0, found -1',
      '$.events[1].start: expected an offset from the event\'s creation ("PT1M") or an instant ("2026-07-16T21:00:00Z"), found "tomorrow"',
      '$.events[1].modify[0].at: expected a value (required), found nothing',
      '$.reports.request: expected one of "telemetry", "none", found "some"',
    ]);
    expect(issues([{ duration: 'PT1H', intervals: [{ duration: 'PT30M', value: 1 }] }])).toEqual(['$[0].intervals: expected intervals adding up to the duration PT1H (rule 8), found 1800 s']);
    expect(issues('[')).toEqual(['$: expected an object, found "["']);
    expect(() => parseEventsFile('{')).toThrow(/expected a JSON document/);
  });

  it("the schema's signal names and types are the codec's", () => {
    expect(schema.definitions.event.properties['signalName']?.enum).toEqual([...SIGNAL_NAMES]);
    expect(schema.definitions.event.properties['signalType']?.enum).toEqual([...SIGNAL_TYPES]);
  });

  it('plays creation, modification and cancellation on the VTN clock', () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const model = createVtnModel({ now: () => clock.date });
    const { events } = parseEventsFile(JSON.stringify([{ eventID: 'e', at: 'PT10S', start: 'PT1M', modify: [{ at: 'PT20S', priority: 3, start: '2026-01-01T01:00:00Z' }], cancelAt: 'PT30S' }]));
    const playing = playEventSchedule(model, events, clock);
    clock.advanceBy(10_000);
    expect(model.events.get('e')?.event.eiEvent.eiActivePeriod.properties.dtstart).toEqual(new Date('2026-01-01T00:01:10Z'));
    clock.advanceBy(10_000);
    expect(model.events.get('e')?.event.eiEvent.eventDescriptor).toMatchObject({ modificationNumber: 1, priority: 3 });
    expect(model.events.get('e')?.event.eiEvent.eiActivePeriod.properties.dtstart).toEqual(new Date('2026-01-01T01:00:00Z'));
    clock.advanceBy(10_000);
    expect(model.events.get('e')?.event.eiEvent.eventDescriptor).toMatchObject({ modificationNumber: 2, eventStatus: 'cancelled' });
    playing.unsubscribe();
    expect(clock.pending).toBe(0);
  });
});

describe('eventStatus on the VTN clock (OPENADR.md §4.5)', () => {
  it('is far, near (within x-eiRampUp), active, completed as the clock moves, with the same modificationNumber', async () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const vtn = createMockVtn({ scheduler: clock, pollFrequency: 'PT1M' });
    const ven = createVen({ venName: 'status-ven', transport: vtn.transport(), scheduler: clock, random: () => 0.5 });
    const seen: string[] = [];
    ven.events$.subscribe((e) => seen.push(e.vtnStatus));
    ven.start();
    vtn.model.createEvent({ eventID: 'e', start: '2026-01-01T02:00:00Z', duration: 'PT1H', rampUp: 'PT30M' });
    const statuses: string[] = [];
    for (const at of ['2026-01-01T01:00:00Z', '2026-01-01T01:45:00Z', '2026-01-01T02:10:00Z', '2026-01-01T03:10:00Z']) {
      clock.advanceTo(at);
      const event = vtn.model.distribution('VEN-1').oadrEvent?.[0];
      if (!event) throw new Error('no event distributed');
      statuses.push(`${event.eiEvent.eventDescriptor.eventStatus}#${event.eiEvent.eventDescriptor.modificationNumber}`);
    }
    expect(statuses).toEqual(['far#0', 'near#0', 'active#0', 'completed#0']);
    // What the VEN received (at creation, an hour before the ramp-up) was computed then, too.
    expect(seen[0]).toBe('far');
    await ven.stop();
    expect(clock.pending).toBe(0);
  });

  it('an open-ended event (duration PT0S, rule 47) never completes; a cancelled one stays cancelled', () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const model = createVtnModel({ now: () => clock.date });
    model.createEvent({ eventID: 'open', start: '2026-01-01T00:00:00Z', duration: 'PT0S' });
    model.createEvent({ eventID: 'gone', start: '2026-01-01T05:00:00Z' });
    model.cancelEvent('gone');
    const later = new Date('2027-01-01T00:00:00Z');
    expect(vtnEventStatus(model.events.get('open')!.event, later)).toBe('active');
    expect(vtnEventStatus(model.events.get('gone')!.event, later)).toBe('cancelled');
  });
});

describe('report requests for what the VEN offers (OPENADR.md §5.3, §5.4)', () => {
  const offer = (minPeriod: string, maxPeriod: string, reportName: OadrReport['reportName'] = 'METADATA_TELEMETRY_USAGE'): OadrReport =>
    ({
      reportSpecifierID: 'usage',
      reportName,
      duration: Duration.parse('PT2H')!,
      createdDateTime: new Date(0),
      oadrReportDescription: ['a', 'b'].map((rID) => ({ rID, reportType: 'usage', readingType: 'Direct Read', oadrSamplingRate: { oadrMinPeriod: Duration.parse(minPeriod)!, oadrMaxPeriod: Duration.parse(maxPeriod)!, oadrOnChange: false } })),
    }) as unknown as OadrReport;

  it('requests every rID at the wanted granularity clamped into the sampling rate, back duration a whole number of granularities', () => {
    expect(requestForOffer(offer('PT10S', 'PT1H'))).toEqual({ reportSpecifierID: 'usage', rIDs: ['a', 'b'], granularity: 'PT60S', reportBackDuration: 'PT60S' });
    expect(requestForOffer(offer('PT5M', 'PT1H'))).toMatchObject({ granularity: 'PT300S', reportBackDuration: 'PT300S' });
    expect(requestForOffer(offer('PT1S', 'PT10S'), { granularity: 'PT1M', reportBackDuration: 'PT25S' })).toMatchObject({ granularity: 'PT10S', reportBackDuration: 'PT30S' });
    expect(requestForOffer(offer('PT1S', 'PT1H'), { request: 'none' })).toBeUndefined();
    expect(requestForOffer(offer('PT1S', 'PT1H', 'METADATA_HISTORY_USAGE'))).toBeUndefined();
  });
});
