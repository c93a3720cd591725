import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestCa } from '../src/pki/pki.js';
import type { KeyType } from '../src/pki/pki.js';

const HOUR_MS = 3_600_000;

describe.each<KeyType>(['rsa', 'ec'])('createTestCa (%s)', (keyType) => {
  it('issues a server certificate that chains to the CA, with SANs and validity', async () => {
    const ca = await createTestCa({ keyType, commonName: `test root ${keyType}` });
    const server = await ca.issue({
      commonName: 'vtn.test',
      keyType,
      hostnames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      usage: 'server',
    });
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(server.certPem);

    expect(caCert.ca).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.subject).toBe('CN=vtn.test');
    expect(cert.issuer).toBe(`CN=test root ${keyType}`);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    const now = Date.now();
    expect(Date.parse(cert.validFrom)).toBeLessThanOrEqual(now);
    expect(Date.parse(cert.validTo)).toBeGreaterThan(now + 300 * 24 * HOUR_MS);
    expect(server.keyType).toBe(keyType);
    expect(server.commonName).toBe('vtn.test');
  });

  it('returns a PKCS#8 key that matches the certificate', async () => {
    const ca = await createTestCa({ keyType });
    const client = await ca.issue({ commonName: 'ven', keyType, usage: 'client' });
    expect(client.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const key = createPrivateKey(client.keyPem);
    expect(key.asymmetricKeyType).toBe(keyType);
    const cert = new X509Certificate(client.certPem);
    expect(cert.checkPrivateKey(key)).toBe(true);
    expect(createPublicKey(key).export({ format: 'pem', type: 'spki' })).toBe(
      cert.publicKey.export({ format: 'pem', type: 'spki' }),
    );
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(cert.subjectAltName).toBeUndefined();
  });
});

describe('createTestCa options', () => {
  it('defaults to RSA 2048 with both extended key usages', async () => {
    const ca = await createTestCa();
    const identity = await ca.issue({ commonName: 'both' });
    const cert = new X509Certificate(identity.certPem);
    expect(identity.keyType).toBe('rsa');
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(new X509Certificate(ca.certPem).subject).toBe('CN=rxadr test CA');
  });

  it('uses P-256 for EC keys', async () => {
    const ca = await createTestCa({ keyType: 'ec' });
    const identity = await ca.issue({ commonName: 'ec', keyType: 'ec' });
    expect(new X509Certificate(identity.certPem).publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('issues an expired certificate on request', async () => {
    const ca = await createTestCa();
    const notAfter = new Date(Date.now() - 24 * HOUR_MS);
    const expired = await ca.issue({
      commonName: 'expired',
      notBefore: new Date(Date.now() - 48 * HOUR_MS),
      notAfter,
    });
    const cert = new X509Certificate(expired.certPem);
    expect(Date.parse(cert.validTo)).toBeLessThan(Date.now());
    expect(Date.parse(cert.validTo)).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  });

  it('issues certificates from different CAs that do not cross-verify', async () => {
    const [a, b] = await Promise.all([createTestCa(), createTestCa({ keyType: 'ec' })]);
    const fromA = new X509Certificate((await a.issue({ commonName: 'x' })).certPem);
    expect(fromA.checkIssued(new X509Certificate(b.certPem))).toBe(false);
    expect(fromA.verify(new X509Certificate(b.certPem).publicKey)).toBe(false);
  });
});

/** The PEM blocks of a bundle, in order. */
function certificatesOf(bundle: string): X509Certificate[] {
  return (bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem));
}

describe.each<KeyType>(['rsa', 'ec'])('TestCa.intermediate (%s)', (keyType) => {
  it('issues a CA certificate signed by the root; leaves chain through it and carry chainPem', async () => {
    const root = await createTestCa({ commonName: 'Test Root', keyType: keyType === 'rsa' ? 'ec' : 'rsa' });
    const intermediate = await root.intermediate({ commonName: 'Test VTN CA', keyType });
    const vtn = await intermediate.issue({ commonName: 'vtn', keyType, hostnames: ['localhost'], usage: 'server' });
    const rootCert = new X509Certificate(root.certPem);
    const intermediateCert = new X509Certificate(intermediate.certPem);
    const leaf = new X509Certificate(vtn.certPem);

    expect(intermediateCert.ca).toBe(true);
    expect(intermediateCert.subject).toBe('CN=Test VTN CA');
    expect(intermediateCert.issuer).toBe('CN=Test Root');
    expect(intermediateCert.checkIssued(rootCert)).toBe(true);
    expect(intermediateCert.verify(rootCert.publicKey)).toBe(true);
    expect(intermediateCert.publicKey.asymmetricKeyType).toBe(keyType);
    expect(intermediate.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(intermediateCert.checkPrivateKey(createPrivateKey(intermediate.keyPem))).toBe(true);

    expect(leaf.ca).toBe(false);
    expect(leaf.issuer).toBe('CN=Test VTN CA');
    expect(leaf.checkIssued(intermediateCert)).toBe(true);
    expect(leaf.verify(intermediateCert.publicKey)).toBe(true);
    expect(leaf.checkIssued(rootCert)).toBe(false);
    expect(leaf.verify(rootCert.publicKey)).toBe(false);

    expect(certificatesOf(vtn.certPem)).toHaveLength(1);
    expect(certificatesOf(vtn.chainPem ?? '').map((cert) => cert.fingerprint256)).toEqual([
      leaf.fingerprint256,
      intermediateCert.fingerprint256,
    ]);
  });
});

describe('TestCa.intermediate options', () => {
  it('nests: a leaf under two intermediates lists both, nearest first, never the root', async () => {
    const root = await createTestCa({ commonName: 'Test Root' });
    const upper = await root.intermediate({ commonName: 'Upper CA', keyType: 'ec' });
    const lower = await upper.intermediate({ commonName: 'Lower CA' });
    const ven = await lower.issue({ commonName: 'ven', keyType: 'ec', usage: 'client' });
    const [leaf, first, second, ...rest] = certificatesOf(ven.chainPem ?? '');
    expect(rest).toHaveLength(0);
    expect([leaf?.subject, first?.subject, second?.subject]).toEqual(['CN=ven', 'CN=Lower CA', 'CN=Upper CA']);
    expect(leaf?.verify(new X509Certificate(lower.certPem).publicKey)).toBe(true);
    expect(first?.checkIssued(new X509Certificate(upper.certPem))).toBe(true);
    expect(second?.verify(new X509Certificate(root.certPem).publicKey)).toBe(true);
    expect(first?.ca && second?.ca).toBe(true);
  });

  it('gives identities issued by the root no chainPem', async () => {
    const root = await createTestCa();
    expect((await root.issue({ commonName: 'direct' })).chainPem).toBeUndefined();
  });

  it('issues an expired intermediate on request, defaulting to five years otherwise', async () => {
    const root = await createTestCa();
    const notAfter = new Date(Date.now() - 24 * HOUR_MS);
    const expired = await root.intermediate({ commonName: 'old CA', notBefore: new Date(Date.now() - 48 * HOUR_MS), notAfter });
    expect(Date.parse(new X509Certificate(expired.certPem).validTo)).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
    const current = new X509Certificate((await root.intermediate({ commonName: 'new CA' })).certPem);
    expect(Date.parse(current.validFrom)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(current.validTo)).toBeGreaterThan(Date.now() + 4 * 365 * 24 * HOUR_MS);
  });

  it.each<KeyType>(['rsa', 'ec'])('with keyPem re-certifies an existing %s key: leaves verify under both versions', async (keyType) => {
    const root = await createTestCa();
    const original = await root.intermediate({ commonName: 'VTN CA', keyType });
    const renewed = await root.intermediate({ commonName: 'VTN CA', keyPem: original.keyPem });
    const originalCert = new X509Certificate(original.certPem);
    const renewedCert = new X509Certificate(renewed.certPem);
    expect(renewedCert.raw.equals(originalCert.raw)).toBe(false);
    expect(renewedCert.publicKey.export({ type: 'spki', format: 'pem' })).toBe(originalCert.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(renewed.keyPem).toBe(original.keyPem);
    const leaf = new X509Certificate((await original.issue({ commonName: 'vtn' })).certPem);
    expect(leaf.checkIssued(renewedCert) && leaf.verify(renewedCert.publicKey)).toBe(true);
    expect(renewedCert.checkIssued(new X509Certificate(root.certPem))).toBe(true);
  });

  it('with ca: false issues a leaf that still signs: OpenSSL refuses it as an issuer', async () => {
    const root = await createTestCa();
    const misused = await root.intermediate({ commonName: 'not a CA', ca: false });
    const leaf = new X509Certificate((await misused.issue({ commonName: 'victim' })).certPem);
    const issuer = new X509Certificate(misused.certPem);
    expect(issuer.ca).toBe(false);
    expect(leaf.verify(issuer.publicKey)).toBe(true);
    // X509_check_issued refuses an issuer whose keyUsage lacks keyCertSign.
    expect(leaf.checkIssued(issuer)).toBe(false);
  });
});
