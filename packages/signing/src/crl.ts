import { verify, X509Certificate } from 'node:crypto';
import { children, DerError, expectTlv, integerHex, normalizeSerial, oidText, readTime, TAG } from './der.js';
import type { Tlv } from './der.js';
import { SignatureError } from './signature-error.js';

/** A certificate revocation list (RFC 5280 §5) whose signature was checked against a configured CA. */
export interface ResolvedCrl {
  /** The CA certificate that signed the list (one of `trust.ca`). */
  readonly issuer: X509Certificate;
  /** Revoked serial numbers, normalized (upper-case hex, no leading zeros). */
  readonly revoked: ReadonlySet<string>;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
}

const SIGNATURE_HASHES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

interface ParsedCrl {
  readonly tbs: Buffer;
  readonly hash: string;
  readonly signature: Buffer;
  readonly revoked: Set<string>;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
}

/** PEM (`X509 CRL`, bundles allowed) or DER to DER blocks. */
function derBlocks(input: string | Buffer): Buffer[] {
  const text = typeof input === 'string' ? input : input.toString('latin1');
  const pems = text.match(/-----BEGIN (X509 )?CRL-----[\s\S]+?-----END (X509 )?CRL-----/g);
  if (pems !== null) {
    return pems.map((pem) => Buffer.from(pem.replace(/-----(BEGIN|END) (X509 )?CRL-----/g, '').replace(/\s+/g, ''), 'base64'));
  }
  return typeof input === 'string' ? [] : [input];
}

function parseCrl(der: Buffer): ParsedCrl {
  const outer = expectTlv(der, 0, TAG.SEQUENCE);
  const [tbsTlv, algorithm, signatureBits] = children(der, outer);
  if (tbsTlv === undefined || algorithm === undefined || signatureBits?.tag !== TAG.BIT_STRING) throw new DerError('not a CertificateList');
  const algorithmOid = children(der, algorithm)[0];
  const oid = algorithmOid === undefined ? '' : oidText(der, algorithmOid);
  const hash = SIGNATURE_HASHES[oid];
  if (hash === undefined) throw new DerError(`unsupported CRL signature algorithm ${oid}`);
  const fields = children(der, tbsTlv);
  let i = fields[0]?.tag === TAG.INTEGER ? 1 : 0; // optional version
  i += 2; // signature algorithm, issuer
  const thisUpdateTlv = fields[i++];
  if (thisUpdateTlv === undefined) throw new DerError('CRL without thisUpdate');
  let nextUpdate: Date | undefined;
  const maybeNext = fields[i];
  if (maybeNext !== undefined && (maybeNext.tag === TAG.UTC_TIME || maybeNext.tag === TAG.GENERALIZED_TIME)) {
    nextUpdate = readTime(der, maybeNext);
    i++;
  }
  const revoked = new Set<string>();
  const list: Tlv | undefined = fields[i];
  if (list !== undefined && list.tag === TAG.SEQUENCE) {
    for (const entry of children(der, list)) {
      const serial = children(der, entry)[0];
      if (serial?.tag !== TAG.INTEGER) throw new DerError('revoked entry without serial number');
      revoked.add(integerHex(der, serial));
    }
  }
  return {
    tbs: der.subarray(tbsTlv.offset, tbsTlv.end),
    hash,
    // BIT STRING: first content octet is the unused-bit count (0 for signatures).
    signature: der.subarray(signatureBits.start + 1, signatureBits.end),
    revoked,
    thisUpdate: readTime(der, thisUpdateTlv),
    nextUpdate,
  };
}

/**
 * Parses CRLs (PEM or DER) and finds, for each, the CA among `anchors` whose key verifies its
 * signature. A CRL no configured CA signed cannot be trusted and is refused.
 *
 * @throws SignatureError `invalid-options` naming the entry
 */
export function resolveCrls(crls: readonly (string | Buffer)[], anchors: readonly X509Certificate[], prefix: string): ResolvedCrl[] {
  return crls.flatMap((input, index) => {
    const blocks = derBlocks(input);
    if (blocks.length === 0) throw new SignatureError('invalid-options', `${prefix}[${index}] holds no X509 CRL (PEM or DER)`);
    return blocks.map((der) => {
      let parsed: ParsedCrl;
      try {
        parsed = parseCrl(der);
      } catch (cause) {
        throw new SignatureError('invalid-options', `${prefix}[${index}] is not a CRL: ${(cause as Error).message}`, { cause });
      }
      const issuer = anchors.find((ca) => {
        try {
          return verify(parsed.hash, parsed.tbs, { key: ca.publicKey, dsaEncoding: 'der' }, parsed.signature);
        } catch {
          return false;
        }
      });
      if (issuer === undefined) {
        throw new SignatureError(
          'invalid-options',
          `${prefix}[${index}] is not signed by any certificate in trust.ca; a CRL is only believed from a configured CA`,
        );
      }
      return { issuer, revoked: parsed.revoked, thisUpdate: parsed.thisUpdate, nextUpdate: parsed.nextUpdate };
    });
  });
}

/**
 * Refuses a certificate that a CRL from its issuer lists as revoked (RFC 5280 §6.3, simplified:
 * full CRLs from the issuing CA itself, no delta or indirect CRLs). A CRL past its nextUpdate
 * still counts: its revocations do not expire.
 *
 * @throws SignatureError `revoked-certificate`
 */
export function checkRevocation(certificate: X509Certificate, crls: readonly ResolvedCrl[], role: string, checks: string[]): void {
  const serial = normalizeSerial(certificate.serialNumber);
  let consulted = 0;
  for (const crl of crls) {
    if (!certificate.checkIssued(crl.issuer) || !certificate.verify(crl.issuer.publicKey)) continue;
    consulted++;
    if (crl.revoked.has(serial)) {
      throw new SignatureError(
        'revoked-certificate',
        `${role} ${certificate.subject.replace(/\n/g, ', ')} (serial ${serial}) is revoked by the CRL of ${crl.issuer.subject.replace(/\n/g, ', ')} issued ${crl.thisUpdate.toISOString()}`,
      );
    }
  }
  if (consulted > 0) checks.push(`${role} serial ${serial} not revoked (${consulted} CRL${consulted === 1 ? '' : 's'})`);
}
