import type { Transport } from '@rxadr/core';

import type { PushServer } from './http-push-server.js';

/**
 * Combines a pull client with a push server into one push-mode `Transport` (OPENADR.md §1.7):
 * `send` goes VEN → VTN through `pull`, `inbound$` carries what the VTN pushes, and
 * `pushAddress` is the server's address to register as `oadrTransportAddress`.
 * `close()` closes both. See `httpPushServer` for how answers to pushed requests work.
 *
 * @example
 * const transport = pushTransport(httpTransport({ vtnUrl, tls }), await httpPushServer({ port: 8443, tls: serverTls }));
 */
export function pushTransport(pull: Transport, server: PushServer): Transport {
  return {
    send: (request) => pull.send(request),
    inbound$: server.inbound$,
    pushAddress: server.address,
    ...(pull.signsMessages !== undefined && { signsMessages: pull.signsMessages }),
    close: async () => {
      await Promise.all([pull.close?.(), server.close()]);
    },
  };
}
