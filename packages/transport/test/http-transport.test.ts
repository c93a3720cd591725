import { TransportError } from '@rxadr/core';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';

import { httpTransport, parseVtnUrl } from '../src/index.js';
import { startLoopbackVtn, startSilentServer } from './support/loopback-vtn.js';
import { testScope, transportFailure } from './support/test-scope.js';

const { cleanups, transportFor } = testScope();

const failureOf = (transport: ReturnType<typeof httpTransport>, body = '<x/>'): Promise<TransportError> => transportFailure(firstValueFrom(transport.send({ service: 'OadrPoll', body })));

/** A one-off http server with a custom handler. */
async function startRawServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${port}`;
}

describe('parseVtnUrl (OPENADR.md §1.3)', () => {
  it.each([
    ['https://vtn.example.com', 'https://vtn.example.com', '/OpenADR2/Simple/2.0b'],
    ['https://vtn.example.com/', 'https://vtn.example.com', '/OpenADR2/Simple/2.0b'],
    ['https://vtn.example.com/OpenADR2/Simple/2.0b', 'https://vtn.example.com', '/OpenADR2/Simple/2.0b'],
    ['https://vtn.example.com/OpenADR2/Simple/2.0b//', 'https://vtn.example.com', '/OpenADR2/Simple/2.0b'],
    ['https://vtn.example.com:8443/base/', 'https://vtn.example.com:8443', '/base/OpenADR2/Simple/2.0b'],
    ['http://127.0.0.1:8080/a/OpenADR2/Simple/2.0b/', 'http://127.0.0.1:8080', '/a/OpenADR2/Simple/2.0b'],
  ])('%s → %s + %s', (input, origin, basePath) => {
    expect(parseVtnUrl(input)).toMatchObject({ origin, basePath });
  });
});

describe('httpTransport over plain HTTP', () => {
  it('POSTs application/xml with an explicit Content-Length, never chunked (OPENADR.md §1.4)', async () => {
    const server = await startLoopbackVtn();
    cleanups.push(server.close);
    const body = '<a>é€𝄞</a>';
    await firstValueFrom(transportFor({ vtnUrl: `${server.url}/OpenADR2/Simple/2.0b/` }).send({ service: 'EiEvent', body }));
    const [seen] = server.requests;
    expect(seen).toMatchObject({ method: 'POST', url: '/OpenADR2/Simple/2.0b/EiEvent' });
    expect(seen?.headers['content-type']).toBe('application/xml');
    expect(seen?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(seen?.headers['transfer-encoding']).toBeUndefined();
    expect(seen?.headers.host).toBe(`127.0.0.1:${server.port}`);
  });

  it('keeps a base path in front of the OpenADR prefix', async () => {
    const server = await startLoopbackVtn();
    cleanups.push(server.close);
    const error = await failureOf(transportFor({ vtnUrl: `${server.url}/tenant-7/` }));
    expect(server.requests[0]?.url).toBe('/tenant-7/OpenADR2/Simple/2.0b/OadrPoll');
    expect(error).toMatchObject({ code: 'http-status', status: 404 });
  });

  it('reuses one socket for several requests', async () => {
    const server = await startLoopbackVtn();
    cleanups.push(server.close);
    const transport = transportFor({ vtnUrl: server.url });
    for (let i = 0; i < 5; i += 1) {
      server.vtn.answerNext('OadrPoll', `<r${i}/>`);
      await expect(firstValueFrom(transport.send({ service: 'OadrPoll', body: '<poll/>' }))).resolves.toBe(`<r${i}/>`);
      // undici frees a freshly connected socket for the pool one tick after handing over the
      // body; a request issued in that same tick would open a second socket. A VEN's next
      // request never comes that fast, so the test lets one turn of the event loop pass.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(server.connections()).toBe(1);
  });

  it('accepts a non-XML content type but warns; an empty body is accepted silently', async () => {
    const url = await startRawServer((req, res) => {
      req.resume();
      const body = req.url?.endsWith('EiEvent') ? '<oadrPayload/>' : '';
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(body.length) }).end(body);
    });
    const warnings: string[] = [];
    const transport = transportFor({ vtnUrl: url, logger: { warn: (m) => warnings.push(m) } });
    await expect(firstValueFrom(transport.send({ service: 'EiEvent', body: '<x/>' }))).resolves.toBe('<oadrPayload/>');
    expect(warnings).toEqual([expect.stringContaining('Content-Type text/html')]);
    await expect(firstValueFrom(transport.send({ service: 'OadrPoll', body: '<x/>' }))).resolves.toBe('');
    expect(warnings).toHaveLength(1);
  });

  it('fails an answer that is not UTF-8 with protocol', async () => {
    const url = await startRawServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/xml', 'content-length': '3' }).end(Buffer.from([0x3c, 0xff, 0x3e]));
    });
    expect(await failureOf(transportFor({ vtnUrl: url }))).toMatchObject({ code: 'protocol', retryable: false });
  });

  it('fails an answer above maxResponseBytes with protocol', async () => {
    const url = await startRawServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/xml', 'content-length': '2048' }).end('x'.repeat(2048));
    });
    expect(await failureOf(transportFor({ vtnUrl: url, maxResponseBytes: 1024 }))).toMatchObject({ code: 'protocol' });
  });

  it('maps a refused connection to a retryable connect error with the cause kept', async () => {
    const silent = await startSilentServer();
    await silent.close();
    const error = await failureOf(transportFor({ vtnUrl: `http://127.0.0.1:${silent.port}` }));
    expect(error).toMatchObject({ code: 'connect', retryable: true });
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('maps a reset connection to a retryable connect error', async () => {
    const server = await startSilentServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    cleanups.push(server.close);
    expect(await failureOf(transportFor({ vtnUrl: `http://127.0.0.1:${server.port}` }))).toMatchObject({ code: 'connect', retryable: true });
  });

  it('maps a socket closed without an answer to a retryable connect error', async () => {
    const server = await startSilentServer((socket) => socket.once('data', () => socket.end()));
    cleanups.push(server.close);
    expect(await failureOf(transportFor({ vtnUrl: `http://127.0.0.1:${server.port}` }))).toMatchObject({ code: 'connect', retryable: true });
  });

  it('times out reading from a server that accepts and never answers', async () => {
    const server = await startSilentServer();
    cleanups.push(server.close);
    const error = await failureOf(transportFor({ vtnUrl: `http://127.0.0.1:${server.port}`, readTimeout: 100 }));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(error.message).toContain('read timeout');
  });

  it('times out connecting when the TLS handshake never completes', async () => {
    const server = await startSilentServer();
    cleanups.push(server.close);
    const error = await failureOf(transportFor({ vtnUrl: `https://127.0.0.1:${server.port}`, tls: { trustSystemRoots: true }, connectTimeout: 100 }));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(error.message).toContain('connect timeout');
  });

  it('fails sends after close() with aborted; close() is idempotent', async () => {
    const server = await startLoopbackVtn();
    cleanups.push(server.close);
    const transport = transportFor({ vtnUrl: server.url });
    await Promise.all([transport.close?.(), transport.close?.()]);
    expect(await failureOf(transport)).toMatchObject({ code: 'aborted', retryable: false });
  });

  it('fails an in-flight request with aborted when the transport is closed', async () => {
    const server = await startSilentServer();
    cleanups.push(server.close);
    const transport = transportFor({ vtnUrl: `http://127.0.0.1:${server.port}` });
    const pending = failureOf(transport);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await transport.close?.();
    expect(await pending).toMatchObject({ code: 'aborted' });
  });
});
