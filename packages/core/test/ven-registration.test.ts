import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createVen, type Ven, type VenOptions, type VenStatus, VenError } from '@rxadr/core';
import { createMockVtn, createSchemaValidator, createVirtualClock, schemaAvailable, type MockVtn, type VirtualClock } from '@rxadr/testing';

const sent: Record<string, string> = {};
let running: { ven: Ven; clock: VirtualClock; vtn: MockVtn; name: string } | undefined;

function setup(name: string, options: Partial<VenOptions> = {}, vtnOptions: { pollFrequency?: string } = {}) {
  const clock = createVirtualClock('2026-01-01T00:00:00Z');
  const vtn = createMockVtn({ scheduler: clock, ...vtnOptions });
  const ven = createVen({ venName: 'ven-under-test', transport: vtn.transport(), scheduler: clock, random: () => 0.5, ...options });
  const statuses: VenStatus[] = [];
  ven.status$.subscribe((s) => statuses.push(s));
  const errors: VenError[] = [];
  ven.errors$.subscribe((e) => errors.push(e));
  running = { ven, clock, vtn, name };
  return { clock, vtn, ven, statuses, errors };
}

afterEach(async () => {
  if (!running) return;
  const { ven, clock, vtn, name } = running;
  running = undefined;
  await ven.stop();
  vtn.recorder.requests.forEach((r, i) => (sent[`${name}#${i}:${r.message?.type ?? '?'}`] = r.xml));
  expect(clock.pending).toBe(0); // tests leave nothing running
});

afterAll(async () => {
  if (!schemaAvailable()) {
    if (process.env['CI'] === 'true') throw new Error('OpenADR schema missing: set OADR_SCHEMA_DIR');
    return;
  }
  await createSchemaValidator().assertValid(sent);
});

describe('registration (§3.1)', () => {
  it('registers, syncs events and polls, in this order', () => {
    const { clock, vtn, ven, statuses } = setup('happy');
    ven.start();
    expect(vtn.recorder.types()).toEqual(['oadrQueryRegistration', 'oadrCreatePartyRegistration', 'oadrRequestEvent', 'oadrPoll']);
    const [create] = vtn.recorder.messages('oadrCreatePartyRegistration');
    expect(create).toMatchObject({ oadrProfileName: '2.0b', oadrTransportName: 'simpleHttp', oadrReportOnly: false, oadrXmlSignature: false, oadrVenName: 'ven-under-test', oadrHttpPullModel: true });
    expect(create?.venID).toBeUndefined();
    expect(create?.registrationID).toBeUndefined();
    expect(ven.registration).toEqual({ venID: 'VEN-1', registrationID: 'REG-2', vtnID: 'MOCK-VTN-1', pollFrequencyMs: 10_000 });
    expect(statuses.map((s) => s.state)).toEqual(['idle', 'registering', 'registered', 'polling']);
    clock.advanceBy(30_000);
    expect(vtn.recorder.types().filter((t) => t === 'oadrPoll')).toHaveLength(4);
  });
});
