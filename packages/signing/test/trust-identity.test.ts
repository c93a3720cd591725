import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, createHash } from 'node:crypto';
import type { Transport } from '@rxadr/core';
import { firstValueFrom, of } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SignatureError,
  createReplayCache,
  createTlsPeerBinding,
  fileReplayStore,
  fingerprint,
  signPayload,
  verifyPayload,
  xmlSignatures,
} from '@rxadr/signing';
import type { TrustOptions } from '@rxadr/signing';
import { signWithIdentity } from '../src/sign-payload.js';
import { resolveIdentity } from '../src/signing-identity.js';
import type { ResolvedIdentity } from '../src/signing-identity.js';
import { createPrivateKey } from 'node:crypto';
import { ECDSA_SHA256, RSA_SHA256 } from '../src/constants.js';
import { SIGNED_AT, at, createTestPki, fixture } from './helpers.js';
import type { TestPki } from './helpers.js';
import type { TestIdentity } from '../../testing/src/pki/pki.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});

const poll = fixture('oadrPoll.unsigned.xml');
const signedBy = (identity: TestIdentity, nonce = 'n-1', when: Date = SIGNED_AT): string =>
  signPayload(poll, identity, { now: () => when, nonce: () => nonce });

/** Signs with a key the signer's own configuration check would refuse: how a weak peer signs. */
function signedUnchecked(identity: TestIdentity): string {
  const key = createPrivateKey(identity.keyPem);
  const certificate = new X509Certificate(identity.certPem);
  const resolved: ResolvedIdentity = {
    key,
    certificate,
    certificatesBase64: [certificate.raw.toString('base64')],
    method: key.asymmetricKeyType === 'ec' ? ECDSA_SHA256 : RSA_SHA256,
  };
  return signWithIdentity(poll, resolved, { now: () => SIGNED_AT, nonce: () => 'weak' });
}

describe('VTN identity under a CA (finding 1)', () => {
  const caTrust = (extra: Partial<TrustOptions> = {}): TrustOptions => ({ ca: [pki.ca.rsa.certPem], ...extra });

  it('rejects another VEN certificate issued by the same CA when the identity names the VTN', () => {
    const result = verifyPayload(signedBy(pki.otherVen), caTrust({ identity: { commonName: 'vtn-rsa.test' } }), { now: SIGNED_AT });
    expect(result).toMatchObject({ ok: false, reason: 'identity-mismatch' });
    expect(result.ok || result.message).toBe(
      'certificate CN=ven-2.test is not the expected VTN: CN must be one of vtn-rsa.test (CN ven-2.test; SAN (none))',
    );
    expect(result.checks).toContain('certificate chains to trusted CA CN=Test Root RSA (1 link)');
    expect(verifyPayload(signedBy(pki.vtn.rsa), caTrust({ identity: { commonName: 'VTN-RSA.test' } }), { now: SIGNED_AT }).ok).toBe(true);
  });

  it('checks the subjectAltName, and a vtnID bound through CN or SAN', () => {
    const san = { identity: { subjectAltName: 'vtn.example' } };
    expect(verifyPayload(signedBy(pki.vtnSan), caTrust(san), { now: SIGNED_AT })).toMatchObject({ ok: true });
    expect(verifyPayload(signedBy(pki.wrongSan), caTrust(san), { now: SIGNED_AT })).toMatchObject({
      ok: false,
      reason: 'identity-mismatch',
      message: expect.stringContaining('subjectAltName must include one of vtn.example (CN vtn-rsa.test; SAN DNS:evil.example)'),
    });
    expect(verifyPayload(signedBy(pki.vtnSan), caTrust({ identity: { vtnId: 'UTILITY-VTN-1' } }), { now: SIGNED_AT }).ok).toBe(true);
    expect(verifyPayload(signedBy(pki.vtn.rsa), caTrust({ identity: { vtnId: 'UTILITY-VTN-1' } }), { now: SIGNED_AT })).toMatchObject({
      ok: false,
      reason: 'identity-mismatch',
      message: expect.stringContaining("is not bound to vtnID 'UTILITY-VTN-1'"),
    });
  });

  it('applies the identity to pinned certificates too', () => {
    const trust = { fingerprints: [fingerprint(pki.wrongSan.certPem)], identity: { subjectAltName: 'vtn.example' } };
    expect(verifyPayload(signedBy(pki.wrongSan), trust, { now: SIGNED_AT })).toMatchObject({ ok: false, reason: 'identity-mismatch' });
  });

  it('refuses CA-only trust in xmlSignatures unless it says who the VTN is or opts out', () => {
    expect(() => xmlSignatures({ trust: { ca: [pki.ca.rsa.certPem] } })).toThrow(/trust\.ca alone trusts every certificate that CA issued/);
    expect(() => xmlSignatures({ trust: { ca: [pki.ca.rsa.certPem], identity: { commonName: 'vtn-rsa.test' } } })).not.toThrow();
    expect(() => xmlSignatures({ trust: { ca: [pki.ca.rsa.certPem], fingerprints: [fingerprint(pki.vtn.rsa.certPem)] } })).not.toThrow();
    expect(() => xmlSignatures({ trust: { ca: [pki.ca.rsa.certPem], anyCertificateFromCa: true } })).not.toThrow();
    expect(() => xmlSignatures({ trust: { ca: [pki.ca.rsa.certPem], identity: {} } })).toThrow(/give commonName, subjectAltName and\/or vtnId/);
  });

  it('refuses a verified payload naming another vtnID than the one the certificate is bound to', async () => {
    const clock = { now: () => SIGNED_AT.getTime(), schedule: () => { throw new Error('unused'); } };
    const trust = { ca: [pki.ca.rsa.certPem], identity: { vtnId: 'UTILITY-VTN-1' } };
    const answer = (vtnId: string): string =>
      signPayload(fixture('oadrDistributeEvent.unsigned.xml').replace(/<ei:vtnID>[^<]*<\/ei:vtnID>/g, `<ei:vtnID>${vtnId}</ei:vtnID>`), pki.vtnSan, {
        now: () => SIGNED_AT,
      });
    const over = (body: string): Transport => xmlSignatures({ trust, scheduler: clock as never })({ send: () => of(body) });
    await expect(firstValueFrom(over(answer('UTILITY-VTN-1')).send({ service: 'EiEvent', body: '' }))).resolves.toContain('UTILITY-VTN-1');
    await expect(firstValueFrom(over(answer('OTHER-VTN')).send({ service: 'EiEvent', body: '' }))).rejects.toMatchObject({
      code: 'protocol',
      message: expect.stringContaining("(identity-mismatch): payload names vtnID 'OTHER-VTN' but the signer certificate is bound to 'UTILITY-VTN-1'"),
    });
  });
});

describe('key usage and key strength (findings 1, 3)', () => {
  it('refuses a signer without the digitalSignature key usage', () => {
    const result = verifyPayload(signedUnchecked(pki.noDigitalSignature), { fingerprints: [fingerprint(pki.noDigitalSignature.certPem)] }, { now: SIGNED_AT });
    expect(result).toMatchObject({ ok: false, reason: 'key-usage', message: expect.stringContaining('lacks the digitalSignature key usage') });
    expect(() => xmlSignatures({ identity: pki.noDigitalSignature })).toThrow(/identity\.certPem CN=vtn-nods\.test lacks the digitalSignature key usage/);
  });

  it('refuses a signer whose extended key usage is codeSigning only', () => {
    const result = verifyPayload(signedUnchecked(pki.codeSigningOnly), { fingerprints: [fingerprint(pki.codeSigningOnly.certPem)] }, { now: SIGNED_AT });
    expect(result).toMatchObject({ ok: false, reason: 'key-usage', message: expect.stringContaining('1.3.6.1.5.5.7.3.3, none of which allows signing') });
  });

  it('refuses an RSA-1024 peer at verification and as our own identity at configuration', () => {
    const pinned = { fingerprints: [fingerprint(pki.rsa1024.certPem)] };
    expect(verifyPayload(signedUnchecked(pki.rsa1024), pinned, { now: SIGNED_AT })).toMatchObject({
      ok: false,
      reason: 'weak-key',
      message: 'certificate CN=vtn-rsa1024.test: an RSA key of 1024 bits is below the minimum of 2048',
    });
    expect(() => resolveIdentity(pki.rsa1024)).toThrow(expect.objectContaining({ reason: 'weak-key' }));
    expect(() => xmlSignatures({ identity: pki.rsa1024 })).toThrow(SignatureError);
  });

  it('refuses a P-192 peer at verification and as our own identity at configuration', () => {
    const pinned = { fingerprints: [fingerprint(pki.p192.certPem)] };
    expect(new X509Certificate(pki.p192.certPem).publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime192v1');
    expect(verifyPayload(signedUnchecked(pki.p192), pinned, { now: SIGNED_AT })).toMatchObject({
      ok: false,
      reason: 'weak-key',
      message: 'certificate CN=vtn-p192.test: an EC key on P-192 is not accepted; use P-256, P-384 or P-521',
    });
    expect(() => xmlSignatures({ identity: pki.p192 })).toThrow(/P-192 is not accepted/);
  });

  it('refuses an expired pinned certificate', () => {
    const result = verifyPayload(signPayload(poll, pki.expired, { now: () => SIGNED_AT }), { certificates: [pki.expired.certPem] }, { now: SIGNED_AT });
    expect(result).toMatchObject({ ok: false, reason: 'expired-certificate', message: expect.stringContaining('expired at 2030-01-01T00:00:00.000Z') });
  });
});

describe('public-key pins', () => {
  const spkiPin = (identity: TestIdentity, encoding: 'hex' | 'base64'): string =>
    createHash('sha256').update(new X509Certificate(identity.certPem).publicKey.export({ type: 'spki', format: 'der' })).digest(encoding);

  it('accepts the signer by the SHA-256 of its public key, hex or base64, and refuses another key', () => {
    expect(verifyPayload(signedBy(pki.vtn.ec), { publicKeyPins: [spkiPin(pki.vtn.ec, 'hex')] }, { now: SIGNED_AT }).ok).toBe(true);
    expect(verifyPayload(signedBy(pki.vtn.ec), { publicKeyPins: [`sha256/${spkiPin(pki.vtn.ec, 'base64')}`] }, { now: SIGNED_AT }).ok).toBe(true);
    expect(verifyPayload(signedBy(pki.vtn.rsa), { publicKeyPins: [spkiPin(pki.vtn.ec, 'base64')] }, { now: SIGNED_AT })).toMatchObject({
      ok: false,
      reason: 'fingerprint-mismatch',
    });
    expect(() => verifyPayload(signedBy(pki.vtn.rsa), { publicKeyPins: ['abc'] })).toThrow(/trust\.publicKeyPins\[0\] 'abc' is not a public-key pin/);
  });
});

describe('CRL (finding 3)', () => {
  it('refuses a signer its CA revoked, and accepts the others', async () => {
    const crl = await pki.ca.rsa.crl([pki.otherVen.certPem, pki.vtnSan.certPem]);
    expect(crl).toContain('-----BEGIN X509 CRL-----');
    const trust = { ca: [pki.ca.rsa.certPem], crl: [crl] };
    const revoked = verifyPayload(signedBy(pki.vtnSan), trust, { now: SIGNED_AT });
    expect(revoked).toMatchObject({ ok: false, reason: 'revoked-certificate', message: expect.stringContaining('CN=vtn-san.test (serial ') });
    const fine = verifyPayload(signedBy(pki.vtn.rsa), trust, { now: SIGNED_AT });
    expect(fine.ok).toBe(true);
    expect(fine.checks.some((check) => /^certificate serial [0-9A-F]+ not revoked \(1 CRL\)$/.test(check))).toBe(true);
  });

  it('reads DER CRLs and refuses a CRL no configured CA signed', async () => {
    const pem = await pki.strangerCa.crl([pki.stranger.certPem]);
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(() => verifyPayload(signedBy(pki.vtn.rsa), { ca: [pki.ca.rsa.certPem], crl: [der] })).toThrow(/trust\.crl\[0\] is not signed by any certificate in trust\.ca/);
    expect(verifyPayload(signedBy(pki.stranger), { ca: [pki.strangerCa.certPem], crl: [der] }, { now: SIGNED_AT })).toMatchObject({ reason: 'revoked-certificate' });
    expect(() => verifyPayload(signedBy(pki.vtn.rsa), { fingerprints: [fingerprint(pki.vtn.rsa.certPem)], crl: [pem] })).toThrow(/trust\.crl needs trust\.ca/);
    expect(() => verifyPayload(signedBy(pki.vtn.rsa), { ca: [pki.ca.rsa.certPem], crl: ['nope'] })).toThrow(/holds no X509 CRL/);
  });
});

describe('signer bound to the TLS peer', () => {
  it('accepts a signer whose certificate or key a TLS peer presented, and refuses others', () => {
    const peers = createTlsPeerBinding();
    const trust = { ca: [pki.ca.rsa.certPem], anyCertificateFromCa: true, signerIsTlsPeer: peers };
    expect(verifyPayload(signedBy(pki.vtn.rsa), trust, { now: SIGNED_AT })).toMatchObject({
      ok: false,
      reason: 'identity-mismatch',
      message: 'signer CN=vtn-rsa.test is not the TLS peer: no TLS peer certificate was recorded',
    });
    peers.record(new X509Certificate(pki.otherVen.certPem).raw);
    expect(verifyPayload(signedBy(pki.vtn.rsa, 'n-2'), trust, { now: SIGNED_AT })).toMatchObject({ ok: false, reason: 'identity-mismatch' });
    peers.record(new X509Certificate(pki.vtn.rsa.certPem));
    expect(verifyPayload(signedBy(pki.vtn.rsa, 'n-3'), trust, { now: SIGNED_AT }).checks).toContain('signer is the TLS peer');
  });
});

describe('replay cache per sender, persisted (finding 5)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rxadr-replay-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a nonce replayed across a restart of the cache', () => {
    const path = join(dir, 'state', 'replay-nonces.jsonl');
    const trust = { fingerprints: [fingerprint(pki.vtn.ec.certPem)] };
    const message = signedBy(pki.vtn.ec, 'before-restart');
    const first = createReplayCache({ store: fileReplayStore(path) });
    expect(verifyPayload(message, trust, { now: at(1_000), replayCache: first }).ok).toBe(true);
    expect(readFileSync(path, 'utf8')).toContain('"nonce":"before-restart"');
    const afterRestart = createReplayCache({ store: fileReplayStore(path) });
    expect(verifyPayload(message, trust, { now: at(2_000), replayCache: afterRestart })).toMatchObject({
      ok: false,
      reason: 'replayed',
      message: 'nonce before-restart with timestamp 2031-05-04T12:00:00.000Z was already accepted 1 s ago',
    });
    const memoryOnly = createReplayCache();
    expect(verifyPayload(message, trust, { now: at(2_000), replayCache: memoryOnly }).ok).toBe(true);
  });

  it('keeps nonces per sender: the same (timestamp, nonce) from two signers are two messages', () => {
    const cache = createReplayCache({ maxEntries: 2 });
    const trust = { fingerprints: [fingerprint(pki.vtn.ec.certPem), fingerprint(pki.vtn.rsa.certPem)] };
    expect(verifyPayload(signedBy(pki.vtn.ec, 'same'), trust, { now: SIGNED_AT, replayCache: cache }).ok).toBe(true);
    expect(verifyPayload(signedBy(pki.vtn.rsa, 'same'), trust, { now: SIGNED_AT, replayCache: cache }).ok).toBe(true);
    // A flood from one sender evicts only its own entries.
    for (const nonce of ['f1', 'f2', 'f3']) verifyPayload(signedBy(pki.vtn.ec, nonce), trust, { now: SIGNED_AT, replayCache: cache });
    expect(verifyPayload(signedBy(pki.vtn.rsa, 'same'), trust, { now: SIGNED_AT, replayCache: cache })).toMatchObject({ reason: 'replayed' });
    expect(cache.size).toBe(3);
  });

  it('compacts the store to the live entries and skips a torn line', () => {
    const path = join(dir, 'compact.jsonl');
    const cache = createReplayCache({ store: fileReplayStore(path) });
    for (let i = 0; i < 300; i++) cache.remember(at(i * 1_000), `n${i}`, at(i * 1_000), 1_000, 'S');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThan(300);
    const reloaded = createReplayCache({ store: { ...fileReplayStore(path), load: () => [...fileReplayStore(path).load()] } });
    expect(reloaded.remember(at(299_000), 'n299', at(299_500), 1_000, 'S').replayed).toBe(true);
    const torn = join(dir, 'torn.jsonl');
    const store = fileReplayStore(torn);
    store.save({ sender: 'S', timestamp: 1, nonce: 'a', expiresAt: 10, firstSeen: 1 });
    appendFileSync(torn, '{"sender":"S","tim');
    expect(fileReplayStore(torn).load()).toEqual([{ sender: 'S', timestamp: 1, nonce: 'a', expiresAt: 10, firstSeen: 1 }]);
  });
});

describe('strict documents on the signed path (finding 6)', () => {
  it('refuses anything but whitespace and comments after the signed oadrPayload', () => {
    const trust = { fingerprints: [fingerprint(pki.vtn.rsa.certPem)] };
    const message = signedBy(pki.vtn.rsa, 'strict');
    for (const trailer of ['<?pi after?>', 'text', '<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"/>']) {
      expect(verifyPayload(`${message}${trailer}`, trust, { now: SIGNED_AT })).toMatchObject({ ok: false, reason: 'malformed' });
    }
    expect(verifyPayload(`${message}\n<?pi after?>`, trust, { now: SIGNED_AT })).toMatchObject({
      message: 'payload has content after its document element (only whitespace and comments may follow it)',
    });
    expect(verifyPayload(`${message}\n<!-- trailing comment -->\n`, trust, { now: SIGNED_AT }).ok).toBe(true);
  });
});
