import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configWarnings, parseVenConfig } from '@rxadr/testing';
import { runCli } from '../src/cli/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rxadr-ven-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const name of ['ven.crt', 'ven.key', 'ca.pem']) writeFileSync(join(dir, name), name);
const read = (path: string): string => readFileSync(path, 'utf8');
const checks = (json: Record<string, unknown>): string[] =>
  configWarnings(parseVenConfig({ venName: 'sim', ...json }, dir, read)).map((warning) => warning.check);
const signing = (extra: Record<string, unknown> = {}) => ({ cert: 'ven.crt', key: 'ven.key', vtnFingerprints: ['09:71:9E:0E:51:C0:8F:05:56:C9'], ...extra });

describe('rxadr ven --check warns about weak configurations', () => {
  it('names plain HTTP, no signatures, system roots and https without any VTN trust', () => {
    expect(checks({ vtnUrl: 'http://vtn.test' })).toEqual(['plain-http', 'no-signatures']);
    expect(checks({ vtnUrl: 'https://vtn.test', tls: { trustSystemRoots: true }, signing: signing(), stateFile: 's.json' })).toEqual(['system-roots']);
    expect(checks({ vtnUrl: 'https://vtn.test', signing: signing(), stateFile: 's.json' })).toEqual(['no-vtn-trust']);
    expect(checks({ vtnUrl: 'https://vtn.test', tls: { ca: 'ca.pem', checkServerIdentity: false }, signing: signing(), stateFile: 's.json' })).toEqual(['no-server-identity']);
  });

  it('names signatures trusting a whole CA, short windows and a nonce cache without a store', () => {
    const tls = { ca: 'ca.pem' };
    expect(checks({ vtnUrl: 'https://vtn.test', tls, signing: signing({ vtnFingerprints: [], vtnCa: 'ca.pem' }), stateFile: 's.json' })).toEqual([
      'signatures-without-identity',
    ]);
    expect(checks({ vtnUrl: 'https://vtn.test', tls, signing: signing({ vtnFingerprints: [], vtnCa: 'ca.pem', vtnIdentity: { commonName: 'vtn' } }), stateFile: 's.json' })).toEqual([]);
    expect(checks({ vtnUrl: 'https://vtn.test', tls, signing: signing({ replayWindowMs: 5_000 }), stateFile: 's.json' })).toEqual(['short-replay-window']);
    expect(checks({ vtnUrl: 'https://vtn.test', tls, signing: signing() })).toEqual(['replay-cache-in-memory']);
    expect(checks({ vtnUrl: 'https://vtn.test', tls, signing: signing({ replayStore: 'nonces.jsonl' }) })).toEqual([]);
  });

  it('puts the nonce file next to the state file by default', () => {
    const config = parseVenConfig({ venName: 'sim', vtnUrl: 'https://vtn.test', tls: { ca: 'ca.pem' }, signing: signing(), stateFile: 'state/ven.json' }, dir, read);
    expect(config.signing?.replayStore).toBe(join(dir, 'state/ven.json.nonces.jsonl'));
  });

  it('prints the warnings on stderr and keeps stdout the one JSON summary', async () => {
    const file = join(dir, 'weak.json');
    writeFileSync(file, JSON.stringify({ vtnUrl: 'http://127.0.0.1:1', venName: 'sim' }));
    const out: string[] = [];
    const err: string[] = [];
    expect(await runCli(['ven', '--config', file, '--check'], { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), readFile: read })).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ kind: 'config', ok: true });
    expect(err.join('')).toContain('rxadr ven: warning (plain-http): http://127.0.0.1:1 is plain HTTP');
  });
});
