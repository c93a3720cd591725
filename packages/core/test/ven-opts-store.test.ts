import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { map } from 'rxjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createFileStore, createVen, optIn, type EventSnapshot, type Ven, type VenOptions } from '@rxadr/core';
import { createMockVtn, createSchemaValidator, createVirtualClock, schemaAvailable, type MockVtn, type VirtualClock } from '@rxadr/testing';

const sent = new Map<string, string>();
const dir = mkdtempSync(join(tmpdir(), 'rxadr-ven-'));
const cleanups: (() => Promise<void>)[] = [];

function start(clock: VirtualClock, vtn: MockVtn, options: Partial<VenOptions> = {}) {
  const asked: EventSnapshot[] = [];
  const ven: Ven = createVen({ venName: 'ven-under-test', transport: vtn.transport(), scheduler: clock, random: () => 0.5, decide: (e$) => e$.pipe(map((e) => (asked.push(e), optIn(e)))), ...options });
  cleanups.push(() => ven.stop());
  ven.start();
  return { ven, asked };
}

afterEach(async () => {
  for (const stop of cleanups.splice(0)) await stop();
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!schemaAvailable()) {
    if (process.env['CI'] === 'true') throw new Error('OpenADR schema missing: set OADR_SCHEMA_DIR');
    return;
  }
  await createSchemaValidator().assertValid(Object.fromEntries([...sent].map(([xml, name]) => [name, xml])));
});

const keep = (name: string, vtn: MockVtn) => vtn.recorder.requests.forEach((r, i) => sent.has(r.xml) || sent.set(r.xml, `${name}#${i}:${r.message?.type}`));

describe('opts (§6)', () => {
  it('createOpt with several targets sends one eiTarget; cancelOpt withdraws it; refusals carry the code', async () => {
    const clock = createVirtualClock();
    const vtn = createMockVtn({ scheduler: clock });
    const { ven } = start(clock, vtn);
    const seen: string[][] = [];
    ven.opts$.subscribe((opts) => seen.push(opts.map((o) => `${o.optID}:${o.status}`)));
    const schedule = await ven.createOpt({ optType: 'optOut', availability: [{ start: new Date('2026-01-02T00:00:00Z'), duration: 'PT4H' }], marketContext: 'http://mock-vtn.example/programs/default' });
    const event = await ven.createOpt({ optType: 'optIn', event: { eventID: 'e1', modificationNumber: 0 }, targets: { resourceID: ['r1', 'r2'], groupID: ['g1'] }, deviceClass: { endDeviceAsset: ['Water_Heater'] } });
    expect(schedule.status).toBe('created');
    const [first, second] = vtn.recorder.messages('oadrCreateOpt');
    expect(first).toMatchObject({ optReason: 'x-schedule', venID: 'VEN-1', requestID: expect.any(String), createdDateTime: new Date('2026-01-01T00:00:00Z') });
    expect(second?.eiTarget).toMatchObject({ resourceID: ['r1', 'r2'], groupID: ['g1'] });
    expect(second?.qualifiedEventID).toEqual({ eventID: 'e1', modificationNumber: 0 });
    const cancelled = await ven.cancelOpt(event.optID);
    expect(cancelled.status).toBe('cancelled');
    vtn.model.optResponseCode = '454';
    await expect(ven.createOpt({ optType: 'optIn', availability: [] })).rejects.toMatchObject({ code: 'opt-rejected', responseCode: '454' });
    expect(seen.at(-1)?.map((s) => s.split(':')[1])).toEqual(['created', 'cancelled', 'rejected']);
    keep('opts', vtn);
  });
});

describe('persistence', () => {
  it('resumes its registration and known answers from a file after a restart', async () => {
    const path = join(dir, 'ven-state.json');
    const clock = createVirtualClock();
    const vtn = createMockVtn({ scheduler: clock });
    const first = start(clock, vtn, { store: createFileStore(path) });
    vtn.model.createEvent({ eventID: 'e1', start: '2026-01-01T02:00:00Z', startafter: 'PT10M' });
    clock.advanceBy(10_000);
    await first.ven.createOpt({ optType: 'optOut', availability: [{ start: new Date('2026-01-02T00:00:00Z'), duration: 'PT1H' }] });
    await first.ven.stop();
    expect(first.asked).toHaveLength(1);
    expect(JSON.parse(readFileSync(path, 'utf8')).registration.venID).toBe('VEN-1');

    vtn.recorder.clear();
    const second = start(clock, vtn, { store: createFileStore(path), random: () => 0.9 });
    // On resume the VEN asks whether the VTN still knows it as stored (§3.1), then syncs events.
    expect(vtn.recorder.types()).toEqual(['oadrQueryRegistration', 'oadrRequestEvent', 'oadrCreatedEvent', 'oadrPoll']);
    expect(second.ven.registration).toMatchObject({ venID: 'VEN-1', registrationID: 'REG-2' });
    expect(second.asked).toHaveLength(0);
    expect(vtn.recorder.messages('oadrCreatedEvent')[0]?.eiCreatedEvent.eventResponses?.[0]?.optType).toBe('optIn');
    let snapshot: EventSnapshot | undefined;
    second.ven.events$.subscribe((s) => (snapshot = s)).unsubscribe();
    expect(snapshot?.randomOffsetMs).toBe(300_000);
    let opts = 0;
    second.ven.opts$.subscribe((o) => (opts = o.length)).unsubscribe();
    expect(opts).toBe(1);
    keep('restart', vtn);
  });

  it('a corrupt file is a typed error, not a silent reset', () => {
    const path = join(dir, 'corrupt.json');
    writeFileSync(path, '{"version":1,"registration":');
    const vtn = createMockVtn();
    expect(() => createVen({ venName: 'v', transport: vtn.transport(), store: createFileStore(path) })).toThrow(expect.objectContaining({ name: 'VenError', code: 'store' }));
    writeFileSync(path, JSON.stringify({ version: 1, registration: null, events: [{ requestID: 'x', randomOffsetMs: 0, event: { nonsense: true } }], opts: [] }));
    expect(() => createVen({ venName: 'v', transport: vtn.transport(), store: createFileStore(path) })).toThrow(/corrupt VEN state/);
  });
});
