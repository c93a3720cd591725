// Runs every example in examples/ so that the documentation keeps working.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, filter } from 'rxjs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Ven } from '@rxadr/core';
import { fingerprint } from '@rxadr/signing';
import { createHttpMockVtn, createMockVtn, createSchemaCheck, createTestCa, createVirtualClock, createVtnReportSide } from '@rxadr/testing';
import { startBatterySite } from '../../../examples/battery-controller.js';
import { startFetchVen } from '../../../examples/custom-transport.js';
import { startMinimalVen } from '../../../examples/minimal-ven.js';
import { startSite } from '../../../examples/reports-and-signing.js';
import '../../../examples/my-ven.test.js';

const batteryDocuments = createSchemaCheck();
afterAll(() => batteryDocuments.assertAllValid());

const polling = (ven: Ven) => firstValueFrom(ven.status$.pipe(filter((s) => s.state === 'polling')));

describe('examples', () => {
  it('type-check', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', fileURLToPath(new URL('../../../examples', import.meta.url))], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('minimal-ven and custom-transport register with the HTTP mock VTN', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const vtn = await createHttpMockVtn({ pollFrequency: 'PT1S' });
    try {
      for (const ven of [startMinimalVen(vtn.url), startFetchVen(vtn.url)]) {
        await polling(ven);
        await ven.stop();
      }
      expect(vtn.model.registered().map((v) => v.venName)).toEqual(['minimal-ven', 'fetch-ven']);
      expect(log).toHaveBeenCalledWith('status', 'polling');
    } finally {
      log.mockRestore();
      await vtn.close();
    }
  });

  it('reports-and-signing registers over mutual TLS with signatures and offers its report', async () => {
    const ca = await createTestCa({ keyType: 'ec' });
    const vtnId = await ca.issue({ commonName: 'vtn', keyType: 'ec', hostnames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const venId = await ca.issue({ commonName: 'ven', keyType: 'ec', usage: 'client' });
    const vtn = await createHttpMockVtn({
      pollFrequency: 'PT1S',
      tls: { cert: vtnId.certPem, key: vtnId.keyPem, ca: ca.certPem, requestCert: true },
      signing: { identity: vtnId, trust: { fingerprints: [fingerprint(venId.certPem)] } },
    });
    try {
      const ven = startSite({
        vtnUrl: vtn.url,
        tls: { cert: venId.certPem, key: venId.keyPem, ca: ca.certPem },
        vtnFingerprint: fingerprint(vtnId.certPem),
        stateFile: join(mkdtempSync(join(tmpdir(), 'rxadr-example-')), 'state.json'),
      });
      await polling(ven);
      await ven.stop();
      expect(vtn.recorder.requests.filter((r) => r.rejected)).toEqual([]);
      expect(vtn.recorder.messages('oadrRegisterReport')[0]?.oadrReport?.map((r) => r.reportName)).toEqual(['METADATA_TELEMETRY_USAGE']);
    } finally {
      await vtn.close();
    }
  });

  it('battery-controller: the battery follows the event setpoint and the VTN sees its power in TELEMETRY_USAGE', async () => {
    const clock = createVirtualClock('2026-07-01T12:00:00Z');
    const vtn = createMockVtn({ scheduler: clock });
    const reports = createVtnReportSide();
    vtn.model.reports = reports;
    const site = startBatterySite({ transport: vtn.transport(), scheduler: clock });
    clock.advanceBy(10_000);
    const venID = site.ven.registration?.venID ?? '';
    reports.requestReport(venID, { reportRequestID: 'rr-battery', reportSpecifierID: 'telemetry-usage', rIDs: ['battery-1/powerReal'], granularity: 'PT1M', reportBackDuration: 'PT5M' });
    vtn.model.createEvent({
      eventID: 'discharge',
      start: '2026-07-01T12:10:00Z',
      duration: 'PT20M',
      targets: { endDeviceAsset: ['Storage'] },
      signals: [{ signalName: 'LOAD_DISPATCH', signalType: 'setpoint', intervals: [{ duration: 'PT10M', value: 3_000 }, { duration: 'PT10M', value: 1_000 }] }],
    });
    clock.advanceTo('2026-07-01T12:15:00Z');
    expect([site.battery.target, site.battery.power]).toEqual([3_000, 3_000]);
    clock.advanceTo('2026-07-01T12:25:00Z');
    expect(site.battery.power).toBe(1_000);
    clock.advanceTo('2026-07-01T12:45:00Z');
    expect(site.battery.target).toBeUndefined();
    const reported = vtn.reportData('battery-1/powerReal', 'rr-battery').map((p) => [p.start.toISOString().slice(11, 16), p.value]);
    expect(reported).toEqual(expect.arrayContaining([['12:05', -500], ['12:12', 3_000], ['12:22', 1_000], ['12:35', -500]]));
    await site.stop();
    vtn.recorder.requests.forEach((r, i) => batteryDocuments.add(`battery#${i}:${r.message?.type ?? '?'}`, r.xml));
    expect(clock.pending).toBe(0);
  });
});
