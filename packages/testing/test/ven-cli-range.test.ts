import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createHttpMockVtn, createSchemaCheck, createVtnReportSide } from '@rxadr/testing';

const cli = fileURLToPath(new URL('../dist/cli/cli.js', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('rxadr ven with values beyond the model (§9)', () => {
  it('keeps running when an event lasts P999999999D: that event is answered 454, the other 200', async () => {
    expect(existsSync(cli), 'build @rxadr/testing first (pnpm run build)').toBe(true);
    const vtn = await createHttpMockVtn({ pollFrequency: 'PT1S' });
    const documents = createSchemaCheck();
    try {
      const start = new Date(Date.now() + 3_600_000).toISOString();
      vtn.model.createEvent({ eventID: 'forever', start, duration: 'P999999999D', intervals: [{ duration: 'P999999999D', value: 1 }] });
      vtn.model.createEvent({ eventID: 'hour', start, intervals: [{ duration: 'PT1H', value: 1 }] });
      const dir = mkdtempSync(join(tmpdir(), 'rxadr-ven-range-'));
      const config = join(dir, 'ven.json');
      writeFileSync(config, JSON.stringify({ vtnUrl: vtn.url, venName: 'range-site', stateFile: 'state.json', policy: { rules: [], default: 'optIn' } }));
      const { code, stdout, stderr } = await run(['ven', '--config', config, '--duration', '2', '--json']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const lines = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.filter((l) => l['kind'] === 'event').map((l) => l['eventID'])).not.toContain('forever');
      expect(lines.filter((l) => l['kind'] === 'status').map((l) => l['state'])).toContain('stopped');
      const answers = vtn.recorder.messages('oadrCreatedEvent').flatMap((m) => m.eiCreatedEvent.eventResponses ?? []);
      expect(Object.fromEntries(answers.map((r) => [r.qualifiedEventID.eventID, r.responseCode]))).toEqual({ forever: '454', hour: '200' });
      vtn.recorder.requests.forEach((r, i) => documents.add(`cli-range#${i}:${r.message?.type ?? '?'}`, r.xml));
      await documents.assertAllValid();
    } finally {
      await vtn.close();
    }
  });

  it('waits for an event and a report request 40 days ahead without a TimeoutOverflowWarning (a real Node process)', async () => {
    expect(existsSync(cli), 'build @rxadr/testing first (pnpm run build)').toBe(true);
    const vtn = await createHttpMockVtn({ pollFrequency: 'PT1S' });
    const side = createVtnReportSide();
    vtn.model.reports = side;
    try {
      const start = new Date(Date.now() + 40 * 86_400_000);
      vtn.model.createEvent({ eventID: 'in-40-days', start: start.toISOString(), rampUp: 'PT1H' });
      side.embedOnRegister({ reportRequestID: 'rr-far', reportSpecifierID: 'telemetry-usage', rIDs: ['meter-1/powerReal'], granularity: 'PT1M', reportBackDuration: 'PT1M', start, duration: 'PT1H' });
      const dir = mkdtempSync(join(tmpdir(), 'rxadr-ven-far-'));
      const config = join(dir, 'ven.json');
      writeFileSync(config, JSON.stringify({
        vtnUrl: vtn.url, venName: 'far-site', stateFile: 'state.json', policy: { rules: [], default: 'optIn' },
        reports: [{ kind: 'telemetryUsage', resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', reading: { simulated: { min: 100, max: 200, periodSeconds: 60 } } }],
      }));
      const { code, stdout, stderr } = await run(['ven', '--config', config, '--duration', '2', '--json']);
      expect(stderr).not.toContain('TimeoutOverflowWarning');
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const events = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['kind'] === 'event');
      expect(events.length).toBeGreaterThan(0);
      expect(new Set(events.map((l) => l['status']))).toEqual(new Set(['far']));
      expect(vtn.recorder.messages('oadrCreatedReport').flatMap((m) => m.oadrPendingReports)).toContain('rr-far');
      expect(vtn.recorder.messages('oadrUpdateReport').flatMap((m) => (m.oadrReport ?? []).map((r) => r.reportRequestID))).not.toContain('rr-far');
    } finally {
      await vtn.close();
    }
  });
});
