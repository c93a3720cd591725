import { X509Certificate } from 'node:crypto';
import { rememberDecoded } from '@rxadr/core/engine';
import { checkCertificateCached, certificateOf, resolveTrustCached } from './certificate-cache.js';
import { checkSignature } from './check-signature.js';
import { checkScannedSignature } from './check-scanned-signature.js';
import { DEFAULT_REPLAY_WINDOW_MS, DSP_NS, OADR_NS } from './constants.js';
import { fullFingerprintOf } from './fingerprint.js';
import { readSignedPayload } from './payload-structure.js';
import { scanPayload } from './scan-payload.js';
import { checkScannedPayload } from './scanned-structure.js';
import type { ReplayCache } from './replay-cache.js';
import { checkReplayWindow, parseDateTime, seconds } from './replay-window.js';
import { SignatureError } from './signature-error.js';
import type { SignatureFailureReason } from './signature-error.js';
import { checkCertificate } from './trust.js';
import type { ResolvedTrust, TrustOptions } from './trust.js';
import type { ScannedElement } from './scan-payload.js';
import { findAll, parseXml, text } from './xml-dom.js';

/** Options of {@link verifyPayload}. */
export interface VerifyOptions {
  /** The instant to check certificate validity and the replay window against. Default: the system clock. */
  readonly now?: Date;
  /** Remembers accepted (timestamp, nonce) pairs per signer; without one, only the window is checked. */
  readonly replayCache?: ReplayCache;
  /** Replay window in ms, applied in both directions; default 60 000 (see `DEFAULT_REPLAY_WINDOW_MS`). */
  readonly replayWindowMs?: number;
}

/** A verified payload: only what the signature covers, plus who signed it and when. */
export interface VerifySuccess {
  readonly ok: true;
  /**
   * A complete `oadr:oadrPayload` document holding only the verified `oadrSignedObject`, built
   * from the canonical bytes that were digested, so decoding it gives exactly what was verified.
   */
  readonly signedObjectXml: string;
  /** The signer certificate, PEM. */
  readonly certificate: string;
  readonly timestamp: Date;
  readonly nonce: string;
  /** Every check made, in words, in order. */
  readonly checks: readonly string[];
}

/** A rejected payload: the reason, exactly what failed, and the checks that passed before. */
export interface VerifyFailure {
  readonly ok: false;
  readonly reason: SignatureFailureReason;
  readonly message: string;
  readonly checks: readonly string[];
}

/** Outcome of {@link verifyPayload}. */
export type VerifyResult = VerifySuccess | VerifyFailure;

/**
 * Verifies a signed `oadrPayload` (OPENADR.md §7.3) in the order §7.3 gives: structure and
 * wrapping defence (rule 514, with `oadr:Id` and the ds `Id` as ID attributes), signer
 * certificate (validity, pins by fingerprint §7.2 or certificate, chain to `ca`), signature value
 * and both reference digests (inclusive C14N, SHA-256, RSA-SHA256 or ECDSA-SHA256 with raw r‖s),
 * then ReplayProtect: timestamp within ±`replayWindowMs` of `now` and (timestamp, nonce) not
 * seen before. Timestamp and nonce are read from the canonical bytes that were digested.
 *
 * Never throws for a bad message; it returns `{ ok: false, reason, message, checks }`. An
 * unsigned payload is always rejected here (`unsigned`): the transport wrapper passes unsigned
 * messages through only when no trust is configured.
 *
 * @throws SignatureError `invalid-options` when `trust` cannot be parsed
 * @example
 * const result = verifyPayload(xml, { fingerprints: ['09:71:9E:0E:51:C0:8F:05:56:C9'] }, { now, replayCache });
 * if (result.ok) decode(result.signedObjectXml); else log(result.reason, result.message);
 */
export function verifyPayload(xml: string, trust: TrustOptions, options: VerifyOptions = {}): VerifyResult {
  return verifyWithTrust(xml, resolveTrustCached(trust), options);
}

/**
 * {@link verifyPayload} with trust resolved once (used by the transport wrapper): the single-pass
 * verifier. One scanner pass gathers what the structural checks need, writes the canonical
 * forms of the signed object, SignedInfo and the ReplayProtect ds:Object, and reads the message
 * of the signed object from its canonical events (core's fast path, no tree); then the structural checks, trust, one signature verification, one
 * SHA-256 per reference and ReplayProtect. The decoded signed object is remembered for core's
 * `decodeMessage(signedObjectXml)`, so the verified message is not parsed a second time.
 */
export function verifyWithTrust(xml: string, trust: ResolvedTrust, options: VerifyOptions = {}): VerifyResult {
  return guarded(xml, trust, options, verifySinglePass);
}

/**
 * The reference verifier: parses into a DOM (xmldom) and canonicalizes with xml-crypto. Same
 * checks, reasons and result as {@link verifyWithTrust}; kept for the differential tests.
 * @internal
 */
export function verifyWithDom(xml: string, trust: ResolvedTrust, options: VerifyOptions = {}): VerifyResult {
  return guarded(xml, trust, options, verifyOrThrow);
}

type Verifier = (xml: string, trust: ResolvedTrust, options: VerifyOptions, checks: string[]) => VerifySuccess;

function guarded(xml: string, trust: ResolvedTrust, options: VerifyOptions, verifier: Verifier): VerifyResult {
  const checks: string[] = [];
  try {
    return verifier(xml, trust, options, checks);
  } catch (error) {
    if (error instanceof SignatureError && error.reason !== 'invalid-options') {
      return { ok: false, reason: error.reason, message: error.message, checks };
    }
    return { ok: false, reason: 'malformed', message: `cannot verify: ${(error as Error).message}`, checks };
  }
}

function verifyOrThrow(xml: string, trust: ResolvedTrust, options: VerifyOptions, checks: string[]): VerifySuccess {
  const now = options.now ?? new Date();
  const windowMs = options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
  const doc = parseXml(xml, 'payload');
  checks.push('well-formed XML');
  const parts = readSignedPayload(doc, checks);
  if (parts === undefined) {
    throw new SignatureError('unsigned', 'payload has no ds:Signature but signed messages are required (trust is configured)');
  }
  const certificates = parts.certificates.map((base64, i) => {
    try {
      return new X509Certificate(Buffer.from(base64, 'base64'));
    } catch (cause) {
      throw new SignatureError('malformed', `ds:X509Certificate #${i + 1} is not a certificate`, { cause });
    }
  });
  const [signer, ...extra] = certificates;
  if (signer === undefined) throw new SignatureError('malformed', 'no signer certificate');
  checkCertificate(signer, extra, trust, now, checks);

  const canonical = checkSignature(parts, signer, checks);
  const { timestamp, nonce } = readReplayProtect(canonical.properties);
  checkReplay(timestamp, nonce, signer, now, windowMs, options, checks);
  return {
    ok: true,
    signedObjectXml: `<oadr:oadrPayload xmlns:oadr="${OADR_NS}">${canonical.signedObject}</oadr:oadrPayload>`,
    certificate: signer.toString(),
    timestamp,
    nonce,
    checks,
  };
}

function verifySinglePass(xml: string, trust: ResolvedTrust, options: VerifyOptions, checks: string[]): VerifySuccess {
  const now = options.now ?? new Date();
  const windowMs = options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
  const scan = scanPayload(xml);
  checks.push('well-formed XML');
  const parts = checkScannedPayload(scan, checks);
  if (parts === undefined) {
    throw new SignatureError('unsigned', 'payload has no ds:Signature but signed messages are required (trust is configured)');
  }
  const [signer, ...extra] = parts.certificates.map(certificateOf);
  if (signer === undefined) throw new SignatureError('malformed', 'no signer certificate');
  checkCertificateCached(parts.certificates, signer, extra, trust, now, checks);

  const canonical = checkScannedSignature(parts, signer, checks);
  const { timestamp, nonce } = readScannedReplayProtect(parts.propertiesObject);
  checkReplay(timestamp, nonce, signer, now, windowMs, options, checks);
  const signedObjectXml = `<oadr:oadrPayload xmlns:oadr="${OADR_NS}">${canonical.signedObject.out}</oadr:oadrPayload>`;
  // What the reader found is what decoding this text gives; where it gave up, decoding the text reports why.
  const decoded = canonical.signedObject.reparsable ? scan.reader?.result : undefined;
  if (decoded !== undefined) rememberDecoded(signedObjectXml, decoded, canonical.signedObject.maxDepth + 1);
  return { ok: true, signedObjectXml, certificate: signer.toString(), timestamp, nonce, checks };
}

/** Timestamp and nonce from the verified ds:Object, read from the events of its canonical form. */
function readScannedReplayProtect(propertiesObject: ScannedElement): { timestamp: Date; nonce: string } {
  const timestampElement = firstDescendant(propertiesObject, 'timestamp');
  const nonceElement = firstDescendant(propertiesObject, 'nonce');
  if (timestampElement === undefined || nonceElement === undefined) {
    throw new SignatureError('replay-missing', 'the signed ds:Object lacks dsp:timestamp or dsp:nonce');
  }
  const timestampText = timestampElement.text.trim();
  const timestamp = parseDateTime(timestampText);
  if (timestamp === undefined) throw new SignatureError('malformed', `dsp:timestamp '${timestampText}' is not an xs:dateTime`);
  const nonce = nonceElement.text.trim();
  if (nonce === '') throw new SignatureError('replay-missing', 'dsp:nonce is empty');
  return { timestamp, nonce };
}

function firstDescendant(element: ScannedElement, local: string): ScannedElement | undefined {
  for (const child of element.children) {
    if (child.ns === DSP_NS && child.local === local) return child;
    const below = firstDescendant(child, local);
    if (below !== undefined) return below;
  }
  return undefined;
}

function checkReplay(
  timestamp: Date,
  nonce: string,
  signer: X509Certificate,
  now: Date,
  windowMs: number,
  options: VerifyOptions,
  checks: string[],
): void {
  checkReplayWindow(timestamp, now, windowMs, checks);
  if (options.replayCache === undefined) {
    checks.push('no replay cache configured: nonce not checked for reuse');
  } else {
    const seen = options.replayCache.remember(timestamp, nonce, now, windowMs, fullFingerprintOf(signer));
    if (seen.replayed) {
      const ago = seen.firstSeen === undefined ? '' : ` ${seconds(now.getTime() - seen.firstSeen.getTime())} ago`;
      throw new SignatureError('replayed', `nonce ${nonce} with timestamp ${timestamp.toISOString()} was already accepted${ago}`);
    }
    checks.push(`nonce ${nonce} not seen within the window`);
  }
}

/** Reads timestamp and nonce from the canonical (verified) bytes of the ReplayProtect object. */
function readReplayProtect(canonicalObject: string): { timestamp: Date; nonce: string } {
  const doc = parseXml(canonicalObject, 'signed ds:Object');
  const [timestampElement] = findAll(doc, DSP_NS, 'timestamp');
  const [nonceElement] = findAll(doc, DSP_NS, 'nonce');
  if (timestampElement === undefined || nonceElement === undefined) {
    throw new SignatureError('replay-missing', 'the signed ds:Object lacks dsp:timestamp or dsp:nonce');
  }
  const timestamp = parseDateTime(text(timestampElement));
  if (timestamp === undefined) {
    throw new SignatureError('malformed', `dsp:timestamp '${text(timestampElement)}' is not an xs:dateTime`);
  }
  const nonce = text(nonceElement);
  if (nonce === '') throw new SignatureError('replay-missing', 'dsp:nonce is empty');
  return { timestamp, nonce };
}
