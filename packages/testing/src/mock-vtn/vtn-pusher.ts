import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { decodeMessage, encodeMessage, type OadrService } from '@rxadr/core';
import type { VtnModel } from './vtn-model.js';
import type { VtnRecorder } from './vtn-recorder.js';
import { serviceOfMessage } from '@rxadr/core';
import type { VtnSigning } from './vtn-signing.js';

/** The VEN's HTTP answer to one push. */
export interface PushAnswer {
  readonly status: number;
  readonly body: string;
}

/** POSTs one document to `<address>/OpenADR2/Simple/2.0b/<service>`; emits the answer once or errors. */
export type PushPost = (address: string, service: OadrService, body: string) => Observable<PushAnswer>;

/** A push that did not get a 200. */
export interface PushFailure {
  readonly at: Date;
  readonly venID: string;
  readonly service: OadrService;
  readonly reason: string;
}

/** Delivers queued messages to push VENs (see {@link createVtnPusher}). */
export interface VtnPusher {
  readonly failures: readonly PushFailure[];
  /** Stops delivering; pushes in flight are cancelled. */
  stop(): void;
}

/**
 * Push delivery (OPENADR.md §1.7): for VENs registered with `oadrHttpPullModel=false` and an
 * `oadrTransportAddress`, every queued item is POSTed to that address instead of waiting for a
 * poll, one at a time per VEN, in queue order, signed like every other VTN document. The VEN's
 * HTTP answer (an oadrResponse, as [AV]) is recorded with `via: 'push-answer'`; its real replies
 * (oadrCreatedEvent, …) arrive later as ordinary requests. When the VEN cannot be reached the
 * item goes back to the head of the queue (a later push or a poll picks it up); an HTTP error
 * answer is recorded as a failure and the item is dropped. Deliveries start on `scheduler`, so
 * the in-memory door pushes under virtual time.
 */
export function createVtnPusher(deps: { model: VtnModel; recorder: VtnRecorder; signing: VtnSigning; scheduler: SchedulerLike; post: PushPost }): VtnPusher {
  const { model, recorder, signing, scheduler, post } = deps;
  const busy = new Map<string, Subscription>();
  const failures: PushFailure[] = [];
  let stopped = false;
  const now = (): Date => new Date(scheduler.now());

  function drain(venID: string): void {
    const ven = model.vens.get(venID);
    if (stopped || busy.has(venID) || !ven || ven.pull !== false || !ven.transportAddress) return;
    const item = ven.queue.shift();
    if (!item) return;
    const service: OadrService = 'raw' in item ? 'EiEvent' : serviceOfMessage(item.message.type);
    const body = signing.sign('raw' in item ? item.raw : encodeMessage(item.message));
    recorder.recordSent({ at: now(), service, xml: body, via: 'push', venID });
    const fail = (reason: string): void => void failures.push({ at: now(), venID, service, reason });
    const subscription = post(ven.transportAddress, service, body).subscribe({
      next: (answer) => {
        if (answer.status !== 200) return fail(`HTTP ${answer.status}: ${answer.body.slice(0, 200)}`);
        const verified = answer.body.trim() === '' ? { ok: true as const, xml: '' } : signing.verify(answer.body);
        const decoded = verified.ok && verified.xml !== '' ? decodeMessage(verified.xml) : undefined;
        recorder.record({
          at: now(),
          service,
          xml: answer.body,
          message: decoded?.ok ? decoded.message : undefined,
          fault: undefined,
          via: 'push-answer',
          ...(verified.ok ? {} : { rejected: verified.reason }),
        });
      },
      error: (error: unknown) => {
        busy.delete(venID);
        ven.queue.unshift(item);
        fail(error instanceof Error ? error.message : String(error));
      },
      complete: () => {
        busy.delete(venID);
        drain(venID);
      },
    });
    if (!subscription.closed) busy.set(venID, subscription);
  }

  const stopListening = model.onEnqueue((venID) => {
    const ven = model.vens.get(venID);
    // Only push VENs get a scheduled delivery: pull VENs leave no timer behind (STYLE.md rule 20).
    if (!stopped && ven?.pull === false && ven.transportAddress) scheduler.schedule(() => drain(venID));
  });
  return {
    failures,
    stop() {
      stopped = true;
      stopListening();
      for (const subscription of busy.values()) subscription.unsubscribe();
      busy.clear();
    },
  };
}
