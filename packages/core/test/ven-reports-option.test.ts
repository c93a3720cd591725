import { BehaviorSubject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockVtn, createVirtualClock, createVtnReportSide } from '@rxadr/testing';
import { VenError, createVen, isMessage, telemetryUsage, type Ven } from '../src/index.js';

let running: Ven | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('createVen({ reports })', () => {
  it('takes a plain list of capabilities and offers them as METADATA after registration', () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const vtn = createMockVtn({ scheduler: clock });
    vtn.model.reports = createVtnReportSide();
    const power$ = new BehaviorSubject(42);
    running = createVen({
      venName: 'site-1',
      transport: vtn.transport(),
      scheduler: clock,
      reports: [telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: power$, samplingRate: { min: 'PT1S', max: 'PT1H' } })],
    });
    running.start();
    clock.advanceBy(1_000);
    const register = vtn.recorder.requests.map((r) => r.message).find((m) => m !== undefined && isMessage(m, 'oadrRegisterReport'));
    expect(register && isMessage(register, 'oadrRegisterReport') ? register.oadrReport?.map((r) => [r.reportName, r.reportRequestID, r.oadrReportDescription?.map((d) => d.rID)]) : undefined).toEqual([
      ['METADATA_TELEMETRY_USAGE', '0', ['meter-1/powerReal']],
    ]);
  });

  it('refuses something that is neither a report module nor a list, saying what to pass', () => {
    const vtn = createMockVtn();
    expect(() => createVen({ venName: 'x', transport: vtn.transport(), reports: {} as never })).toThrow(VenError);
    expect(() => createVen({ venName: 'x', transport: vtn.transport(), reports: {} as never })).toThrow(/createReports\(\.\.\.\) or an array of report capabilities/);
  });
});
