import { finalize } from 'rxjs';
import type { Transport } from '@rxadr/core';
import { fingerprint } from '@rxadr/signing';
import { httpTransport } from '@rxadr/transport';
import { createHttpMockVtn } from '../mock-vtn/create-http-mock-vtn.js';
import { createVirtualClock } from '../time/virtual-time.js';
import type { ScenarioIdentities } from './memory-backend.js';
import type { ScenarioBackend } from './scenario-backend.js';
import { createSigningControls } from './signing-controls.js';

/** Counts the requests in flight, so that time only moves once the network is quiet. */
function counting(inner: Transport): { readonly transport: Transport; readonly inFlight: () => number } {
  let inFlight = 0;
  return {
    inFlight: () => inFlight,
    transport: {
      // Without `close`: the backend owns the connection pool and closes it in `close()`; a VEN
      // stopped for a restart (which closes its transport) must not take it from the next VEN.
      ...withoutClose(inner),
      send: (request) => {
        inFlight += 1;
        return inner.send(request).pipe(finalize(() => (inFlight -= 1)));
      },
    },
  };
}

function withoutClose(inner: Transport): Transport {
  const { close: _close, ...rest } = inner;
  return rest;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The HTTPS backend: the mock VTN on loopback with mutual TLS (§7.1) and, with `identities`,
 * XML signatures both ways (§7.3). Real sockets, virtual time: `advance` lets every exchange
 * in flight finish before it runs the next timer that is due, so a scenario covering hours
 * still takes seconds. The clock starts at the current minute so certificates are valid on it.
 * TLS always uses the identities; signatures only when `signatures` is true.
 */
export async function createHttpsBackend(identities: ScenarioIdentities, signatures: boolean): Promise<ScenarioBackend> {
  const clock = createVirtualClock(Math.floor(Date.now() / 60_000) * 60_000);
  const vtn = await createHttpMockVtn({
    scheduler: clock,
    tls: { cert: identities.vtn.certPem, key: identities.vtn.keyPem, ca: identities.ca, requestCert: true },
    ...(signatures ? { signing: { identity: identities.vtn, trust: { fingerprints: [fingerprint(identities.ven.certPem)] } } } : {}),
  });
  const http = httpTransport({
    vtnUrl: vtn.url,
    scheduler: clock,
    readTimeout: 1_000,
    tls: { cert: identities.ven.certPem, key: identities.ven.keyPem, ca: identities.ca },
  });
  const signing = signatures ? createSigningControls(vtn) : undefined;
  const counted = counting(signing ? signing.wrap(http) : http);

  const settle = async (): Promise<void> => {
    for (let quiet = 0; quiet < 3; ) {
      await turn();
      quiet = counted.inFlight() === 0 ? quiet + 1 : 0;
    }
  };

  return {
    mode: signatures ? 'https+signatures' : 'https',
    vtn,
    clock,
    transport: counted.transport,
    signing: signatures
      ? { identity: { certPem: identities.ven.certPem, keyPem: identities.ven.keyPem }, trust: { fingerprints: [fingerprint(identities.vtn.certPem)] } }
      : undefined,
    vtnSigning: signing?.controls,
    async advance(ms) {
      const target = clock.now() + ms;
      for (;;) {
        await settle();
        const next = clock.actions[0];
        if (next === undefined || clock.epoch + next.delay > target) break;
        clock.advanceTo(clock.epoch + next.delay);
      }
      clock.advanceTo(target);
      await settle();
    },
    async close() {
      await settle();
      await http.close?.();
      await vtn.close();
    },
  };
}
