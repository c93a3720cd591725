import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// Two BUILT commands (`pnpm test` builds first) talking over loopback: `rxadr mock-vtn` with its
// control interface, and `rxadr ven` as the VEN under test.
const BIN = fileURLToPath(new URL('../dist/cli/cli.js', import.meta.url));
type Line = Record<string, unknown>;

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Line[];
  next(predicate: (line: Line) => boolean, what: string): Promise<Line>;
  readonly exited: Promise<number | null>;
}

const children: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(args: string[]): Running {
  const child = spawn(process.execPath, [BIN, ...args]);
  children.push(child);
  const lines: Line[] = [];
  const waiters: Array<{ predicate: (line: Line) => boolean; resolve: (line: Line) => void }> = [];
  let buffer = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = JSON.parse(buffer.slice(0, i)) as Line;
      buffer = buffer.slice(i + 1);
      lines.push(line);
      for (const w of waiters.splice(0)) (w.predicate(line) ? w.resolve(line) : waiters.push(w));
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    next: (predicate, what) => {
      const seen = lines.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exited.then((code) => reject(new Error(`${args[0] ?? ''} exited (${code}) before ${what}; stderr: ${stderr}`)));
      });
    },
  };
}

async function control(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Line }> {
  const response = await fetch(`${base}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  return { status: response.status, json: (await response.json()) as Line };
}

describe('rxadr mock-vtn and rxadr ven over loopback (built bin)', () => {
  it('registers, publishes the file events, requests the offered report, prints its data, and modifies, cancels and de-registers through the control interface', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxadr-cli-e2e-'));
    dirs.push(dir);
    const events = join(dir, 'events.json');
    const log = join(dir, 'vtn.jsonl');
    writeFileSync(events, JSON.stringify({ events: [{ eventID: 'from-file', start: 'PT1H', duration: 'PT30M', intervals: [{ duration: 'PT30M', value: 2 }] }], reports: { granularity: 'PT1S' } }));
    const vtn = start(['mock-vtn', '--port', '0', '--control', '0', '--poll-frequency', 'PT1S', '--events', events, '--log', log]);
    const listening = await vtn.next((l) => l['event'] === 'listening', 'listening');
    expect(listening).toMatchObject({ scheduledEvents: 1, reports: 'telemetry', control: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    const base = String(listening['control']);

    const config = join(dir, 'ven.json');
    writeFileSync(config, JSON.stringify({
      vtnUrl: listening['url'], venName: 'site-engineer', logXml: false,
      reports: [{ kind: 'telemetryUsage', resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', reading: { constant: 1234 }, samplingRate: { min: 'PT1S', max: 'PT1H' } }],
    }));
    const ven = start(['ven', '--config', config, '--json']);
    const fileEvent = await ven.next((l) => l['kind'] === 'event' && l['eventID'] === 'from-file', 'the file event');
    expect(fileEvent).toMatchObject({ modificationNumber: 0, status: 'far' });

    const request = await vtn.next((l) => l['event'] === 'report-request', 'a report request');
    expect(request).toMatchObject({ venID: 'VEN-1', requests: [{ reportSpecifierID: expect.any(String), rIDs: [expect.any(String)], granularity: 'PT1S', reportBackDuration: 'PT1S' }] });
    const report = await vtn.next((l) => l['event'] === 'report' && Array.isArray(l['points']) && (l['points'] as unknown[]).length > 0, 'report data');
    expect((report['points'] as Line[])[0]).toMatchObject({ value: 1234 });
    const kept = await control(base, 'GET', '/reports');
    expect(Object.values(kept.json).flat()[0]).toMatchObject({ value: 1234 });

    const created = await control(base, 'POST', '/events', { eventID: 'shed', start: 'PT10M', duration: 'PT20M', signalName: 'SIMPLE' });
    expect(created).toMatchObject({ status: 201, json: { eventID: 'shed', modificationNumber: 0, eventStatus: 'far' } });
    await ven.next((l) => l['kind'] === 'event' && l['eventID'] === 'shed' && l['modificationNumber'] === 0, 'the new event');
    expect(await control(base, 'PATCH', '/events/shed', { priority: 2 })).toMatchObject({ status: 200, json: { modificationNumber: 1 } });
    await ven.next((l) => l['kind'] === 'event' && l['eventID'] === 'shed' && l['modificationNumber'] === 1, 'the modification');
    expect(await control(base, 'DELETE', '/events/shed')).toMatchObject({ status: 200, json: { modificationNumber: 2, eventStatus: 'cancelled' } });
    await ven.next((l) => l['kind'] === 'event' && l['eventID'] === 'shed' && l['status'] === 'cancelled', 'the cancellation');

    const bad = await control(base, 'PATCH', '/events/shed', { duration: 'soon' });
    expect(bad).toMatchObject({ status: 400, json: { issues: [{ path: '$.duration', found: '"soon"' }] } });
    expect((await control(base, 'DELETE', '/events/nope')).status).toBe(404);

    expect((await control(base, 'POST', '/vens/VEN-1/cancel-registration')).status).toBe(202);
    await ven.next((l) => l['kind'] === 'status' && l['state'] === 'cancelled', 'the cancelled registration');
    await ven.next((l) => l['kind'] === 'log' && String(l['message']).includes('stays in the cancelled state'), 'the cancelled notice');
    // Still running (nothing scheduled any more: only the command keeps it), until stopped.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(ven.child.exitCode).toBe(null);

    ven.child.kill('SIGTERM');
    expect(await ven.exited).toBe(0);
    const summary = ven.lines.at(-1);
    expect(summary).toMatchObject({ kind: 'summary', errors: 0, reports: { dropped: 0 } });
    expect(summary?.['eventsAnswered']).toBeGreaterThanOrEqual(3);
    expect((summary?.['reports'] as Line)['delivered']).toBeGreaterThan(0);
    vtn.child.kill('SIGTERM');
    expect(await vtn.exited).toBe(0);
    const logged = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(logged).toEqual(vtn.lines);
    expect(logged.filter((l) => l['event'] === 'control').map((l) => l['action'])).toEqual(['create', 'modify', 'cancel', 'cancel-registration']);
  });

  it('says which field of the events file is wrong and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxadr-cli-e2e-'));
    dirs.push(dir);
    const events = join(dir, 'events.json');
    writeFileSync(events, JSON.stringify([{ start: 'PT1M', intervals: [{ duration: 'PT1H', value: 'high' }] }]));
    const vtn = start(['mock-vtn', '--port', '0', '--events', events]);
    let stderr = '';
    vtn.child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await vtn.exited).toBe(1);
    expect(stderr).toBe('rxadr mock-vtn: invalid events file:\n  $[0].intervals[0].value: expected a number, found "high"\n');
  });
});
