import { map } from 'rxjs';
import type { Transport } from '@rxadr/core';
import type { VtnKit } from '../mock-vtn/vtn-kit.js';

/** What a scenario can do to the VTN's signed answers (OPENADR.md §7.3). */
export interface VtnSigningControls {
  /** The next poll answer arrives with a signature that does not verify (the mock's `bad-signature` fault). */
  tamperNext(): void;
  /** The next poll answer is the previous one again, byte for byte (the mock's `replay` fault). */
  replayNext(): void;
  /** The next non-empty answer reaches the VEN with its `ds:Signature` removed. */
  unsignedNext(): void;
  /** How many VEN requests the VTN refused for a missing or bad signature (HTTP 403). */
  readonly refused: number;
}

/**
 * Signature faults for a signed scenario run: tampering and replay are injected at the mock
 * VTN; an unsigned answer is made on the way back, by `wrap` around the transport handed to
 * the VEN (below the VEN's own signature check).
 */
export function createSigningControls(vtn: VtnKit): { readonly controls: VtnSigningControls; readonly wrap: (inner: Transport) => Transport } {
  let strip = false;
  const controls: VtnSigningControls = {
    tamperNext: () => vtn.faults.failNext('OadrPoll', 1, 'bad-signature'),
    replayNext: () => vtn.faults.failNext('OadrPoll', 1, 'replay'),
    unsignedNext: () => void (strip = true),
    get refused() {
      return vtn.recorder.requests.filter((r) => r.rejected !== undefined).length;
    },
  };
  const wrap = (inner: Transport): Transport => ({
    ...inner,
    send: (request) =>
      inner.send(request).pipe(
        map((body) => {
          if (!strip || body.trim() === '') return body;
          strip = false;
          return body.replace(/<(\w+:)?Signature[\s>][\s\S]*?<\/\1?Signature>/, '');
        }),
      ),
  });
  return { controls, wrap };
}
