import type { SchedulerLike, Subscription, Observable } from 'rxjs';
import type { OadrMessage } from '../model/message.js';
import { isTransportError } from '../transport/transport-error.js';
import { createDeliveryBuffer, type BufferFullPolicy } from './delivery-buffer.js';
import { scheduleClamped } from '../time/clamped-timer.js';

/** A protocol message of the module's own (metadata, answers to embedded or piggy-backed requests, requests to the VTN). */
export interface ControlItem {
  readonly description: string;
  build(venID: string): OadrMessage;
  answered(answer: OadrMessage | undefined): void;
}

/**
 * How failed sends are retried: exponential backoff from `initialMs` to `maxMs`. Retryable
 * failures (connect, timeout, HTTP 5xx) are retried until they succeed. Any other HTTP status
 * also means "not delivered" (OPENADR.md §1.5), so it is retried too, but at most
 * `maxRefusedAttempts` times in all: a VTN that keeps answering 4xx would otherwise hold every
 * later report behind this one.
 */
export interface RetryPolicy {
  readonly initialMs: number;
  readonly factor: number;
  readonly maxMs: number;
  readonly maxRefusedAttempts: number;
}

/** Why a data report was lost. */
export type DropReason = 'buffer-full' | 'failed' | 'registration-ended';

/** What the outbox needs: the scheduler, the bound and its policy, the retry pacing, the host's send, and callbacks for every outcome. */
export interface OutboxOptions<D> {
  readonly scheduler: SchedulerLike;
  readonly limit: number;
  readonly policy: BufferFullPolicy;
  readonly retry: RetryPolicy;
  send(message: OadrMessage): Observable<OadrMessage | undefined>;
  venID(): string | undefined;
  deliveryMessage(item: D, venID: string): OadrMessage;
  onDelivered(item: D, answer: OadrMessage | undefined): void;
  onDropped(item: D, reason: DropReason, error?: unknown): void;
  onControlFailed(item: ControlItem, error: unknown): void;
  /** The waiting deliveries changed (persist them). */
  onChange(): void;
}

/** The module's sender: control messages first, then data reports in order; one message in flight. */
export interface Outbox<D> {
  enqueueControl(item: ControlItem, front?: boolean): void;
  enqueueDelivery(item: D): void;
  /** Removes waiting deliveries (e.g. when the registration ended). */
  removeDeliveries(predicate: (item: D) => boolean, reason: DropReason): void;
  deliveries(): readonly D[];
  /** Tries to send now (after registration, or when the engine knows the VTN is back). */
  kick(): void;
  /** Cancels the message in flight (it stays queued) and any retry timer. */
  stop(): void;
  readonly inFlight: boolean;
}

/** True when trying again can help: a retryable `TransportError`, also when wrapped as `cause`. */
export function isRetryable(error: unknown): boolean {
  if (isTransportError(error)) return error.retryable;
  if (typeof error === 'object' && error !== null) {
    const { retryable, cause } = error as { retryable?: unknown; cause?: unknown };
    if (typeof retryable === 'boolean') return retryable;
    if (cause !== undefined && cause !== error) return isRetryable(cause);
  }
  return false;
}

/** The HTTP status of a failure (also when wrapped as `cause`), if it is one. */
function httpStatusOf(error: unknown): number | undefined {
  if (isTransportError(error)) return error.code === 'http-status' ? error.status : undefined;
  if (typeof error === 'object' && error !== null) {
    const { cause } = error as { cause?: unknown };
    if (cause !== undefined && cause !== error) return httpStatusOf(cause);
  }
  return undefined;
}

/**
 * Creates the outbox (OPENADR.md §5.5 delivery, "nothing is lost in an outage"): a failed send
 * that can be retried goes back to the front and is tried again after a backoff on the scheduler,
 * so reports leave in the order they were made; while it waits, new reports queue behind it in a
 * bounded buffer whose overflow policy decides which report is lost, and every loss is reported.
 */
export function createOutbox<D>(options: OutboxOptions<D>): Outbox<D> {
  const { scheduler, retry } = options;
  const control: ControlItem[] = [];
  const buffer = createDeliveryBuffer<D>(options.limit, options.policy);
  type Sending = ({ readonly control: true; readonly item: ControlItem } | { readonly control: false; readonly item: D }) & { sub: Subscription | undefined };
  let sending: Sending | undefined;
  let retryTimer: Subscription | undefined;
  let attempt = 0;
  let refused = 0;
  let draining = false;
  let again = false;

  const drop = (item: D | undefined, reason: DropReason, error?: unknown) => {
    if (item) options.onDropped(item, reason, error);
  };

  const putBack = (entry: Sending) => {
    if (entry.control) control.unshift(entry.item);
    else drop(buffer.putBack(entry.item), 'buffer-full');
  };

  const finish = (ok: boolean, answer: OadrMessage | undefined, error: unknown) => {
    const current = sending!;
    sending = undefined;
    const refusedAgain = !ok && !isRetryable(error) && httpStatusOf(error) !== undefined && refused + 1 < retry.maxRefusedAttempts;
    if (!ok && httpStatusOf(error) !== undefined && !isRetryable(error)) refused += 1;
    if (ok) {
      attempt = 0;
      refused = 0;
      if (current.control) current.item.answered(answer);
      else options.onDelivered(current.item, answer);
    } else if (isRetryable(error) || refusedAgain) {
      putBack(current);
      attempt += 1;
      const delay = Math.min(retry.maxMs, retry.initialMs * retry.factor ** (attempt - 1));
      retryTimer = scheduleClamped(scheduler, () => {
        retryTimer = undefined;
        kick();
      }, delay);
    } else {
      attempt = 0;
      refused = 0;
      if (current.control) options.onControlFailed(current.item, error);
      else drop(current.item, 'failed', error);
    }
    if (!current.control) options.onChange();
    kick();
  };

  const startOne = (): boolean => {
    const venID = options.venID();
    if (venID === undefined) return false;
    const controlItem = control.shift();
    const deliveryItem = controlItem ? undefined : buffer.shift();
    let entry: Sending;
    let message: OadrMessage;
    if (controlItem) {
      entry = { control: true, item: controlItem, sub: undefined };
      message = controlItem.build(venID);
    } else if (deliveryItem !== undefined) {
      entry = { control: false, item: deliveryItem, sub: undefined };
      message = options.deliveryMessage(deliveryItem, venID);
    } else {
      return false;
    }
    sending = entry;
    let answer: OadrMessage | undefined;
    let settled = false;
    const sub = options.send(message).subscribe({
      next: (a) => (answer = a),
      error: (e: unknown) => {
        settled = true;
        finish(false, undefined, e);
      },
      complete: () => {
        settled = true;
        finish(true, answer, undefined);
      },
    });
    if (!settled) entry.sub = sub;
    return true;
  };

  function kick(): void {
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    try {
      do {
        again = false;
        if (sending || retryTimer) break;
        startOne();
      } while (again);
    } finally {
      draining = false;
    }
  }

  return {
    enqueueControl(item, front = false) {
      if (front) control.unshift(item);
      else control.push(item);
      kick();
    },
    enqueueDelivery(item) {
      drop(buffer.push(item), 'buffer-full');
      options.onChange();
      kick();
    },
    removeDeliveries(predicate, reason) {
      for (const item of buffer.remove(predicate)) drop(item, reason);
      options.onChange();
    },
    deliveries: () => (sending && !sending.control ? [sending.item, ...buffer.items()] : buffer.items()),
    kick,
    stop() {
      retryTimer?.unsubscribe();
      retryTimer = undefined;
      const current = sending;
      if (current) {
        sending = undefined;
        current.sub?.unsubscribe();
        putBack(current);
      }
      attempt = 0;
    },
    get inFlight() {
      return sending !== undefined;
    },
  };
}
