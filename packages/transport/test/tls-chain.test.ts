import { TransportError, type InboundExchange } from '@rxadr/core';
import { beforeAll, describe, expect, it } from 'vitest';

import { httpPushServer, type HttpTransportOptions, type PushServer } from '../src/index.js';
import { createTestCa, type TestCa, type TestIdentity } from '../../testing/src/pki/pki.js';
import { startLoopbackVtn, type LoopbackVtn } from './support/loopback-vtn.js';
import { testScope } from './support/test-scope.js';

/**
 * Certificates under intermediates, as in the OpenADR PKI (OPENADR.md §7.1): one root, a VTN CA
 * and a VEN CA under it. Every peer trusts the root only, so each side must send its
 * intermediate with its own certificate (`cert: chainPem`) for Node to build the chain.
 */
let root: TestCa;
let vtnServer: TestIdentity;
let vtnClientId: TestIdentity;
let venServer: TestIdentity;
let venClient: TestIdentity;

beforeAll(async () => {
  root = await createTestCa({ commonName: 'rxadr test root' });
  const [vtnCa, venCa] = await Promise.all([
    root.intermediate({ commonName: 'rxadr test VTN CA', keyType: 'ec' }),
    root.intermediate({ commonName: 'rxadr test VEN CA' }),
  ]);
  const loopback = { hostnames: ['localhost'], ipAddresses: ['127.0.0.1'] };
  [vtnServer, vtnClientId, venServer, venClient] = await Promise.all([
    vtnCa.issue({ commonName: 'vtn-server', keyType: 'ec', usage: 'server', ...loopback }),
    vtnCa.issue({ commonName: 'vtn-client', keyType: 'ec', usage: 'client' }),
    venCa.issue({ commonName: 'ven-server', usage: 'server', ...loopback }),
    venCa.issue({ commonName: 'ven-client', usage: 'client' }),
  ]);
});

const { cleanups, exchange } = testScope();

function chainOf(identity: TestIdentity): string {
  if (identity.chainPem === undefined) throw new Error(`${identity.commonName} was not issued by an intermediate`);
  return identity.chainPem;
}

const send = (options: HttpTransportOptions): Promise<string> => exchange(options);

async function tlsFailureOf(sending: Promise<unknown>): Promise<TransportError> {
  const error = await sending.then(
    () => expect.fail('expected the exchange to fail'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TransportError);
  expect(error).toMatchObject({ code: 'tls' });
  return error as TransportError;
}

describe('mutual TLS through intermediate CAs, trusting the root only (OPENADR.md §7.1)', () => {
  async function vtnPresenting(cert: string): Promise<LoopbackVtn> {
    const server = await startLoopbackVtn({ cert, key: vtnServer.keyPem, ca: root.certPem, requestCert: true, rejectUnauthorized: true });
    cleanups.push(server.close);
    return server;
  }

  it('httpTransport accepts a VTN that presents its chain and is accepted with its own', async () => {
    const server = await vtnPresenting(chainOf(vtnServer));
    server.vtn.answerNext('EiEvent', '<ok/>');
    const tls = { cert: chainOf(venClient), key: venClient.keyPem, ca: root.certPem };
    await expect(send({ vtnUrl: server.url, tls })).resolves.toBe('<ok/>');
    expect(server.requests[0]).toMatchObject({ protocol: 'TLSv1.2', clientCn: 'ven-client' });
  });

  it('httpTransport refuses the same VTN presenting its certificate without the intermediate', async () => {
    const server = await vtnPresenting(vtnServer.certPem);
    const error = await tlsFailureOf(send({ vtnUrl: server.url, tls: { cert: chainOf(venClient), key: venClient.keyPem, ca: root.certPem } }));
    expect((error.cause as { code?: string }).code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(server.requests).toHaveLength(0);
  });

  async function pushServer(): Promise<PushServer> {
    const server = await httpPushServer({ tls: { cert: chainOf(venServer), key: venServer.keyPem, ca: root.certPem, vtnIdentity: { commonName: vtnClientId.commonName } } });
    cleanups.push(() => server.close());
    const subscription = server.inbound$.subscribe((exchange: InboundExchange) => exchange.respond('<pushed-ok/>'));
    cleanups.push(async () => subscription.unsubscribe());
    return server;
  }

  it('httpPushServer accepts a VTN client certificate sent with its intermediate', async () => {
    const server = await pushServer();
    const tls = { cert: chainOf(vtnClientId), key: vtnClientId.keyPem, ca: root.certPem };
    await expect(send({ vtnUrl: server.address, tls })).resolves.toBe('<pushed-ok/>');
  });

  it('httpPushServer refuses that client certificate sent alone in the handshake', async () => {
    const server = await pushServer();
    await tlsFailureOf(send({ vtnUrl: server.address, tls: { cert: vtnClientId.certPem, key: vtnClientId.keyPem, ca: root.certPem } }));
  });
});
