import { createMemoryTransport } from '../../testing/src/transport/memory-transport.js';
import { createScriptedVtn, describeTransportContract } from '@rxadr/testing/vitest';
import { httpPushServer, httpTransport, pushTransport } from '../src/index.js';
import { startLoopbackVtn } from './support/loopback-vtn.js';
import { createPki, type Pki } from './support/pki-fixtures.js';

describeTransportContract('undici pull client over plain HTTP', async () => {
  const server = await startLoopbackVtn();
  const transport = httpTransport({ vtnUrl: server.url });
  return {
    transport,
    vtn: server.vtn,
    teardown: async () => {
      await transport.close?.();
      await server.close();
    },
  };
});

let pki: Promise<Pki> | undefined;

describeTransportContract('undici pull client over HTTPS with mutual TLS', async () => {
  const { ca, server: serverId, client } = await (pki ??= createPki('ec', 'contract'));
  const server = await startLoopbackVtn({
    cert: serverId.certPem,
    key: serverId.keyPem,
    ca: ca.certPem,
    requestCert: true,
    rejectUnauthorized: true,
  });
  const transport = httpTransport({ vtnUrl: server.url, tls: { cert: client.certPem, key: client.keyPem, ca: ca.certPem } });
  return {
    transport,
    vtn: server.vtn,
    teardown: async () => {
      await transport.close?.();
      await server.close();
    },
  };
});

describeTransportContract('in-memory transport', async () => {
  const vtn = createScriptedVtn();
  const transport = createMemoryTransport((request) => vtn.answer(request.service, request.body));
  return { transport, vtn, teardown: () => transport.close?.() ?? Promise.resolve() };
});

describeTransportContract('push transport (pull client plus push server)', async () => {
  const server = await startLoopbackVtn();
  const pushServer = await httpPushServer({ port: 0 });
  const pull = httpTransport({ vtnUrl: server.url });
  const transport = pushTransport(pull, pushServer);
  return {
    transport,
    vtn: server.vtn,
    teardown: async () => {
      await transport.close?.();
      await pull.close?.();
      await pushServer.close();
      await server.close();
    },
  };
});
