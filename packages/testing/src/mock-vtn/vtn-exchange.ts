import type { SchedulerLike } from 'rxjs';
import { decodeMessage, type OadrService } from '@rxadr/core';
import { createVtnCodecMemo } from './vtn-codec-memo.js';
import { codedAnswer } from './vtn-coded-answer.js';
import type { Fault, TrickleFault, VtnFaults } from './vtn-faults.js';
import type { VtnModel } from './vtn-model.js';
import type { VtnRecorder } from './vtn-recorder.js';
import type { VtnSigning } from './vtn-signing.js';

/** What a front door does with one request (an HTTP status never carries an OpenADR body, §1.5). */
export type VtnReply =
  | { readonly kind: 'answer'; readonly body: string }
  | { readonly kind: 'status'; readonly status: number; readonly body: string }
  | { readonly kind: 'raw'; readonly status: number; readonly body: string; readonly contentType: string }
  | { readonly kind: 'reset' }
  | { readonly kind: 'timeout' };

/** A reply and how long to hold it back (the `delay` fault), or how to trickle it (the `trickle` fault). */
export interface VtnOutcome {
  readonly reply: VtnReply;
  readonly delayMs: number;
  readonly trickle?: Pick<TrickleFault, 'bytesPerChunk' | 'everyMs'>;
}

/** Well-formed XML is the wrong thing here: an unclosed document. */
export const MALFORMED_XML = '<?xml version="1.0" encoding="UTF-8"?>\n<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"><oadr:oadrSignedObject>';

/** Inserts an element the schema does not allow as the payload's first child. */
export function schemaInvalid(xml: string): string {
  return xml.replace(/(<oadr:oadrSignedObject\b[^>]*>\s*<[^>]*[^/]>)/, '$1<oadr:notInTheSchema>x</oadr:notInTheSchema>');
}

/**
 * The request pipeline shared by both front doors, in the order of OPENADR.md §1.5: fault plan
 * → signature check (HTTP 403 when trust is configured and it fails) → decode (HTTP 400 when
 * it fails) → record (scheduler time) → model (or, for an `openadr-code` fault, a coded answer
 * instead) → encode → sign, then the answer-shaping faults (empty, malformed, schema-invalid,
 * bad signature, replay, trickle). Every request is recorded,
 * including refused and faulted ones.
 */
export function createVtnExchange(deps: { model: VtnModel; faults: VtnFaults; recorder: VtnRecorder; signing: VtnSigning; scheduler: SchedulerLike }) {
  const { model, faults, recorder, signing, scheduler } = deps;
  const lastAnswer = new Map<OadrService, string>();
  // Idle polls and their oadrResponse 200 repeat for every VEN: each is decoded or encoded once;
  // so is an event distributed to the fleet (but for each VEN's requestID).
  const codec = createVtnCodecMemo(() => 2 * model.vens.size + 64, { distributions: !signing.signs });
  const now = (): Date => new Date(scheduler.now());
  const status = (code: number, body: string): VtnOutcome => ({ reply: { kind: 'status', status: code, body }, delayMs: 0 });

  function early(fault: Fault): VtnOutcome | undefined {
    if (fault === 'reset') return { reply: { kind: 'reset' }, delayMs: 0 };
    if (fault === 'timeout') return { reply: { kind: 'timeout' }, delayMs: 0 };
    if (fault === 'http-500') return status(500, 'injected fault');
    if (typeof fault === 'object' && fault.kind === 'http-status') return status(fault.status, 'injected fault');
    if (typeof fault === 'object' && fault.kind === 'raw') {
      return { reply: { kind: 'raw', status: fault.status ?? 200, body: fault.body, contentType: fault.contentType ?? 'text/html; charset=utf-8' }, delayMs: 0 };
    }
    return undefined;
  }

  function shape(service: OadrService, body: string, fault: Fault | undefined): string {
    switch (fault) {
      case 'empty':
        return '';
      case 'malformed':
        return MALFORMED_XML;
      case 'schema-invalid':
        return signing.sign(schemaInvalid(body));
      case 'bad-signature':
        return signing.signBadly(body) ?? signing.sign(body).replace('<oadr:oadrSignedObject', '<oadr:oadrSignedObject data-tampered="1"');
      case 'replay':
        return lastAnswer.get(service) ?? signing.sign(body);
      default: {
        const signed = signing.sign(body);
        lastAnswer.set(service, signed);
        return signed;
      }
    }
  }

  return {
    /** Handles one request a VEN sent to `service`. */
    receive(service: OadrService, body: string): VtnOutcome {
      const hit = faults.next(service, () => {
        const peek = decodeMessage(body);
        return peek.ok ? peek.message.type : undefined;
      });
      const at = now();
      const fault = hit?.fault;
      const stop = fault !== undefined ? early(fault) : undefined;
      if (stop) {
        const decoded = decodeMessage(body);
        recorder.record({ at, service, xml: body, message: decoded.ok ? decoded.message : undefined, fault: hit?.label });
        return stop;
      }
      const verified = signing.verify(body);
      if (!verified.ok) {
        recorder.record({ at, service, xml: body, message: undefined, fault: hit?.label, rejected: verified.reason });
        return status(403, `signature rejected (${verified.reason})`);
      }
      const decoded = codec.decode(verified.xml);
      recorder.record({ at, service, xml: body, message: decoded.ok ? decoded.message : undefined, fault: hit?.label });
      if (!decoded.ok) return status(400, decoded.error.message);
      // An injected OpenADR code answers without applying the request (the model never sees it).
      const answer = typeof fault === 'object' && fault.kind === 'openadr-code' ? codedAnswer(decoded.message, fault, model) : model.handle(decoded.message, service);
      const encoded = shape(service, 'raw' in answer ? answer.raw : codec.encode(answer), fault);
      recorder.recordSent({ at, service, xml: encoded, via: 'answer' });
      const reply: VtnReply = { kind: 'answer', body: encoded };
      if (typeof fault === 'object' && fault.kind === 'trickle') return { reply, delayMs: 0, trickle: { bytesPerChunk: fault.bytesPerChunk, everyMs: fault.everyMs } };
      return { reply, delayMs: typeof fault === 'object' && fault.kind === 'delay' ? fault.ms : 0 };
    },
  };
}

/** The request pipeline (see {@link createVtnExchange}). */
export type VtnExchange = ReturnType<typeof createVtnExchange>;
