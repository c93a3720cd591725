import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { OadrMessage } from '@rxadr/core';
import { createHttpMockVtn, createVtnReportSide, type HttpMockVtn, type VtnReportSide } from '@rxadr/testing';
import { createKill9Harness, type Child, type Kill9Test } from './kill9-harness.js';

// The VEN's own request for a VTN report (`requestVtnReport`) in a real process with a real file
// store, against the mock VTN's HTTP front door on loopback, killed with SIGKILL. After the
// restart nobody listens to the request any more, so the VEN owes the VTN its cancel: it sends
// oadrCancelReport for it, never the create again.
const script = fileURLToPath(new URL('./fixtures/ledger-reports-child.mjs', import.meta.url));
const harness = createKill9Harness('kill9-vtn-requests');
afterAll(() => harness.afterAll(8));

const HOUR = 3_600_000;
const RR = 'vrr-kill';
const { waitFor, journal } = harness;

async function setup(t: Kill9Test): Promise<{ vtn: HttpMockVtn; side: VtnReportSide; run: (statePath: string, ...args: string[]) => Child }> {
  const vtn = t.track(await createHttpMockVtn({ pollFrequency: 'PT1S' }));
  const side = createVtnReportSide();
  vtn.model.reports = side;
  return { vtn, side, run: (statePath, ...args) => t.runChild(script, [vtn.url, statePath, ...args]) };
}

const received = <T extends OadrMessage['type']>(vtn: HttpMockVtn, type: T) => vtn.recorder.messages(type);
const accepted = <T extends OadrMessage['type']>(vtn: HttpMockVtn, type: T) =>
  vtn.recorder.requests.filter((r) => r.message?.type === type && r.fault === undefined && r.rejected === undefined).map((r) => r.message as Extract<OadrMessage, { type: T }>);
const settledLines = (child: Child, kind: string) => child.lines.filter((l) => l['kind'] === kind && l['state'] === 'settled');
const lastCounters = (child: Child) => [...child.lines].reverse().find((l) => l['counters'] !== undefined)?.['counters'] as { pending: number } | undefined;
const stateFile = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

describe.concurrent('kill -9 with a request of the VEN for a VTN report (real process, real files, loopback HTTP)', () => {
  it('the create owed and failing (HTTP 503) at the kill: after the restart only oadrCancelReport goes out, once', async ({ onTestFinished }) => {
    const { vtn, side, run } = await setup(harness.test(onTestFinished));
    const statePath = join(harness.dir, 'create-owed.json');
    vtn.faults.inject({ kind: 'http-status', status: 503 }, { service: 'EiReport', type: 'oadrCreateReport', forMs: HOUR });
    const first = run(statePath, RR);
    await waitFor('failed attempts of the create', () => received(vtn, 'oadrCreateReport').length >= 2, first);
    await waitFor('the create in the journal', () => journal(statePath).includes('"kind":"create-report"'), first);
    expect(first.lines.some((l) => l['vtnError'] !== undefined)).toBe(false);
    await first.kill();
    vtn.faults.clear();
    harness.collect(vtn);
    vtn.recorder.clear();

    const second = run(statePath);
    await waitFor('the cancel taken', () => settledLines(second, 'cancel-report').length === 1, second);
    await waitFor('nothing owed', () => lastCounters(second)?.pending === 0, second);
    // The restored create became its cancel as the VEN started.
    expect(second.lines.find((l) => l['started'])).toMatchObject({ pending: [{ kind: 'cancel-report' }] });
    expect(received(vtn, 'oadrCreateReport')).toEqual([]);
    expect(accepted(vtn, 'oadrCancelReport').map((m) => m.reportRequestID)).toEqual([[RR]]);
    expect(side.venRequests.has(RR)).toBe(false);
    await second.kill();
  });

  it('the create taken before the kill: after the restart the VTN gets oadrCancelReport for it, once', async ({ onTestFinished }) => {
    const { vtn, side, run } = await setup(harness.test(onTestFinished));
    const statePath = join(harness.dir, 'create-taken.json');
    const first = run(statePath, RR);
    await waitFor('the create taken', () => settledLines(first, 'create-report').length === 1, first);
    await waitFor('the accepted request in the state file', () => stateFile(statePath).includes(`"vtnRequests":["${RR}"]`), first);
    expect(side.venRequests.get(RR)?.active).toBe(true);
    await first.kill();
    harness.collect(vtn);
    vtn.recorder.clear();

    const second = run(statePath);
    await waitFor('the cancel taken', () => settledLines(second, 'cancel-report').length === 1, second);
    await waitFor('nothing owed', () => lastCounters(second)?.pending === 0, second);
    expect(received(vtn, 'oadrCreateReport')).toEqual([]);
    expect(accepted(vtn, 'oadrCancelReport').map((m) => m.reportRequestID)).toEqual([[RR]]);
    expect(side.venRequests.get(RR)?.active).toBe(false);
    await waitFor('the request gone from the state file', () => stateFile(statePath).includes('"reports"') && !stateFile(statePath).includes('"vtnRequests"'), second);
    await second.kill();
  });
});
