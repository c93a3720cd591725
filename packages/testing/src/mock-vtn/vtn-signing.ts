import type { SchedulerLike } from 'rxjs';
import { createReplayCache, signPayload, verifyPayload, xmlSignatures, type SigningIdentity, type TrustOptions } from '@rxadr/signing';

/** XML signatures on the VTN side (OPENADR.md §7.3). */
export interface MockVtnSigningOptions {
  /** Signs every document the VTN sends (answers and pushes). */
  readonly identity?: SigningIdentity;
  /** When set, every request must be signed by a trusted VEN; failures are answered HTTP 403 ([OL], §1.5). */
  readonly trust?: TrustOptions;
  /** Replay window in ms, both ways. Default 300 000. */
  readonly replayWindowMs?: number;
}

/** The VTN's signing step: verify what arrives, sign what leaves. */
export interface VtnSigning {
  /** The document to decode (only what was signed, STYLE.md rule 12), or why it is refused. */
  verify(xml: string): { readonly ok: true; readonly xml: string } | { readonly ok: false; readonly reason: string };
  /** True when an identity is configured: what the VTN sends is signed. */
  readonly signs: boolean;
  /** Signs `xml` when an identity is configured; '' and documents that cannot be signed (raw test XML) stay as they are. */
  sign(xml: string): string;
  /** Signs and then corrupts the SignatureValue (the `bad-signature` fault). */
  signBadly(xml: string): string | undefined;
}

/**
 * Creates the signing step. Options are checked once, here, with the same rules as the VEN's
 * `xmlSignatures` (a bad identity or trust entry throws `SignatureError('invalid-options')`).
 * Timestamps come from `scheduler`.
 */
export function createVtnSigning(options: MockVtnSigningOptions | undefined, scheduler: SchedulerLike): VtnSigning {
  xmlSignatures({ ...options, scheduler }); // validates identity and trust eagerly
  const replayCache = createReplayCache();
  const now = (): Date => new Date(scheduler.now());
  const sign = (xml: string): string => {
    if (!options?.identity || xml.trim() === '') return xml;
    try {
      return signPayload(xml, options.identity, { now });
    } catch {
      return xml; // raw test documents that are not an unsigned oadrPayload go out as they are
    }
  };
  return {
    verify(xml) {
      if (!options?.trust) return { ok: true, xml };
      const result = verifyPayload(xml, options.trust, { now: now(), replayCache, ...(options.replayWindowMs !== undefined ? { replayWindowMs: options.replayWindowMs } : {}) });
      return result.ok ? { ok: true, xml: result.signedObjectXml } : { ok: false, reason: `${result.reason}: ${result.message}` };
    },
    signs: options?.identity !== undefined,
    sign,
    signBadly(xml) {
      if (!options?.identity) return undefined;
      return sign(xml).replace(/(<ds:SignatureValue>)(.)/, (_m, tag: string, first: string) => `${tag}${first === 'A' ? 'B' : 'A'}`);
    },
  };
}
