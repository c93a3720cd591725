import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createHttpMockVtn } from '@rxadr/testing';

const cli = fileURLToPath(new URL('../dist/cli/cli.js', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; lines: Array<Record<string, unknown>>; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, stderr: err, lines: out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) }));
  });
}

describe('rxadr ven against the HTTP mock VTN', () => {
  it.skipIf(!existsSync(cli))('registers, decides by its rules, logs every exchange as JSON lines and stops after --duration', async () => {
    const vtn = await createHttpMockVtn({ pollFrequency: 'PT1S' });
    try {
      const start = new Date(Date.now() + 3_600_000).toISOString();
      vtn.model.createEvent({ eventID: 'high', start, intervals: [{ duration: 'PT1H', value: 3 }] });
      vtn.model.createEvent({ eventID: 'low', start, intervals: [{ duration: 'PT1H', value: 1 }] });
      const dir = mkdtempSync(join(tmpdir(), 'rxadr-ven-run-'));
      const config = join(dir, 'ven.json');
      writeFileSync(config, JSON.stringify({
        vtnUrl: vtn.url, venName: 'simulated-site', stateFile: 'state.json',
        policy: { rules: [{ signalName: 'SIMPLE', minLevel: 2, decision: 'optIn' }], default: 'optOut' },
        reports: [{ kind: 'telemetryUsage', resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', reading: { simulated: { min: 100, max: 200, periodSeconds: 60 } } }],
      }));
      const { code, lines, stderr } = await run(['ven', '--config', config, '--duration', '3', '--json']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(lines.filter((l) => l['kind'] === 'status').map((l) => l['state'])).toEqual(expect.arrayContaining(['registering', 'registered', 'polling', 'stopped']));
      const xml = lines.filter((l) => l['kind'] === 'xml');
      expect(xml.some((l) => l['direction'] === 'out' && String(l['body']).includes('oadrCreatePartyRegistration'))).toBe(true);
      expect(xml.some((l) => l['direction'] === 'in' && String(l['body']).includes('oadrCreatedPartyRegistration'))).toBe(true);
      const answers = vtn.recorder.messages('oadrCreatedEvent').flatMap((m) => m.eiCreatedEvent.eventResponses ?? []);
      expect(Object.fromEntries(answers.map((r) => [r.qualifiedEventID.eventID, r.optType]))).toEqual({ high: 'optIn', low: 'optOut' });
      expect(vtn.recorder.messages('oadrRegisterReport')[0]?.oadrReport?.map((r) => r.reportName)).toEqual(['METADATA_TELEMETRY_USAGE']);
      expect(existsSync(join(dir, 'state.json'))).toBe(true);
      expect(lines.at(-1)).toMatchObject({ kind: 'summary', eventsAnswered: 2, errors: 0, status: 'stopped', reports: { dropped: 0 } });
    } finally {
      await vtn.close();
    }
  });
});
