import { detached } from '@rxadr/core/engine';
import { X509Certificate } from 'node:crypto';
import { SignatureError } from './signature-error.js';
import { checkCertificate, resolveTrust } from './trust.js';
import type { ResolvedTrust, TrustOptions } from './trust.js';

/**
 * Parsed `ds:X509Certificate` values by their base64 text: a VTN sends the same certificate on
 * every message, and parsing it is a large share of verifying a small one. Bounded, oldest out.
 */
const parsed = new Map<string, X509Certificate>();
const MAX_CERTIFICATES = 64;

/** The certificate of a `ds:X509Certificate` (base64 DER, whitespace removed), parsed once. */
export function certificateOf(base64: string, index: number): X509Certificate {
  const known = parsed.get(base64);
  if (known !== undefined) return known;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(base64, 'base64'));
  } catch (cause) {
    throw new SignatureError('malformed', `ds:X509Certificate #${index + 1} is not a certificate`, { cause });
  }
  if (parsed.size >= MAX_CERTIFICATES) parsed.delete(parsed.keys().next().value!);
  // Kept across messages: a copy of the text, not a view into the message it was read from.
  parsed.set(detached(base64), certificate);
  return certificate;
}

/** A positive trust decision and the instants between which it holds. */
interface Verdict {
  readonly checks: readonly string[];
  readonly notBefore: number;
  readonly notAfter: number;
}

const verdicts = new WeakMap<ResolvedTrust, Map<string, Verdict>>();
const MAX_VERDICTS = 32;

/**
 * `checkCertificate`, remembering per trust and per `KeyInfo` certificate list a positive
 * verdict together with the validity window of every certificate it relied on (the signer and
 * its chain), so the same signer is not chain-checked on every message; a remembered verdict is
 * used only while `now` lies inside that window. Failures are never remembered, and neither is
 * anything when a TLS peer binding is configured (the peer changes with the connection).
 *
 * @throws SignatureError as `checkCertificate`
 */
export function checkCertificateCached(
  certificatesBase64: readonly string[],
  signer: X509Certificate,
  extra: readonly X509Certificate[],
  trust: ResolvedTrust,
  now: Date,
  checks: string[],
): void {
  if (trust.tlsPeer !== undefined) {
    checkCertificate(signer, extra, trust, now, checks);
    return;
  }
  const key = certificatesBase64.join(' ');
  let known = verdicts.get(trust);
  const at = now.getTime();
  const verdict = known?.get(key);
  if (verdict !== undefined && verdict.notBefore <= at && at <= verdict.notAfter) {
    for (const check of verdict.checks) checks.push(check);
    return;
  }
  const made: string[] = [];
  let relied: readonly X509Certificate[];
  try {
    relied = checkCertificate(signer, extra, trust, now, made);
  } finally {
    for (const check of made) checks.push(check);
  }
  let notBefore = -Infinity;
  let notAfter = Infinity;
  for (const certificate of relied) {
    notBefore = Math.max(notBefore, new Date(certificate.validFrom).getTime());
    notAfter = Math.min(notAfter, new Date(certificate.validTo).getTime());
  }
  if (known === undefined) verdicts.set(trust, (known = new Map()));
  if (known.size >= MAX_VERDICTS) known.delete(known.keys().next().value!);
  known.set(detached(key), { checks: made, notBefore, notAfter });
}

/** Every value `resolveTrust` reads from `trust`, two levels deep, for a cheap "unchanged?" test. */
function snapshotOf(trust: TrustOptions): unknown[] {
  const values: unknown[] = [];
  const add = (value: unknown, depth: number): void => {
    values.push(value);
    if (depth === 0 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return;
    if (Array.isArray(value)) {
      values.push(value.length);
      for (const item of value) add(item, depth - 1);
    } else {
      for (const [key, item] of Object.entries(value)) {
        values.push(key);
        add(item, depth - 1);
      }
    }
  };
  add(trust, 3);
  return values;
}

const resolvedTrusts = new WeakMap<TrustOptions, { readonly snapshot: unknown[]; readonly resolved: ResolvedTrust }>();

/**
 * `resolveTrust` for `verifyPayload`, which callers invoke per message with the same options
 * object: the resolved trust (parsed certificates and CRLs) is reused while every value in the
 * options is still the same (compared one by one, so a changed or added entry resolves again),
 * and with it the trust verdicts remembered for it.
 */
export function resolveTrustCached(trust: TrustOptions): ResolvedTrust {
  const snapshot = snapshotOf(trust);
  const known = resolvedTrusts.get(trust);
  if (known !== undefined && known.snapshot.length === snapshot.length && known.snapshot.every((value, i) => value === snapshot[i])) {
    return known.resolved;
  }
  const resolved = resolveTrust(trust);
  resolvedTrusts.set(trust, { snapshot, resolved });
  return resolved;
}
