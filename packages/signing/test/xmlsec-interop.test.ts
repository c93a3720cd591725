import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ECDSA_SHA256, RSA_SHA256, fingerprint, signPayload, verifyPayload } from '@rxadr/signing';
import { createTestCa } from '../../testing/src/pki/pki.js';
import { SIGNED_AT, createTestPki, fixture, hasTool, run, shouldRunWith, withTempDir } from './helpers.js';
import type { TestPki } from './helpers.js';

/**
 * Independent verification with xmlsec1 (libxmlsec1 on OpenSSL), in both directions.
 * `oadr:Id` is a namespace-qualified attribute no DTD declares, so xmlsec1 is told to treat the
 * `Id` attribute of `{http://openadr.org/oadr-2.0b/2012/07}oadrSignedObject` as an ID; the ds
 * `Id` of `ds:Object` is registered the same way (xmlsec1 would also find it on its own).
 */
const ID_ATTRS = [
  '--id-attr:Id',
  'http://openadr.org/oadr-2.0b/2012/07:oadrSignedObject',
  '--id-attr:Id',
  'http://www.w3.org/2000/09/xmldsig#:Object',
];
/** Certificates are checked at the signing instant, not the wall clock. */
const AT_SIGNING_TIME = ['--verification-gmt-time', '2031-05-04 12:00:00'];

const runXmlsec = shouldRunWith('xmlsec1', 'apt-get install xmlsec1');

describe.runIf(runXmlsec)('xmlsec1 interop', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });

  it('xmlsec1 is installed (required under CI=true)', () => {
    expect(hasTool('xmlsec1'), 'xmlsec1 must be installed: apt-get install xmlsec1').toBe(true);
  });

  it('xmlsec1 verifies a signer under an intermediate CA that sends its chain, trusting only the root', async () => {
    const valid = { notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('2040-01-01T00:00:00Z') };
    const root = await createTestCa({ commonName: 'Interop Root', keyType: 'ec' });
    const intermediate = await root.intermediate({ commonName: 'Interop VTN CA', keyType: 'ec', ...valid });
    const vtn = await intermediate.issue({ commonName: 'vtn.interop', keyType: 'ec', ...valid });
    const signed = signPayload(fixture('oadrDistributeEvent.unsigned.xml'), { certPem: vtn.certPem, keyPem: vtn.keyPem, chainPem: vtn.chainPem! }, { now: () => SIGNED_AT });
    withTempDir((_dir, write) => {
      const ca = write('root.pem', root.certPem);
      const ok = run('xmlsec1', ['--verify', '--enabled-reference-uris', 'same-doc', ...ID_ATTRS, ...AT_SIGNING_TIME, '--trusted-pem', ca, write('chain.xml', signed)]);
      expect(ok.stderr).toContain('SignedInfo References (ok/all): 2/2');
      expect(ok.status, ok.stderr).toBe(0);
    });
  });

  describe.each(['rsa', 'ec'] as const)('%s', (keyType) => {
    it('xmlsec1 verifies what rxadr signed, and rejects it once tampered', () => {
      const signed = signPayload(fixture('oadrDistributeEvent.unsigned.xml'), pki.vtn[keyType], { now: () => SIGNED_AT });
      withTempDir((_dir, write) => {
        const ca = write('ca.pem', pki.ca[keyType].certPem);
        const verify = (name: string, xml: string): ReturnType<typeof run> =>
          run('xmlsec1', ['--verify', '--enabled-reference-uris', 'same-doc', ...ID_ATTRS, ...AT_SIGNING_TIME, '--trusted-pem', ca, write(name, xml)]);

        const ok = verify('signed.xml', signed);
        expect(ok.stderr).toContain('SignedInfo References (ok/all): 2/2');
        expect(ok.status, ok.stderr).toBe(0);

        const tampered = verify('tampered.xml', signed.replace('<ei:value>1.0</ei:value>', '<ei:value>9.0</ei:value>'));
        expect(tampered.status).not.toBe(0);
        const replayTampered = verify('replay.xml', signed.replace(/<dsp:nonce>[^<]*</, '<dsp:nonce>0<'));
        expect(replayTampered.status).not.toBe(0);
      });
    });

    it('xmlsec1 verifies rxadr signatures over a root with a default namespace and other prefixes', () => {
      const O = 'http://openadr.org/oadr-2.0b/2012/07';
      const xml =
        `<Z:oadrPayload xmlns="${O}" xmlns:Z="${O}" xmlns:b="urn:unused"><Z:oadrSignedObject Z:Id="oadrSignedObject">` +
        `<oadrPoll><venID xmlns="http://docs.oasis-open.org/ns/energyinterop/201110">v</venID></oadrPoll></Z:oadrSignedObject></Z:oadrPayload>`;
      const signed = signPayload(xml, pki.vtn[keyType], { now: () => SIGNED_AT });
      withTempDir((_dir, write) => {
        const ca = write('ca.pem', pki.ca[keyType].certPem);
        const ok = run('xmlsec1', ['--verify', '--enabled-reference-uris', 'same-doc', ...ID_ATTRS, ...AT_SIGNING_TIME, '--trusted-pem', ca, write('ns.xml', signed)]);
        expect(ok.stderr).toContain('SignedInfo References (ok/all): 2/2');
        expect(ok.status, ok.stderr).toBe(0);
      });
    });

    it('rxadr verifies what xmlsec1 signed from a template', () => {
      const template = fixture('oadrResponse.xmlsec-template.xml')
        .replaceAll('{{signatureMethod}}', keyType === 'rsa' ? RSA_SHA256 : ECDSA_SHA256)
        .replaceAll('{{timestamp}}', '2031-05-04T11:59:58Z')
        .replaceAll('{{nonce}}', `xmlsec-${keyType}-nonce`);
      const vtn = pki.vtn[keyType];
      const signed = withTempDir((dir, write) => {
        const key = `${write('key.pem', vtn.keyPem)},${write('cert.pem', vtn.certPem)}`;
        const output = `${dir}/signed.xml`;
        const result = run('xmlsec1', ['--sign', '--privkey-pem', key, ...ID_ATTRS, '--output', output, write('template.xml', template)]);
        expect(result.status, result.stderr).toBe(0);
        return readFileSync(output, 'utf8');
      });
      expect(signed).toContain('<ds:X509Certificate>');

      const result = verifyPayload(signed, { fingerprints: [fingerprint(vtn.certPem)], ca: [pki.ca[keyType].certPem] }, { now: SIGNED_AT });
      if (!result.ok) expect.fail(`${result.reason}: ${result.message}`);
      expect(result.nonce).toBe(`xmlsec-${keyType}-nonce`);
      expect(result.checks).toContain('reference #prop digest OK');
      expect(result.checks).toContain('timestamp 2 s old, window 60 s');
      expect(result.signedObjectXml).toContain('<ei:responseCode>200</ei:responseCode>');

      const tampered = verifyPayload(signed.replace('<ei:venID>ven-1</ei:venID>', '<ei:venID>ven-2</ei:venID>'), { ca: [pki.ca[keyType].certPem] }, { now: SIGNED_AT });
      expect(tampered).toMatchObject({ ok: false, reason: 'digest-mismatch' });
    });
  });
});
