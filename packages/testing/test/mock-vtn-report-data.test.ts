import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createMockVtn } from '@rxadr/testing';

/** `vtn.reportData(rID)` reads the recorded oadrUpdateReport messages as time series (OPENADR.md §5.5, §5.6). */
describe('vtn.reportData', () => {
  it('builds a time series per rID from accepted deliveries only', async () => {
    const xml = readFileSync(join(process.cwd(), '..', 'shared', 'oadr-examples', 'oadrUpdateReport.xml'), 'utf8');
    const vtn = createMockVtn();
    // The example's VEN is registered with this VTN (reports from unknown VENs are answered 463).
    vtn.model.vens.set('ven-7f3a2c', { venID: 'ven-7f3a2c', registrationID: 'reg-1', venName: 'example', queue: [] });
    const send = () => firstValueFrom(vtn.transport().send({ service: 'EiReport', body: xml }));
    vtn.faults.failNext('EiReport', 1, 'http-500');
    await expect(send()).rejects.toMatchObject({ status: 500 });
    await expect(send()).resolves.toContain('oadrUpdatedReport');
    const power = vtn.reportData('meter1-power');
    expect(power.map((p) => [p.start.toISOString().slice(11, 16), p.value, p.quality])).toEqual([
      ['12:00', 41.7, 'Quality Good - Non Specific'],
      ['12:01', 43.1, undefined],
      ['12:02', 0, 'Quality Bad - Comm Failure'],
      ['12:03', 39.8, undefined],
      ['12:04', 40.2, undefined],
    ]);
    expect(power[0]).toMatchObject({ durationMs: 60_000, reportRequestID: 'rr-usage-001' });
    expect(vtn.reportData('chiller-plant-A-status')).toEqual([
      expect.objectContaining({ start: new Date('2024-07-16T11:58:31Z'), value: expect.objectContaining({ oadrOnline: true, oadrManualOverride: false }) }),
    ]);
    expect(vtn.reportData('meter1-energy', 'other-request')).toEqual([]);
  });
});
