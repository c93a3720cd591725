import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { OadrMessage } from '@rxadr/core';
import { createHttpMockVtn, createSchemaCheck, type HttpMockVtn } from '@rxadr/testing';

// A real VEN process (the built packages, a real file store) against the mock VTN's HTTP front
// door on loopback in this process; killed with SIGKILL while records are owed, then restarted.
const script = fileURLToPath(new URL('./fixtures/ledger-child.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rxadr-kill9-'));
const schema = createSchemaCheck();
const children: ChildProcessWithoutNullStreams[] = [];
const vtns: HttpMockVtn[] = [];

let collected = 0;
const collect = (vtn: HttpMockVtn): void => vtn.recorder.requests.forEach((r) => schema.add(`kill9#${collected++}:${r.message?.type ?? '?'}`, r.xml));

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const vtn of vtns.splice(0)) {
    collect(vtn);
    await vtn.close();
  }
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  expect(schema.size).toBeGreaterThan(10);
  await schema.assertAllValid();
});

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  readonly lines: Record<string, unknown>[];
  send(command: Record<string, unknown>): void;
  kill(): Promise<void>;
}

function runChild(vtnUrl: string, statePath: string): Child {
  const child = spawn(process.execPath, [script, vtnUrl, statePath], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const part of parts) if (part.trim() !== '') lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL') lines.push({ crashed: code, stderr });
  });
  return {
    process: child,
    lines,
    send: (command) => child.stdin.write(`${JSON.stringify(command)}\n`),
    kill: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

const waitFor = (what: string, condition: () => boolean, child?: Child) =>
  vi.waitFor(
    () => {
      if (!condition()) throw new Error(`still waiting for ${what}${child ? `; child said ${JSON.stringify(child.lines.slice(-5))}` : ''}`);
    },
    { timeout: 20_000, interval: 20 },
  );

const typed = <T extends OadrMessage['type']>(vtn: HttpMockVtn, type: T) => vtn.recorder.messages(type);
const journal = (statePath: string): string => (existsSync(`${statePath}.ledger`) ? readFileSync(`${statePath}.ledger`, 'utf8') : '');

describe('kill -9 in the middle of an obligation (real process, real file, loopback HTTP)', () => {
  it('oadrCreatedEvent, oadrCreateOpt and oadrCancelOpt owed at the kill are sent again with the same identities; a settled one is not', async () => {
    const vtn = await createHttpMockVtn({ pollFrequency: 'PT1S' });
    vtns.push(vtn);
    const statePath = join(dir, 'owed.json');
    const first = runChild(vtn.url, statePath);
    await waitFor('registration', () => first.lines.some((l) => l['status'] === 'polling'), first);
    first.send({ op: 'create-opt', optType: 'optIn' });
    await waitFor('the first opt', () => first.lines.some((l) => typeof l['opt'] === 'string'), first);
    const settledOpt = first.lines.find((l) => typeof l['opt'] === 'string')!['opt'] as string;

    // From now on the VTN cannot take what the VEN owes: every attempt fails with HTTP 503.
    vtn.faults.inject({ kind: 'http-status', status: 503 }, { service: 'EiOpt', forMs: 3_600_000 });
    vtn.faults.inject({ kind: 'http-status', status: 503 }, { service: 'EiEvent', type: 'oadrCreatedEvent', forMs: 3_600_000 });
    vtn.model.createEvent({ eventID: 'e1', start: new Date(Date.now() + 3_600_000).toISOString(), duration: 'PT1H' });
    first.send({ op: 'create-opt', optType: 'optOut' });
    first.send({ op: 'cancel-opt', optID: settledOpt });
    await waitFor(
      'an attempt of each owed message',
      () => typed(vtn, 'oadrCreatedEvent').length >= 1 && typed(vtn, 'oadrCreateOpt').length >= 2 && typed(vtn, 'oadrCancelOpt').length >= 1,
      first,
    );
    await waitFor('the records in the journal', () => ['created-event', 'create-opt', 'cancel-opt'].every((kind) => journal(statePath).includes(`"kind":"${kind}"`)), first);
    await first.kill();

    const owedEvent = typed(vtn, 'oadrCreatedEvent')[0]!;
    const owedOpt = typed(vtn, 'oadrCreateOpt').find((m) => m.optID !== settledOpt)!;
    const owedCancel = typed(vtn, 'oadrCancelOpt')[0]!;
    expect(vtn.model.createdEvents).toHaveLength(0);
    vtn.faults.clear();
    collect(vtn);
    vtn.recorder.clear();

    const second = runChild(vtn.url, statePath);
    await waitFor('the owed messages again', () => vtn.model.createdEvents.length >= 1 && typed(vtn, 'oadrCancelOpt').length >= 1 && typed(vtn, 'oadrCreateOpt').length >= 1, second);
    expect(second.lines.find((l) => l['started'])).toMatchObject({ pending: expect.arrayContaining(['created-event', 'create-opt', 'cancel-opt']) });
    expect(typed(vtn, 'oadrCreatedEvent')[0]).toEqual(owedEvent);
    expect(typed(vtn, 'oadrCreateOpt')).toEqual([owedOpt]);
    expect(typed(vtn, 'oadrCancelOpt')[0]).toEqual(owedCancel);
    // The opt settled before the kill is not sent again.
    expect(typed(vtn, 'oadrCreateOpt').some((m) => m.optID === settledOpt)).toBe(false);
    await waitFor('every record settled', () => second.lines.filter((l) => l['state'] === 'settled').length >= 3, second);
    await second.kill();
  });

  it('an oadrCanceledPartyRegistration owed at the kill is sent again after the restart', async () => {
    const vtn = await createHttpMockVtn({ pollFrequency: 'PT1S' });
    vtns.push(vtn);
    const statePath = join(dir, 'cancel.json');
    const first = runChild(vtn.url, statePath);
    await waitFor('registration', () => first.lines.some((l) => l['status'] === 'polling'), first);
    const venID = vtn.model.registered()[0]!.venID;
    vtn.faults.inject({ kind: 'http-status', status: 503 }, { service: 'EiRegisterParty', type: 'oadrCanceledPartyRegistration', forMs: 3_600_000 });
    vtn.model.cancelRegistration(venID);
    await waitFor('an attempt of the answer', () => typed(vtn, 'oadrCanceledPartyRegistration').length >= 1 && first.lines.some((l) => l['status'] === 'cancelled'), first);
    await waitFor('the record in the journal', () => journal(statePath).includes('"kind":"canceled-party-registration"'), first);
    await first.kill();
    const owed = typed(vtn, 'oadrCanceledPartyRegistration')[0]!;
    expect(vtn.model.vens.has(venID)).toBe(true);
    vtn.faults.clear();
    collect(vtn);
    vtn.recorder.clear();

    const second = runChild(vtn.url, statePath);
    await waitFor('the answer again', () => !vtn.model.vens.has(venID), second);
    expect(typed(vtn, 'oadrCanceledPartyRegistration')[0]).toEqual(owed);
    expect(owed.eiResponse.responseCode).toBe('200');
    await second.kill();
  });
});
