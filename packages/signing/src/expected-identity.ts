import type { X509Certificate } from 'node:crypto';
import { SignatureError } from './signature-error.js';

/**
 * Who the VTN is, checked on its signer certificate when trust comes from a CA (OPENADR.md §7.1:
 * a CA issues certificates to every VEN and VTN, so "chains to the CA" alone would accept
 * another VEN's certificate). Every field given must hold.
 *
 * @example
 * trust: { ca: [openAdrRoot], identity: { commonName: 'vtn.utility.example', vtnId: 'UTILITY-VTN-1' } }
 */
export interface ExpectedIdentity {
  /** The signer's subject CN must equal one of these (case-insensitive). */
  readonly commonName?: string | readonly string[];
  /**
   * The signer's subjectAltName must contain one of these, written as DNS names (`vtn.example.com`),
   * IP addresses (`192.0.2.7`) or URIs (`urn:example:vtn`); compared case-insensitively for DNS names.
   */
  readonly subjectAltName?: string | readonly string[];
  /**
   * The vtnID the certificate is bound to: it must appear as the subject CN or as a
   * subjectAltName (DNS or URI) of the signer certificate, and every `ei:vtnID` in a verified
   * payload must equal it (checked by `xmlSignatures`).
   */
  readonly vtnId?: string;
}

function list(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** Subject CN values of a certificate (Node prints the subject one `key=value` per line). */
export function commonNamesOf(certificate: X509Certificate): string[] {
  return certificate.subject
    .split('\n')
    .filter((line) => line.startsWith('CN='))
    .map((line) => line.slice(3));
}

/** SAN entries as `DNS`, `IP Address`, `URI`, … with their values. */
export function subjectAltNamesOf(certificate: X509Certificate): { readonly kind: string; readonly value: string }[] {
  const text = certificate.subjectAltName;
  if (text === undefined) return [];
  // Node joins entries with ', ' and quotes values holding a comma as JSON strings.
  const entries = text.match(/[A-Za-z ]+:(?:"(?:[^"\\]|\\.)*"|[^,]*)/g) ?? [];
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    const raw = entry.slice(colon + 1);
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    return { kind: entry.slice(0, colon).trim(), value };
  });
}

/** Checks an expected identity and throws when a field does not hold. */
export function validateExpectedIdentity(identity: ExpectedIdentity, prefix: string): void {
  const fields = [...list(identity.commonName), ...list(identity.subjectAltName)];
  if (fields.some((value) => value.trim() === '') || identity.vtnId?.trim() === '') {
    throw new SignatureError('invalid-options', `${prefix}: names must not be empty`);
  }
  if (fields.length === 0 && identity.vtnId === undefined) {
    throw new SignatureError('invalid-options', `${prefix}: give commonName, subjectAltName and/or vtnId`);
  }
}

/**
 * Checks that `certificate` is who `identity` says (see {@link ExpectedIdentity}).
 * @throws SignatureError `identity-mismatch`, naming what the certificate holds instead
 */
export function checkExpectedIdentity(certificate: X509Certificate, identity: ExpectedIdentity, role: string, checks: string[]): void {
  const cns = commonNamesOf(certificate);
  const sans = subjectAltNamesOf(certificate);
  const subject = certificate.subject.replace(/\n/g, ', ');
  const held = `CN ${cns.join(', ') || '(none)'}; SAN ${sans.map((s) => `${s.kind}:${s.value}`).join(', ') || '(none)'}`;
  const wantedCns = list(identity.commonName);
  if (wantedCns.length > 0) {
    if (!cns.some((cn) => wantedCns.some((wanted) => wanted.toLowerCase() === cn.toLowerCase()))) {
      throw new SignatureError('identity-mismatch', `${role} ${subject} is not the expected VTN: CN must be one of ${wantedCns.join(', ')} (${held})`);
    }
    checks.push(`${role} CN matches the expected identity`);
  }
  const wantedSans = list(identity.subjectAltName);
  if (wantedSans.length > 0) {
    const matches = sans.some((san) =>
      wantedSans.some((wanted) => (san.kind === 'DNS' ? wanted.toLowerCase() === san.value.toLowerCase() : wanted === san.value)),
    );
    if (!matches) {
      throw new SignatureError('identity-mismatch', `${role} ${subject} is not the expected VTN: subjectAltName must include one of ${wantedSans.join(', ')} (${held})`);
    }
    checks.push(`${role} subjectAltName matches the expected identity`);
  }
  if (identity.vtnId !== undefined) {
    const bound = cns.includes(identity.vtnId) || sans.some((san) => (san.kind === 'DNS' || san.kind === 'URI') && san.value === identity.vtnId);
    if (!bound) {
      throw new SignatureError('identity-mismatch', `${role} ${subject} is not bound to vtnID '${identity.vtnId}': it is neither its CN nor a DNS/URI subjectAltName (${held})`);
    }
    checks.push(`${role} is bound to vtnID ${identity.vtnId}`);
  }
}

const VTN_ID = /<(?:[A-Za-z_][\w.-]*:)?vtnID(?:\s[^>]*)?>([^<]*)<\//g;

/**
 * Checks that every `ei:vtnID` in the verified (canonical) signed object equals the configured one.
 * @throws SignatureError `identity-mismatch`
 */
export function checkPayloadVtnId(signedObjectXml: string, vtnId: string, checks: string[]): void {
  for (const match of signedObjectXml.matchAll(VTN_ID)) {
    const value = (match[1] ?? '').trim();
    if (value !== vtnId) {
      throw new SignatureError('identity-mismatch', `payload names vtnID '${value}' but the signer certificate is bound to '${vtnId}'`);
    }
  }
  checks.push(`payload vtnID matches ${vtnId}`);
}
