import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, verifyPayload } from '@rxadr/signing';
import { runFingerprint } from '../../testing/src/cli/fingerprint-cli.js';
import { runSign, runVerify } from '../../testing/src/cli/signing-cli.js';
import { createTestCa } from '../../testing/src/pki/pki.js';
import type { TestCa, TestIdentity } from '../../testing/src/pki/pki.js';
import { fixture } from './helpers.js';

/** An in-memory file system and captured output for the command handlers. */
function fakeIo(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (s: string) => out.push(s),
      stderr: (s: string) => err.push(s),
      readFile: (path: string) => {
        const content = files[path];
        if (content === undefined) throw new Error(`ENOENT: no such file '${path}'`);
        return content;
      },
    },
  };
}

/** The commands sign with the system clock, so these certificates are valid now (the default). */
let pki: { ca: { ec: TestCa; rsa: TestCa }; vtn: { ec: TestIdentity; rsa: TestIdentity } };
let files: Record<string, string>;
beforeAll(async () => {
  const [ec, rsa] = await Promise.all([createTestCa({ keyType: 'ec' }), createTestCa()]);
  const [vtnEc, vtnRsa] = await Promise.all([ec.issue({ commonName: 'vtn-ec.test', keyType: 'ec' }), rsa.issue({ commonName: 'vtn-rsa.test' })]);
  pki = { ca: { ec, rsa }, vtn: { ec: vtnEc, rsa: vtnRsa } };
  files = {
    'poll.xml': fixture('oadrPoll.unsigned.xml'),
    'vtn.crt': pki.vtn.ec.certPem,
    'vtn.key': pki.vtn.ec.keyPem,
    'ca.crt': pki.ca.ec.certPem,
    'other-ca.crt': pki.ca.rsa.certPem,
  };
});

function signed(): string {
  const { io, out } = fakeIo(files);
  expect(runSign(['poll.xml', '--cert', 'vtn.crt', '--key=vtn.key'], io)).toBe(0);
  return out.join('');
}

describe('rxadr sign', () => {
  it('prints the signed payload', () => {
    const xml = signed();
    expect(xml).toContain('<ds:Signature');
    expect(verifyPayload(xml, { certificates: [pki.vtn.ec.certPem] }).ok).toBe(true);
  });

  it.each([
    [['poll.xml', '--cert', 'vtn.crt'], /both --cert and --key are required/],
    [['--cert', 'vtn.crt', '--key', 'vtn.key'], /missing <file>/],
    [['poll.xml', '--cert'], /--cert needs a value/],
    [['poll.xml', '--pem', 'x'], /unknown option --pem/],
  ])('exits 2 with usage for %j', (args, message) => {
    const { io, err } = fakeIo(files);
    expect(runSign(args, io)).toBe(2);
    expect(err.join('')).toMatch(message);
    expect(err.join('')).toContain('usage: rxadr sign');
  });

  it('exits 1 saying why when the key does not match', () => {
    const { io, err } = fakeIo({ ...files, 'wrong.key': pki.vtn.rsa.keyPem });
    expect(runSign(['poll.xml', '--cert', 'vtn.crt', '--key', 'wrong.key'], io)).toBe(1);
    expect(err.join('')).toMatch(/^rxadr sign \(invalid-options\): identity\.keyPem does not match identity\.certPem/);
  });
});

describe('rxadr verify', () => {
  it('prints every check and exits 0 for a good signature', () => {
    const { io, out, err } = fakeIo({ ...files, 'signed.xml': signed() });
    const code = runVerify(['signed.xml', '--fingerprint', fingerprint(pki.vtn.ec.certPem), '--ca', 'ca.crt'], io);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const report = out.join('');
    expect(report).toContain(`ok    certificate fingerprint ${fingerprint(pki.vtn.ec.certPem)} matches pin\n`);
    expect(report).toContain('ok    reference #oadrSignedObject digest OK\n');
    expect(report).toMatch(/verified: signed at \S+Z, nonce [0-9a-f]{32}\n$/);
  });

  it('exits 1 and says exactly which check failed', () => {
    const tampered = signed().replace('VEN-1', 'VEN-9');
    const { io, out, err } = fakeIo({ ...files, 'signed.xml': tampered });
    expect(runVerify(['signed.xml', '--cert', 'vtn.crt'], io)).toBe(1);
    expect(out.join('')).toContain('ok    certificate CN=vtn-ec.test (fingerprint');
    expect(err.join('')).toMatch(/^FAIL  digest-mismatch: reference #oadrSignedObject digest mismatch: computed \S+, signed \S+\n$/);
  });

  it('checks at --at, with the window from --window', () => {
    const { io, err } = fakeIo({ ...files, 'signed.xml': signed() });
    expect(runVerify(['signed.xml', '--ca', 'ca.crt', '--at', '2000-01-01T00:00:00Z'], io)).toBe(1);
    expect(err.join('')).toMatch(/^FAIL  expired-certificate: certificate CN=vtn-ec.test is not valid before/);
    const later = fakeIo({ ...files, 'signed.xml': signed() });
    const signedAt = /<dsp:timestamp>([^<]+)</.exec(later.io.readFile('signed.xml'))?.[1] ?? '';
    const inAMinute = new Date(Date.parse(signedAt) + 60_000).toISOString();
    expect(runVerify(['signed.xml', '--ca', 'ca.crt', '--at', inAMinute, '--window', '30'], later.io)).toBe(1);
    expect(later.err.join('')).toMatch(/^FAIL  stale: timestamp \S+ is 60 s old, 30 s outside the 30 s window/);
  });

  it('rejects an untrusted CA and an unsigned file', () => {
    const untrusted = fakeIo({ ...files, 'signed.xml': signed() });
    expect(runVerify(['signed.xml', '--ca', 'other-ca.crt'], untrusted.io)).toBe(1);
    expect(untrusted.err.join('')).toMatch(/^FAIL  untrusted-certificate: /);
    const unsigned = fakeIo(files);
    expect(runVerify(['poll.xml', '--ca', 'ca.crt'], unsigned.io)).toBe(1);
    expect(unsigned.err.join('')).toMatch(/^FAIL  unsigned: /);
  });

  it.each([
    [['signed.xml'], /give at least one --fingerprint, --ca or --cert/],
    [['signed.xml', '--ca', 'ca.crt', '--at', 'yesterday'], /--at 'yesterday' is not an instant/],
    [['signed.xml', '--ca', 'ca.crt', '--window', '0'], /--window '0' is not a positive number/],
    [['signed.xml', '--fingerprint', 'zz'], /is not a fingerprint/],
  ])('exits 2 (usage) or 1 (bad trust) for %j', (args, message) => {
    const { io, err } = fakeIo({ ...files, 'signed.xml': signed() });
    expect(runVerify(args, io)).toBeGreaterThan(0);
    expect(err.join('')).toMatch(message);
  });
});

describe('rxadr-fingerprint', () => {
  it('prints the fingerprint of one certificate, and file + fingerprint for several', () => {
    const one = fakeIo(files);
    expect(runFingerprint(['vtn.crt'], one.io)).toBe(0);
    expect(one.out).toEqual([`${fingerprint(pki.vtn.ec.certPem)}\n`]);
    const two = fakeIo(files);
    expect(runFingerprint(['vtn.crt', 'ca.crt'], two.io)).toBe(0);
    expect(two.out).toEqual([`vtn.crt ${fingerprint(pki.vtn.ec.certPem)}\n`, `ca.crt ${fingerprint(pki.ca.ec.certPem)}\n`]);
  });

  it('exits 1 for a file that is not a certificate and 2 without arguments', () => {
    const bad = fakeIo(files);
    expect(runFingerprint(['vtn.key'], bad.io)).toBe(1);
    expect(bad.err).toEqual(['rxadr-fingerprint: vtn.key: not a PEM certificate\n']);
    expect(runFingerprint([], fakeIo(files).io)).toBe(2);
  });

  it('is a runnable script', () => {
    const source = readFileSync(new URL('../../testing/src/cli/fingerprint-cli.ts', import.meta.url), 'utf8');
    expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});
