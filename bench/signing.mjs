// Signing and verification, RSA-SHA256 and ECDSA-SHA256, each beside its limit measured in the
// same rounds on the same bytes:
//   signing, of the benchmark messages as the encoder writes them (bench/messages.mjs); limit:
//     crypto.sign over the canonical bytes of the signed object (one SHA-256 over them plus one
//     private-key operation), with parsed keys: no parse, no C14N, nothing XML-specific;
//   verification, of the stored VTN-style fixtures (bench/fixtures/) signed here; limit: raw
//     saxes tokenizing the signed document (xmlns: false, as the decoder runs it) + crypto.verify
//     over the canonical bytes of its signed object (one SHA-256 plus one public-key operation).
// The signing step is (encode + sign) − encode, per round. Goals: signing step <= 2x the signing
// limit; verify + decode <= 2x the verification limit.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { difference, divide, measure, ms, ratio, times } from './timing.mjs';
import { isolatedLimit } from './isolated.mjs';
import { fixtures, messages, sha, kib } from './fixtures.mjs';
import { rawSaxes } from './codec.mjs';
import { decodeMessage, encodeMessage } from '../packages/core/dist/index.js';
import { signPayload, verifyPayload } from '../packages/signing/dist/index.js';
import { createTestCa } from '../packages/testing/dist/index.js';

const SIGNED_AT = new Date('2026-01-01T12:00:00Z');
const CANONICAL = /^<oadr:oadrPayload [^>]*>([\s\S]*)<\/oadr:oadrPayload>$/;

export async function run() {
  const [rsaCa, ecCa] = await Promise.all([createTestCa(), createTestCa({ keyType: 'ec' })]);
  const validity = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') };
  const identities = [
    { key: 'RSA 2048', identity: await rsaCa.issue({ commonName: 'bench-rsa', ...validity }), dsa: {} },
    { key: 'EC P-256', identity: await ecCa.issue({ commonName: 'bench-ec', keyType: 'ec', ...validity }), dsa: { dsaEncoding: 'ieee-p1363' } },
  ];
  console.log('\n## XML signatures (OPENADR.md §7.3), medians [lowest–highest round], ms per message\n');
  console.log(
    '| message / fixture | key | bytes (sha256) | encode | encode + sign | (encode + sign) − encode | sign alone | sha256 + crypto.sign | step / limit | sign alone / limit | verify + decode | raw saxes + crypto.verify | verify+decode / limit | verify + decode, own isolate | limit, own isolate | verify+decode / limit, own isolates |',
  );
  console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const stored = fixtures();
  for (const [i, { label, message }] of messages().entries()) {
    const xml = encodeMessage(message);
    const fixture = stored[i];
    const big = xml.length > 1e6;
    for (const { key, identity, dsa } of identities) {
      const options = { now: () => SIGNED_AT, nonce: () => 'bench-nonce' };
      const trust = { certificates: [identity.certPem] };
      // Signing side: the canonical bytes of the encoder's signed object, exactly as digested.
      const signedOwn = verifyPayload(signPayload(xml, identity, options), trust, { now: SIGNED_AT });
      if (!signedOwn.ok) throw new Error(`${label}: ${signedOwn.reason}: ${signedOwn.message}`);
      const canonical = Buffer.from(CANONICAL.exec(signedOwn.signedObjectXml)?.[1] ?? '', 'utf8');
      // Verification side: the stored fixture, signed; the canonical bytes of its signed object.
      const signed = signPayload(fixture.xml, identity, options);
      const result = verifyPayload(signed, trust, { now: SIGNED_AT });
      if (!result.ok) throw new Error(`${fixture.file}: ${result.reason}: ${result.message}`);
      const fixtureCanonical = Buffer.from(CANONICAL.exec(result.signedObjectXml)?.[1] ?? '', 'utf8');
      const privateKey = { key: createPrivateKey(identity.keyPem), ...dsa };
      const publicKey = { key: createPublicKey(identity.certPem), ...dsa };
      const rawSignature = sign('sha256', fixtureCanonical, privateKey);
      const [isolatedVerifyDecode, isolatedVerifyLimit] = await Promise.all([
        isolatedLimit('verify+decode', { xml: signed, certPem: identity.certPem, now: SIGNED_AT.toISOString() }),
        isolatedLimit('saxes+verify', { xml: signed, canonical: fixtureCanonical, publicKeyPem: identity.certPem, dsa, signature: rawSignature }),
      ]);
      const m = measure(
        {
          encode: () => encodeMessage(message).length,
          encodeSign: () => signPayload(encodeMessage(message), identity, options).length,
          // The signing step alone: signing the document the encoder wrote (the same text as in encodeSign).
          sign: () => signPayload(xml, identity, options).length,
          signLimit: () => sign('sha256', canonical, privateKey),
          verifyDecode: () => {
            const verified = verifyPayload(signed, trust, { now: SIGNED_AT });
            if (!verified.ok || !decodeMessage(verified.signedObjectXml).ok) throw new Error('verification failed');
          },
          verifyLimit: () => {
            rawSaxes(signed, false);
            if (!verify('sha256', fixtureCanonical, publicKey, rawSignature)) throw new Error('limit: signature did not verify');
          },
          isolatedVerifyDecode,
          isolatedVerifyLimit,
        },
        { rounds: big ? 5 : 7, minMs: big ? 100 : 30 },
      );
      await Promise.all([isolatedVerifyDecode.close(), isolatedVerifyLimit.close()]);
      const step = difference(m.encodeSign, m.encode);
      console.log(
        `| ${label} / ${fixture.file} | ${key} | ${kib(xml)} (${sha(xml)}) / ${kib(fixture.xml)} (${sha(fixture.xml)}) | ${ms(m.encode)} | ${ms(m.encodeSign)} | ${ms(step)} | ${ms(m.sign)} | ${ms(m.signLimit)} | ${times(divide(step, m.signLimit))} | ${times(ratio(m.sign, m.signLimit))} ` +
          `| ${ms(m.verifyDecode)} | ${ms(m.verifyLimit)} | ${times(ratio(m.verifyDecode, m.verifyLimit))} ` +
          `| ${ms(m.isolatedVerifyDecode)} | ${ms(m.isolatedVerifyLimit)} | ${times(ratio(m.isolatedVerifyDecode, m.isolatedVerifyLimit))} |`,
      );
    }
  }
  console.log('\nThe signing step is shown both ways: as the difference of two timings (noisy on a busy machine) and timed alone.');
  console.log('Goals: signing step <= 2x (sha256 + crypto.sign); verify + decode <= 2x (raw saxes + sha256 + crypto.verify).');
  console.log(
    'verify + decode includes certificate trust (pinned certificate), every structural check, both digests, the signature' +
      '\nand ReplayProtect (no replay cache, so repeated runs are not replays), then decoding the verified bytes.' +
      '\nVerification is the single pass (one scan: structure, canonical bytes, decode tree); decodeMessage of the verified' +
      '\nbytes returns what that pass decoded, as the engine does after xmlSignatures.' +
      '\n"own isolate": verify + decode and its limit each timed alone in a worker thread, compiled for that use only (in the' +
      '\nmain thread raw saxes runs after rxadr has driven saxes with handlers, which slows it and flatters the ratio).',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
