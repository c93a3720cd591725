/** Namespace and algorithm identifiers used by OpenADR 2.0b XML signatures (OPENADR.md §2.1, §7.3). */

export const OADR_NS = 'http://openadr.org/oadr-2.0b/2012/07';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const DSP_NS = 'http://openadr.org/oadr-2.0b/2012/07/xmldsig-properties';

/** Inclusive Canonical XML 1.0 without comments: SignedInfo and reference transform (§7.3). */
export const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';

/** The `oadr:Id` of the signed object; reference 1 points at `#oadrSignedObject` (§2.2). */
export const SIGNED_OBJECT_ID = 'oadrSignedObject';
/** `Id` of the `ds:Signature` this library writes; `SignatureProperty/@Target` points at it. */
export const SIGNATURE_ID = 'signature';
/** `Id` of the `ds:Object` holding `dsp:ReplayProtect`; reference 2 points at it ([CPP] naming). */
export const PROPERTIES_ID = 'signatureProperties';

/**
 * Default replay window, in both directions: 60 s.
 *
 * OPENADR.md §7.3 notes that [OL] and [CPP] use 5 s. That only works between hosts whose clocks
 * agree to well under a second: a VEN on a customer site is often a small gateway whose clock
 * drifts or syncs late after boot, and the time between signing and checking includes the
 * connect (≤ 5 s) and read (≤ 10 s) timeouts of one HTTP exchange. 60 s covers both with room to
 * spare. It is not wider (it was 300 s) because the window is also how long a captured message
 * stays usable where the nonce cache cannot help: against a receiver whose cache was lost, or a
 * message held back and delivered late. Exact replays inside the window are refused by the
 * per-signer (timestamp, nonce) cache, persisted across restarts with a `ReplayStore`.
 */
export const DEFAULT_REPLAY_WINDOW_MS = 60_000;
