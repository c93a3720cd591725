import { BehaviorSubject } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createReports, createVen, telemetryUsage } from '@rxadr/core';
import { createMockVtn, createSchemaCheck, createVirtualClock, createVtnReportSide, withNodeTimerLimits } from '@rxadr/testing';

const sent = createSchemaCheck();
afterAll(() => sent.assertAllValid());
const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('a report request that starts far ahead', () => {
  it('waits 40 days in steps Node can hold (no TimeoutOverflowWarning, no busy loop), then reports on time', async () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const node = withNodeTimerLimits(clock);
    const vtn = createMockVtn({ scheduler: clock, pollFrequency: 'PT1H' });
    const side = createVtnReportSide();
    vtn.model.reports = side;
    const power$ = new BehaviorSubject(1500);
    const reports = createReports({ reports: [telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: power$, samplingRate: { min: 'PT1M', max: 'PT1H' } })] });
    const ven = createVen({ venName: 'far-report', transport: vtn.transport(), scheduler: node, reports, random: () => 0.5 });
    ven.start();
    const venID = ven.registration!.venID;
    const start = clock.now() + 40 * DAY;
    side.requestReport(venID, { reportRequestID: 'rr-far', reportSpecifierID: 'telemetry-usage', rIDs: ['meter-1/powerReal'], granularity: 'PT1H', reportBackDuration: 'PT1H', start: new Date(start), duration: 'PT2H' });
    clock.advanceBy(HOUR + 1_000);
    expect(vtn.recorder.messages('oadrCreatedReport').map((m) => m.oadrPendingReports)).toEqual([['rr-far']]);
    // A delay above 2^31−1 ms would run after 1 ms under Node and warn each time it is re-armed.
    expect(node.overflows).toBe(0);
    const before = node.delays.length;
    clock.advanceBy(DAY);
    expect(node.delays.length - before).toBeLessThan(30); // the hourly polls and a few steps, not a loop

    clock.advanceTo(start + HOUR - 1);
    expect(vtn.recorder.messages('oadrUpdateReport')).toEqual([]);
    clock.advanceTo(start + 2 * HOUR);
    const intervals = vtn.recorder.messages('oadrUpdateReport').flatMap((u) => (u.oadrReport ?? []).flatMap((r) => r.intervals ?? []));
    expect(intervals.map((iv) => [iv.dtstart!.getTime() - start, iv.duration!.toMillis()])).toEqual([
      [0, HOUR],
      [HOUR, HOUR],
    ]);
    expect(node.overflows).toBe(0);
    await ven.stop();
    vtn.recorder.requests.forEach((r, i) => sent.add(`far-report#${i}:${r.message?.type ?? '?'}`, r.xml));
    expect(clock.pending).toBe(0);
  });

  it('requests reaching past year 9999 are refused with 454 each; the good one in the same message runs', async () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const vtn = createMockVtn({ scheduler: clock });
    const side = createVtnReportSide();
    vtn.model.reports = side;
    const power$ = new BehaviorSubject(1500);
    const reports = createReports({ reports: [telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: power$, samplingRate: { min: 'PT1M', max: 'PT1H' } })] });
    const ven = createVen({ venName: 'range-report', transport: vtn.transport(), scheduler: clock, reports, random: () => 0.5 });
    const errors: unknown[] = [];
    ven.errors$.subscribe((e) => errors.push(e));
    ven.start();
    const venID = ven.registration!.venID;
    const rIDs = ['meter-1/powerReal'];
    side.requestReport(
      venID,
      { reportRequestID: 'rr-good', reportSpecifierID: 'telemetry-usage', rIDs, granularity: 'PT1M', reportBackDuration: 'PT1M' },
      { reportRequestID: 'rr-back', reportSpecifierID: 'telemetry-usage', rIDs, granularity: 'PT1M', reportBackDuration: 'P999999999D' },
      { reportRequestID: 'rr-long', reportSpecifierID: 'telemetry-usage', rIDs, granularity: 'PT1M', reportBackDuration: 'PT1M', start: new Date(clock.now()), duration: 'P999999999D' },
      { reportRequestID: 'rr-10000', reportSpecifierID: 'telemetry-usage', rIDs, granularity: 'PT1M', reportBackDuration: 'PT1M', start: new Date('+010000-01-01T00:00:00Z'), duration: 'PT1H' },
    );
    clock.advanceBy(10_000);
    const [created] = vtn.recorder.messages('oadrCreatedReport');
    expect(created?.eiResponse.responseCode).toBe('454');
    for (const id of ['rr-back', 'rr-long', 'rr-10000']) expect(created?.eiResponse.responseDescription).toContain(`${id}: `);
    expect(created?.eiResponse.responseDescription).toContain('outside years 0001–9999');
    expect(created?.oadrPendingReports).toEqual(['rr-good']);
    clock.advanceBy(2 * 60_000);
    const delivered = vtn.recorder.messages('oadrUpdateReport').flatMap((u) => (u.oadrReport ?? []).map((r) => r.reportRequestID));
    expect(new Set(delivered)).toEqual(new Set(['rr-good']));
    await ven.stop();
    vtn.recorder.requests.forEach((r, i) => sent.add(`range-report#${i}:${r.message?.type ?? '?'}`, r.xml));
    expect(clock.pending).toBe(0);
  });
});
