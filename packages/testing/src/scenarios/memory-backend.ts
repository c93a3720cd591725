import { fingerprint } from '@rxadr/signing';
import { createMockVtn } from '../mock-vtn/create-mock-vtn.js';
import type { TestIdentity } from '../pki/pki.js';
import { createVirtualClock } from '../time/virtual-time.js';
import type { ScenarioBackend } from './scenario-backend.js';
import { createSigningControls } from './signing-controls.js';

/** The identities of a signed run: one for each side, issued by one test CA. */
export interface ScenarioIdentities {
  readonly ven: TestIdentity;
  readonly vtn: TestIdentity;
  /** The PEM certificate of the CA that issued both (the TLS trust store). */
  readonly ca: string;
}

/** Virtual start of unsigned runs: fixed, so that every run sends the same dates. */
export const SCENARIO_EPOCH = '2026-01-01T00:00:00Z';

/**
 * The in-memory backend: the mock VTN's synchronous front door under a virtual clock, so a
 * scenario covering hours of protocol runs in milliseconds. With `identities`, the VTN verifies
 * every request and signs every answer (§7.3); the clock then starts at the current minute so
 * that the test certificates are valid on it.
 */
export function createMemoryBackend(identities?: ScenarioIdentities): ScenarioBackend {
  const clock = createVirtualClock(identities ? Math.floor(Date.now() / 60_000) * 60_000 : SCENARIO_EPOCH);
  const vtn = createMockVtn({
    scheduler: clock,
    ...(identities ? { signing: { identity: identities.vtn, trust: { fingerprints: [fingerprint(identities.ven.certPem)] } } } : {}),
  });
  const door = identities ? createSigningControls(vtn) : undefined;
  return {
    mode: identities ? 'memory+signatures' : 'memory',
    vtn,
    clock,
    transport: door ? door.wrap(vtn.transport()) : vtn.transport(),
    signing: identities
      ? { identity: { certPem: identities.ven.certPem, keyPem: identities.ven.keyPem }, trust: { fingerprints: [fingerprint(identities.vtn.certPem)] } }
      : undefined,
    vtnSigning: door?.controls,
    advance: async (ms) => clock.advanceBy(ms),
    close: async () => vtn.close(),
  };
}
