import { Observable, type SchedulerLike } from 'rxjs';
import { TransportError, type Transport } from '@rxadr/core';
import { createReplayCache, signPayload, verifyPayload, type SigningIdentity } from '@rxadr/signing';

/** What a scenario can do to the VTN's signed answers (OPENADR.md §7.3). */
export interface VtnSigningControls {
  /** The next non-empty answer is changed after signing (its digest no longer matches). */
  tamperNext(): void;
  /** The next non-empty answer is the previous signed answer again, byte for byte (same nonce). */
  replayNext(): void;
  /** The next non-empty answer goes out unsigned. */
  unsignedNext(): void;
  /** How many VEN requests were refused (HTTP 403) for a missing or bad signature. */
  readonly refused: number;
}

export interface VtnSigningDoorOptions {
  /** The VTN's signing identity. */
  readonly identity: SigningIdentity;
  /** Fingerprint of the VEN's signing certificate: requests must be signed by it. */
  readonly venFingerprint: string;
  readonly scheduler: SchedulerLike;
}

/**
 * The VTN side of XML signatures for the in-memory mock VTN: every VEN request must carry a
 * valid signature from the VEN's certificate with fresh ReplayProtect (else HTTP 403, as [OL]'s
 * VTN answers signature failures, §1.5), and every non-empty answer is signed. The request goes
 * on unchanged, so the recorder keeps the exact signed bytes the VEN sent.
 */
export function vtnSigningDoor(options: VtnSigningDoorOptions): { readonly wrap: (inner: Transport) => Transport; readonly controls: VtnSigningControls } {
  const replayCache = createReplayCache();
  const now = (): Date => new Date(options.scheduler.now());
  let plan: 'tamper' | 'replay' | 'unsigned' | undefined;
  let previous: string | undefined;
  let refused = 0;

  const answer = (body: string): string => {
    if (body.trim() === '') return body;
    const step = plan;
    plan = undefined;
    if (step === 'unsigned') return body;
    if (step === 'replay' && previous !== undefined) return previous;
    const signed = signPayload(body, options.identity, { now });
    previous = signed;
    // Changes one character inside the signed object: its digest no longer matches.
    return step === 'tamper' ? signed.replace(/(<[^>]*oadrSignedObject[^>]*>[\s\S]*?<[^/!?][^>]*>)([^<\s][^<]*)/, (_, tag: string, text: string) => `${tag}${text}x`) : signed;
  };

  const controls: VtnSigningControls = {
    tamperNext: () => void (plan = 'tamper'),
    replayNext: () => void (plan = 'replay'),
    unsignedNext: () => void (plan = 'unsigned'),
    get refused() {
      return refused;
    },
  };

  const wrap = (inner: Transport): Transport => ({
    send: (request) =>
      new Observable<string>((subscriber) => {
        const verdict = verifyPayload(request.body, { fingerprints: [options.venFingerprint] }, { now: now(), replayCache });
        if (!verdict.ok) {
          refused += 1;
          subscriber.error(new TransportError('http-status', `${request.service}: the VTN refused the signature (${verdict.reason}): HTTP 403`, { status: 403, body: '' }));
          return;
        }
        return inner.send(request).subscribe({
          next: (body) => subscriber.next(answer(body)),
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
      }),
  });

  return { wrap, controls };
}
