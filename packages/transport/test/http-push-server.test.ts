import { type InboundExchange } from '@rxadr/core';
import { firstValueFrom, type Subscription } from 'rxjs';
import { connect } from 'node:net';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  certificateFingerprint,
  httpPushServer,
  httpTransport,
  pushTransport,
  TransportConfigError,
  type HttpPushServerOptions,
  type HttpTransportTlsOptions,
  type PushServer,
} from '../src/index.js';
import { createPki, type Pki } from './support/pki-fixtures.js';
import { testScope, transportFailure } from './support/test-scope.js';

let ven: Pki; // the VEN's push-server identity and the CA it trusts for VTN clients
let vtn: Pki; // the VTN's client identity, from the same CA
let stranger: Pki;

beforeAll(async () => {
  [ven, stranger] = await Promise.all([createPki('rsa', 'push'), createPki('ec', 'stranger')]);
  vtn = ven;
});

const { cleanups } = testScope();

async function startServer(options: HttpPushServerOptions): Promise<PushServer> {
  const server = await httpPushServer(options);
  cleanups.push(() => server.close());
  return server;
}

function serverTls(extra: NonNullable<HttpPushServerOptions['tls']> = {}): NonNullable<HttpPushServerOptions['tls']> {
  return { cert: ven.server.certPem, key: ven.server.keyPem, ca: ven.ca.certPem, vtnIdentity: { commonName: vtn.client.commonName }, ...extra };
}

/** The VTN side: our own pull client pointed at the push server. */
function vtnClient(address: string, tls: HttpTransportTlsOptions = { cert: vtn.client.certPem, key: vtn.client.keyPem, ca: ven.ca.certPem }) {
  const client = httpTransport({ vtnUrl: address, tls });
  cleanups.push(() => client.close?.() ?? Promise.resolve());
  return client;
}

function answerAll(server: PushServer, answer: (exchange: InboundExchange) => void): InboundExchange[] {
  const seen: InboundExchange[] = [];
  const subscription: Subscription = server.inbound$.subscribe((exchange) => {
    seen.push(exchange);
    answer(exchange);
  });
  cleanups.push(async () => subscription.unsubscribe());
  return seen;
}

const failureOf = transportFailure;

const EVENT = '<oadrPayload><oadrSignedObject><oadrDistributeEvent>ü</oadrDistributeEvent></oadrSignedObject></oadrPayload>';
const RESPONSE = '<oadrPayload><oadrSignedObject><oadrResponse>200</oadrResponse></oadrSignedObject></oadrPayload>';

describe('httpPushServer over mutual TLS (OPENADR.md §1.7, §7.1)', () => {
  it('hands a pushed request to inbound$ and returns the answer as 200 application/xml', async () => {
    const server = await startServer({ tls: serverTls() });
    expect(server.address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const seen = answerAll(server, (exchange) => exchange.respond(RESPONSE));
    const answer = await firstValueFrom(vtnClient(server.address).send({ service: 'EiEvent', body: EVENT }));
    expect(answer).toBe(RESPONSE);
    expect(seen.map(({ service, body }) => ({ service, body }))).toEqual([{ service: 'EiEvent', body: EVENT }]);
  });

  it('sets Content-Type and Content-Length on the answer', async () => {
    const server = await startServer({});
    answerAll(server, (exchange) => exchange.respond(RESPONSE));
    const res = await request(`${server.address}/OpenADR2/Simple/2.0b/EiEvent`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: EVENT,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(RESPONSE)));
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(await res.body.text()).toBe(RESPONSE);
  });

  it('speaks only the OpenADR profile: a TLS 1.3-only VTN cannot connect', async () => {
    const server = await startServer({ tls: serverTls() });
    const client = vtnClient(server.address, { cert: vtn.client.certPem, key: vtn.client.keyPem, ca: ven.ca.certPem, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
    expect(await failureOf(firstValueFrom(client.send({ service: 'EiEvent', body: EVENT })))).toMatchObject({ code: 'tls' });
  });

  it('refuses a VTN client certificate from another CA in the handshake', async () => {
    const server = await startServer({ tls: serverTls() });
    const seen = answerAll(server, (exchange) => exchange.respond(RESPONSE));
    const client = vtnClient(server.address, { cert: stranger.client.certPem, key: stranger.client.keyPem, ca: ven.ca.certPem });
    expect(await failureOf(firstValueFrom(client.send({ service: 'EiEvent', body: EVENT })))).toMatchObject({ code: 'tls' });
    expect(seen).toHaveLength(0);
  });

  it('refuses a VTN without a client certificate', async () => {
    const server = await startServer({ tls: serverTls() });
    const client = vtnClient(server.address, { ca: ven.ca.certPem });
    expect(await failureOf(firstValueFrom(client.send({ service: 'EiEvent', body: EVENT })))).toMatchObject({ code: 'tls' });
  });

  it('accepts a VTN whose fingerprint is pinned, even without a CA', async () => {
    const pin = certificateFingerprint(stranger.client.certPem);
    const server = await startServer({ tls: { cert: ven.server.certPem, key: ven.server.keyPem, pinnedFingerprints: [pin.toLowerCase()] } });
    answerAll(server, (exchange) => exchange.respond(RESPONSE));
    const client = vtnClient(server.address, { cert: stranger.client.certPem, key: stranger.client.keyPem, ca: ven.ca.certPem });
    await expect(firstValueFrom(client.send({ service: 'EiEvent', body: EVENT }))).resolves.toBe(RESPONSE);
  });

  it('answers 403 to a trusted VTN whose fingerprint is not pinned', async () => {
    const server = await startServer({ tls: serverTls({ pinnedFingerprints: [certificateFingerprint(stranger.client.certPem)] }) });
    const seen = answerAll(server, (exchange) => exchange.respond(RESPONSE));
    const error = await failureOf(firstValueFrom(vtnClient(server.address).send({ service: 'EiEvent', body: EVENT })));
    expect(error).toMatchObject({ code: 'http-status', status: 403, retryable: false });
    expect(error.body).toContain('not pinned');
    expect(seen).toHaveLength(0);
  });

  it('answers 403 when only pins are configured and the VTN sends no certificate', async () => {
    const server = await startServer({ tls: { cert: ven.server.certPem, key: ven.server.keyPem, pinnedFingerprints: [certificateFingerprint(vtn.client.certPem)] } });
    const error = await failureOf(firstValueFrom(vtnClient(server.address, { ca: ven.ca.certPem }).send({ service: 'EiEvent', body: EVENT })));
    expect(error).toMatchObject({ code: 'http-status', status: 403 });
  });
});

describe('httpPushServer request screening', () => {
  async function post(server: PushServer, path: string, init: { method?: string; contentType?: string; body?: string } = {}) {
    const res = await request(`${server.address}${path}`, {
      method: (init.method ?? 'POST') as 'POST',
      headers: { 'content-type': init.contentType ?? 'application/xml' },
      ...(init.method === 'GET' ? {} : { body: init.body ?? EVENT }),
    });
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  }

  it.each([
    ['an unknown service', 404, '/OpenADR2/Simple/2.0b/EiNothing', {}],
    ['a path outside the prefix', 404, '/EiEvent', {}],
    ['GET on a service path', 405, '/OpenADR2/Simple/2.0b/EiEvent', { method: 'GET' }],
    ['PUT on a service path', 405, '/OpenADR2/Simple/2.0b/EiReport', { method: 'PUT' }],
    ['a JSON body', 415, '/OpenADR2/Simple/2.0b/EiEvent', { contentType: 'application/json' }],
  ] as const)('answers %s with %i', async (_case, status, path, init) => {
    const server = await startServer({});
    const seen = answerAll(server, (exchange) => exchange.respond(RESPONSE));
    const res = await post(server, path, init);
    expect(res.status).toBe(status);
    if (status === 405) expect(res.headers.allow).toBe('POST');
    expect(seen).toHaveLength(0);
  });

  it('accepts text/xml with a charset and a trailing slash', async () => {
    const server = await startServer({});
    const seen = answerAll(server, (exchange) => exchange.respond(''));
    const res = await post(server, '/OpenADR2/Simple/2.0b/OadrPoll/?x=1', { contentType: 'text/xml; charset=UTF-8' });
    expect(res).toMatchObject({ status: 200, body: '' });
    expect(seen[0]?.service).toBe('OadrPoll');
  });

  it('answers 413 to a body above maxBodyBytes', async () => {
    const server = await startServer({ maxBodyBytes: 64 });
    answerAll(server, (exchange) => exchange.respond(''));
    expect((await post(server, '/OpenADR2/Simple/2.0b/EiEvent', { body: 'x'.repeat(65) })).status).toBe(413);
  });

  it('answers 408 and closes the connection when the VTN trickles its request past requestTimeout', async () => {
    const server = await startServer({ requestTimeout: 300 });
    const seen = answerAll(server, (exchange) => exchange.respond(''));
    const { port, hostname } = new URL(server.address);
    const socket = connect(Number(port), hostname);
    let timer: NodeJS.Timeout | undefined;
    cleanups.push(async () => (clearInterval(timer), void socket.destroy()));
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.once('close', () => resolve(text));
      socket.on('error', () => undefined);
    });
    socket.write(`POST /OpenADR2/Simple/2.0b/EiEvent HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/xml\r\ncontent-length: 10000\r\n\r\n`);
    timer = setInterval(() => socket.writable && socket.write('<'), 20);
    expect(await answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(seen).toHaveLength(0);
  });

  it('answers 503 when nobody listens on inbound$', async () => {
    const server = await startServer({});
    expect((await post(server, '/OpenADR2/Simple/2.0b/EiEvent')).status).toBe(503);
  });

  it('answers 503 when the exchange is not answered in time', async () => {
    const server = await startServer({ answerTimeout: 50 });
    const seen = answerAll(server, () => undefined);
    const res = await post(server, '/OpenADR2/Simple/2.0b/EiEvent');
    expect(res.status).toBe(503);
    expect(res.body).toContain('no answer within 50 ms');
    expect(seen).toHaveLength(1);
  });

  it('answers reject(status, reason) with that status; later answers are dropped with a warning', async () => {
    const warnings: string[] = [];
    const server = await startServer({ logger: { warn: (m) => warnings.push(m) } });
    answerAll(server, (exchange) => {
      exchange.reject(400, 'undecodable oadrPayload');
      exchange.respond(RESPONSE);
    });
    expect(await post(server, '/OpenADR2/Simple/2.0b/EiEvent')).toMatchObject({ status: 400, body: 'undecodable oadrPayload' });
    expect(warnings).toEqual([expect.stringContaining('already settled')]);
  });

  it('answers an exchange asynchronously', async () => {
    const server = await startServer({});
    answerAll(server, (exchange) => setTimeout(() => exchange.respond(RESPONSE), 10));
    expect(await post(server, '/OpenADR2/Simple/2.0b/EiOpt')).toMatchObject({ status: 200, body: RESPONSE });
  });

  it('answers pending exchanges 503 and completes inbound$ on close()', async () => {
    const server = await startServer({});
    let completed = false;
    const received: InboundExchange[] = [];
    server.inbound$.subscribe({ next: (e) => received.push(e), complete: () => (completed = true) });
    const pending = post(server, '/OpenADR2/Simple/2.0b/EiEvent');
    while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all([server.close(), server.close()]);
    expect((await pending).status).toBe(503);
    expect(completed).toBe(true);
  });
});

describe('pushTransport', () => {
  it('sends through the pull client, receives through the push server, and closes both', async () => {
    const vtnEndpoint = await startServer({}); // stands in for the VTN's own endpoint
    const atVtn = answerAll(vtnEndpoint, (exchange) => exchange.respond(RESPONSE));
    const venServer = await httpPushServer({});
    const transport = pushTransport(httpTransport({ vtnUrl: vtnEndpoint.address }), venServer);
    cleanups.push(() => transport.close?.() ?? Promise.resolve());
    expect(transport.pushAddress).toBe(venServer.address);
    expect(transport.inbound$).toBe(venServer.inbound$);

    await expect(firstValueFrom(transport.send({ service: 'EiEvent', body: '<created/>' }))).resolves.toBe(RESPONSE);
    expect(atVtn.map((e) => e.body)).toEqual(['<created/>']);

    const pushed = transport.inbound$?.subscribe((exchange) => exchange.respond(`<ack>${exchange.service}</ack>`));
    cleanups.push(async () => pushed?.unsubscribe());
    const res = await request(`${venServer.address}/OpenADR2/Simple/2.0b/EiReport`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<oadrCreateReport/>',
    });
    expect(await res.body.text()).toBe('<ack>EiReport</ack>');

    await transport.close?.();
    expect(await failureOf(firstValueFrom(transport.send({ service: 'OadrPoll', body: '<poll/>' })))).toMatchObject({ code: 'aborted' });
    await expect(request(`${venServer.address}/OpenADR2/Simple/2.0b/EiEvent`, { method: 'POST', body: '<x/>' })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('advertises publicUrl, without trailing slash, as the push address', async () => {
    const server = await startServer({ publicUrl: 'https://ven.example.com:8443/' });
    expect(server.address).toBe('https://ven.example.com:8443');
  });
});

describe('resolveHttpPushServerOptions', () => {
  it.each<[string, () => HttpPushServerOptions, string, string]>([
    ['TLS without any way to check the VTN', () => ({ tls: { cert: ven.server.certPem, key: ven.server.keyPem } }), 'invalid-option', 'tls.ca'],
    ['TLS without a server identity', () => ({ tls: { ca: ven.ca.certPem } }), 'incomplete-identity', 'tls.cert'],
    ['a malformed pin', () => ({ tls: serverTls({ pinnedFingerprints: ['12:34'] }) }), 'invalid-fingerprint', 'tls.pinnedFingerprints[0]'],
    ['a server key that does not match', () => ({ tls: serverTls({ key: stranger.server.keyPem }) }), 'key-mismatch', 'tls.key'],
    ['a port out of range', () => ({ port: 70_000 }), 'invalid-option', 'port'],
    ['a relative public URL', () => ({ publicUrl: 'ven.example.com' }), 'invalid-url', 'publicUrl'],
    ['a request timeout no Node timer can hold', () => ({ requestTimeout: 2 ** 31 }), 'invalid-option', 'requestTimeout'],
  ])('rejects %s', async (_case, options, code, option) => {
    const error = await httpPushServer(options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportConfigError);
    expect(error).toMatchObject({ code, option });
  });

  it('reports a port in use as a TransportConfigError', async () => {
    const first = await startServer({});
    const port = Number(new URL(first.address).port);
    await expect(httpPushServer({ port })).rejects.toMatchObject({ code: 'invalid-option', option: 'port' });
  });
});
