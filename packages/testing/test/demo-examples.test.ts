// Runs every example in examples/ so that the documentation keeps working.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, filter } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import type { Ven } from '@rxadr/core';
import { fingerprint } from '@rxadr/signing';
import { createHttpMockVtn, createTestCa } from '@rxadr/testing';
import { startFetchVen } from '../../../examples/custom-transport.js';
import { startMinimalVen } from '../../../examples/minimal-ven.js';
import { startSite } from '../../../examples/reports-and-signing.js';
import '../../../examples/my-ven.test.js';

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
});
