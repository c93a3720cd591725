import { afterEach, describe, expect, it } from 'vitest';
import { createMockVtn, createVirtualClock } from '@rxadr/testing';
import { VenError, createVen, type Transport, type Ven } from '../src/index.js';

let running: Ven | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function registrationFlag(signsMessages: boolean | undefined, xmlSignature?: boolean): boolean | undefined {
  const clock = createVirtualClock('2026-01-01T00:00:00Z');
  const vtn = createMockVtn({ scheduler: clock });
  const inner = vtn.transport();
  const transport: Transport = { send: (r) => inner.send(r), ...(signsMessages !== undefined ? { signsMessages } : {}) };
  running = createVen({ venName: 'v', transport, scheduler: clock, ...(xmlSignature !== undefined ? { xmlSignature } : {}) });
  running.start();
  clock.advanceBy(1_000);
  return vtn.recorder.messages('oadrCreatePartyRegistration')[0]?.oadrXmlSignature;
}

describe('oadrXmlSignature tells the VTN the truth (§3.1)', () => {
  it('follows a transport that signs', () => {
    expect(registrationFlag(true)).toBe(true);
  });
  it('follows a transport that says it does not sign, and defaults to false', () => {
    expect(registrationFlag(false)).toBe(false);
  });
  it('is false by default for a transport that says nothing, and can be set for one that signs on its own', () => {
    expect(registrationFlag(undefined)).toBe(false);
  });
  it('can be set for a custom transport that signs without saying so', () => {
    expect(registrationFlag(undefined, true)).toBe(true);
  });
  it('refuses a contradiction at construction, saying what to do', () => {
    const vtn = createMockVtn();
    const transport: Transport = { send: (r) => vtn.transport().send(r), signsMessages: false };
    expect(() => createVen({ venName: 'v', transport, xmlSignature: true })).toThrow(VenError);
    expect(() => createVen({ venName: 'v', transport, xmlSignature: true })).toThrow(/leave xmlSignature out to follow the transport/);
  });
});
