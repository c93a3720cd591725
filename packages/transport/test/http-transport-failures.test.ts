import { TransportError, VenError } from '@rxadr/core';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createVenChannel } from '../../core/src/ven/ven-channel.js';
import { httpTransport, TransportConfigError } from '../src/index.js';
import { startFailureSwitch, type FailureSwitch, type SwitchMode } from '../../testing/src/transport/failure-switch.js';
import { startLoopbackVtn, startSilentServer, type LoopbackVtn } from './support/loopback-vtn.js';
import { createPki, type Pki } from './support/pki-fixtures.js';
import { testScope, transportFailure } from './support/test-scope.js';

let pki: Pki;
let vtn: LoopbackVtn;
let front: FailureSwitch;

beforeAll(async () => {
  pki = await createPki('ec');
  const stranger = await createPki('ec', 'stranger');
  const day = 86_400_000;
  const [expired, wrongHost] = await Promise.all([
    pki.ca.issue({ commonName: 'expired-vtn', keyType: 'ec', ipAddresses: ['127.0.0.1'], usage: 'server', notBefore: new Date(Date.now() - 3 * day), notAfter: new Date(Date.now() - day) }),
    pki.ca.issue({ commonName: 'vtn.example.com', keyType: 'ec', hostnames: ['vtn.example.com'], usage: 'server' }),
  ]);
  vtn = await startLoopbackVtn({ cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: true });
  const pair = (identity: { certPem: string; keyPem: string }) => ({ cert: identity.certPem, key: identity.keyPem });
  front = await startFailureSwitch(vtn.port, { untrusted: pair(stranger.server), expired: pair(expired), wrongHost: pair(wrongHost), valid: pair(pki.server) });
});
afterAll(async () => {
  await front.close();
  await vtn.close();
});

const { cleanups, transportFor } = testScope();

const tls = () => ({ cert: pki.client.certPem, key: pki.client.keyPem, ca: pki.ca.certPem });

const failureOf = (transport: ReturnType<typeof httpTransport>): Promise<TransportError> => transportFailure(firstValueFrom(transport.send({ service: 'OadrPoll', body: '<poll/>' })));

/** A one-off server on 127.0.0.1 (https with the valid VTN certificate unless `plain`). */
async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void, plain = false): Promise<string> {
  const server = plain ? createHttpServer(handler) : createHttpsServer({ cert: pki.server.certPem, key: pki.server.keyPem }, handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  );
  return `${plain ? 'http' : 'https'}://127.0.0.1:${port}`;
}

const HTML = '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login"></form></body></html>';

describe('httpTransport failure classes on real loopback sockets (all transient, issue: report data is never dropped)', () => {
  it('reaches the VTN through the switch when it passes traffic (mutual TLS end to end)', async () => {
    front.set('pass');
    vtn.vtn.answerNext('OadrPoll', '<ok/>');
    await expect(firstValueFrom(transportFor({ vtnUrl: front.url, tls: tls() }).send({ service: 'OadrPoll', body: '<poll/>' }))).resolves.toBe('<ok/>');
  });

  it.each<[SwitchMode, TransportError['code'], RegExp]>([
    ['untrusted', 'tls', /^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/],
    ['expired', 'tls', /^CERT_HAS_EXPIRED$/],
    ['wrong-host', 'tls', /^ERR_TLS_CERT_ALTNAME_INVALID$/],
    ['tls13-only', 'tls', /^ERR_SSL_/],
    ['cipher-mismatch', 'tls', /^ERR_SSL_/],
    ['garbage', 'tls', /^ERR_SSL_/],
    ['plain-http', 'tls', /^ERR_SSL_/],
    ['reset', 'connect', /^(ECONNRESET|UND_ERR_SOCKET)$/],
    ['reset-in-handshake', 'tls', /^ECONNRESET$/],
  ])('%s → TransportError(%s), retryable, with the socket error as cause', async (mode, code, cause) => {
    front.set(mode);
    const before = front.accepted[mode] ?? 0;
    const error = await failureOf(transportFor({ vtnUrl: front.url, tls: tls() }));
    expect(error).toMatchObject({ name: 'TransportError', code, retryable: true });
    expect((error.cause as { code?: string }).code).toMatch(cause);
    expect(front.accepted[mode]).toBeGreaterThan(before); // the failure happened on a real connection in that mode
  });

  it('returns an HTML page with status 200 as it is; the engine channel refuses it as VenError(decode)', async () => {
    const url = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML));
    const warnings: string[] = [];
    const transport = transportFor({ vtnUrl: url, tls: { ca: pki.ca.certPem }, logger: { warn: (m) => warnings.push(m) } });
    await expect(firstValueFrom(transport.send({ service: 'OadrPoll', body: '<poll/>' }))).resolves.toBe(HTML);
    expect(warnings.join()).toContain('text/html');
    const channel = createVenChannel(transport, () => undefined);
    const error = await firstValueFrom(channel.send('OadrPoll', { type: 'oadrPoll', venID: 'VEN-1' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VenError);
    expect(error).toMatchObject({ code: 'decode' });
  });

  it('fails an HTTP 503 with an HTML body as a retryable http-status error carrying the body', async () => {
    const url = await startServer((_req, res) => res.writeHead(503, { 'content-type': 'text/html' }).end(HTML));
    const error = await failureOf(transportFor({ vtnUrl: url, tls: { ca: pki.ca.certPem } }));
    expect(error).toMatchObject({ code: 'http-status', status: 503, body: HTML, retryable: true });
  });
});

describe('httpTransport deadline per exchange (deadlineMs)', () => {
  it('fails an answer trickled a few bytes at a time with a retryable timeout, though no read timeout fires', async () => {
    let timer: NodeJS.Timeout | undefined;
    const url = await startServer((_req, res) => {
      const body = Buffer.from(`<?xml version="1.0"?>${' '.repeat(2_000)}<never-complete/>`);
      res.writeHead(200, { 'content-type': 'application/xml', 'content-length': String(body.length) });
      let offset = 0;
      timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        res.write(body.subarray(offset, (offset += 4)));
      }, 10);
    }, true);
    cleanups.push(async () => clearInterval(timer));
    const error = await failureOf(transportFor({ vtnUrl: url, deadlineMs: 300, readTimeout: 5_000 }));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(error.message).toContain('300 ms deadline');
  });

  it('bounds the connect phase too: a server that never completes the TLS handshake', async () => {
    const silent = await startSilentServer();
    cleanups.push(silent.close);
    // connectTimeout is longer than this test may run: only the deadline can end the exchange in time.
    const error = await failureOf(transportFor({ vtnUrl: `https://127.0.0.1:${silent.port}`, tls: { ca: pki.ca.certPem }, connectTimeout: 120_000, deadlineMs: 200 }));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(error.message).toContain('deadline');
  }, 20_000);

  it('leaves an answer within the deadline alone, and keeps the transport usable after a deadline', async () => {
    let slow = true;
    const url = await startServer((_req, res) => {
      if (slow) return void res.writeHead(200, { 'content-type': 'application/xml', 'content-length': '100' }).write('<x');
      res.writeHead(200, { 'content-type': 'application/xml' }).end('<ok/>');
    }, true);
    const transport = transportFor({ vtnUrl: url, deadlineMs: 200 });
    expect(await failureOf(transport)).toMatchObject({ code: 'timeout' });
    slow = false;
    await expect(firstValueFrom(transport.send({ service: 'OadrPoll', body: '<poll/>' }))).resolves.toBe('<ok/>');
  });

  it('rejects a deadline a Node timer cannot hold', () => {
    expect(() => httpTransport({ vtnUrl: 'http://127.0.0.1:1', deadlineMs: 2 ** 31 })).toThrow(TransportConfigError);
    expect(() => httpTransport({ vtnUrl: 'http://127.0.0.1:1', deadlineMs: 0 })).toThrow(TransportConfigError);
  });
});

describe('close()', () => {
  it('is idempotent and fails later sends with aborted', async () => {
    const transport = httpTransport({ vtnUrl: front.url, tls: tls() });
    const first = transport.close?.();
    expect(transport.close?.()).toBe(first);
    await first;
    await expect(firstValueFrom(transport.send({ service: 'OadrPoll', body: '<poll/>' }))).rejects.toMatchObject({ code: 'aborted' });
  });
});
