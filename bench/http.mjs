// HTTP round trips per second of @rxadr/transport's pull client against a loopback VTN,
// next to raw undici on the same server: plain HTTP and mutual TLS (OpenADR profile, TLS 1.2).
// Uses the BUILT package: run `npx tsc -b` first. Standalone: `node bench/http.mjs [count]`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { httpTransport } from '../packages/transport/dist/index.js';

const requireFromTransport = createRequire(new URL('../packages/transport/package.json', import.meta.url));
const { Pool } = requireFromTransport('undici');
const { firstValueFrom } = requireFromTransport('rxjs');

const PATH = '/OpenADR2/Simple/2.0b/OadrPoll';
const REQUEST = '<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"><oadr:oadrSignedObject><oadr:oadrPoll ei:schemaVersion="2.0b" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110"><ei:venID>ven-1</ei:venID></oadr:oadrPoll></oadr:oadrSignedObject></oadr:oadrPayload>';
const ANSWER = Buffer.from('<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"><oadr:oadrSignedObject><oadr:oadrResponse ei:schemaVersion="2.0b" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110"/></oadr:oadrSignedObject></oadr:oadrPayload>');

/** An EC CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI. */
function makePki() {
  const dir = mkdtempSync(join(tmpdir(), 'rxadr-bench-'));
  const ssl = (args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    ssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
    ssl(['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=rxadr bench root', '-days', '2', '-out', 'ca.pem']);
    for (const [name, ext] of [['server', 'subjectAltName=IP:127.0.0.1'], ['client', 'extendedKeyUsage=clientAuth']]) {
      ssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
      ssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=bench-${name}`, '-out', `${name}.csr`]);
      writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
      ssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
    }
    return Object.fromEntries(['ca.pem', 'server.pem', 'server.key', 'client.pem', 'client.key'].map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startVtn(tlsOptions) {
  const handler = (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/xml', 'content-length': String(ANSWER.length) }).end(ANSWER));
  };
  const server = tlsOptions ? createHttpsServer(tlsOptions, handler) : createHttpServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `${tlsOptions ? 'https' : 'http'}://127.0.0.1:${server.address().port}`;
  return { url, close: () => new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); }) };
}

async function timed(count, once) {
  const start = performance.now();
  for (let i = 0; i < count; i += 1) await once();
  return (performance.now() - start) / 1000;
}

/**
 * Times both clients in alternating rounds (swapping which goes first) after a shared warm-up,
 * so that JIT warm-up and server-side drift do not favour whichever client runs second.
 */
async function compare(count, a, b, rounds = 10) {
  for (let i = 0; i < 200; i += 1) {
    await a();
    await b();
  }
  let ta = 0;
  let tb = 0;
  const chunk = Math.ceil(count / rounds);
  for (let round = 0, done = 0; done < count; round += 1, done += chunk) {
    const n = Math.min(chunk, count - done);
    if (round % 2 === 0) {
      ta += await timed(n, a);
      tb += await timed(n, b);
    } else {
      tb += await timed(n, b);
      ta += await timed(n, a);
    }
  }
  return [ta, tb];
}

async function measure(label, url, count, clientTls) {
  const transport = httpTransport({ vtnUrl: url, ...(clientTls && { tls: clientTls }) });
  const pool = new Pool(url, { connections: 4, pipelining: 1, ...(clientTls && { connect: { ...clientTls, ciphers: 'ECDHE-ECDSA-AES128-SHA256:AES128-SHA256', maxVersion: 'TLSv1.2' } }) });
  const body = Buffer.from(REQUEST);
  const raw = async () => {
    const res = await pool.request({ path: PATH, method: 'POST', headers: { 'content-type': 'application/xml', 'content-length': String(body.length) }, body });
    await res.body.text();
  };
  const viaRxadr = () => firstValueFrom(transport.send({ service: 'OadrPoll', body: REQUEST }));
  try {
    const [baseline, rxadr] = await compare(count, raw, viaRxadr);
    return [
      { transport: label, client: 'undici Pool.request (baseline)', requests: count, seconds: baseline, perSecond: count / baseline },
      { transport: label, client: '@rxadr/transport httpTransport', requests: count, seconds: rxadr, perSecond: count / rxadr, relative: baseline / rxadr },
    ];
  } finally {
    await transport.close();
    await pool.destroy();
  }
}

/** Runs the benchmark and prints a table; resolves with the rows. */
export async function run({ count = Number(process.env.RXADR_BENCH_COUNT ?? 2000) } = {}) {
  const pki = makePki();
  const plain = await startVtn();
  const mtls = await startVtn({ cert: pki['server.pem'], key: pki['server.key'], ca: pki['ca.pem'], requestCert: true, rejectUnauthorized: true });
  try {
    const clientTls = { cert: pki['client.pem'], key: pki['client.key'], ca: pki['ca.pem'] };
    const rows = [...(await measure('plain HTTP', plain.url, count)), ...(await measure('mutual TLS 1.2', mtls.url, count, clientTls))];
    console.log(`\nHTTP round trips, sequential, ${count} requests each (loopback, ${ANSWER.length}-byte answers)`);
    console.table(
      rows.map((r) => ({
        transport: r.transport,
        client: r.client,
        'req/s': Math.round(r.perSecond),
        'ms/req': ((r.seconds * 1000) / r.requests).toFixed(3),
        'speed vs baseline': r.relative === undefined ? '1.00' : r.relative.toFixed(2),
      })),
    );
    return rows;
  } finally {
    await plain.close();
    await mtls.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  await run(count === undefined ? {} : { count });
}
