import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { OadrMessage } from '@rxadr/core';
import { createHttpMockVtn, type HttpMockVtn } from '@rxadr/testing';
import { createKill9Harness } from './kill9-harness.js';

// A real VEN process (the built packages, a real file store) against the mock VTN's HTTP front
// door on loopback in this process; killed with SIGKILL while records are owed, then restarted.
const script = fileURLToPath(new URL('./fixtures/ledger-child.mjs', import.meta.url));
const harness = createKill9Harness('kill9');
afterAll(() => harness.afterAll(10));
const { dir, waitFor, journal, collect } = harness;

const typed = <T extends OadrMessage['type']>(vtn: HttpMockVtn, type: T) => vtn.recorder.messages(type);

describe('kill -9 in the middle of an obligation (real process, real file, loopback HTTP)', () => {
  it('oadrCreatedEvent, oadrCreateOpt and oadrCancelOpt owed at the kill are sent again with the same identities; a settled one is not', async ({ onTestFinished }) => {
    const t = harness.test(onTestFinished);
    const vtn = t.track(await createHttpMockVtn({ pollFrequency: 'PT1S' }));
    const runChild = (vtnUrl: string, statePath: string) => t.runChild(script, [vtnUrl, statePath]);
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

  it('an oadrCanceledPartyRegistration owed at the kill is sent again after the restart', async ({ onTestFinished }) => {
    const t = harness.test(onTestFinished);
    const vtn = t.track(await createHttpMockVtn({ pollFrequency: 'PT1S' }));
    const runChild = (vtnUrl: string, statePath: string) => t.runChild(script, [vtnUrl, statePath]);
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
