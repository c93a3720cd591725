import type { SchedulerLike, Subscription, Observable } from 'rxjs';
import { classifyExchange, retryDelay, type ExchangeVerdict, type RetryPolicy } from '../ledger/retry-policy.js';
import type { OadrMessage, OadrMessageType } from '../model/message.js';
import { isTransportError } from '../transport/transport-error.js';
import { createDeliveryBuffer, type BufferFullPolicy } from './delivery-buffer.js';

/** A protocol message of the module's own (metadata, answers to embedded or piggy-backed requests, requests to the VTN). */
export interface ControlItem {
  readonly description: string;
  /** The reply type that settles it (classified with `classifyExchange`). */
  readonly expects: OadrMessageType;
  build(venID: string): OadrMessage;
  /** The expected reply arrived with a 2xx code. */
  answered(answer: OadrMessage | undefined): void;
  /** The VTN refused it for good (OpenADR 4xx); it is not sent again. */
  refused?(verdict: TerminalVerdict): void;
}

/** An OpenADR 4xx refusal (§8). */
export type TerminalVerdict = Extract<ExchangeVerdict, { kind: 'terminal' }>;

/** Why a data report was not delivered. */
export type DropReason = 'overflow' | 'rejected' | 'registration-ended' | 'request-ended';

/** What the outbox needs: the scheduler, the bound and its policy, the retry pacing, the host's send, and callbacks for every outcome. */
export interface OutboxOptions<D> {
  readonly scheduler: SchedulerLike;
  readonly limit: number;
  readonly policy: BufferFullPolicy;
  readonly retry: RetryPolicy;
  /** Jitter source of the backoff, [0, 1). */
  readonly random: () => number;
  send(message: OadrMessage): Observable<OadrMessage | undefined>;
  venID(): string | undefined;
  deliveryMessage(item: D, venID: string): OadrMessage;
  onDelivered(item: D, answer: OadrMessage | undefined): void;
  onDropped(item: D, reason: DropReason, verdict?: ExchangeVerdict): void;
  onControlFailed(item: ControlItem, verdict: TerminalVerdict): void;
  /** The VTN does not know the VEN as it knows itself (463, 452 about its IDs): sending waits for the next registration. */
  onReconcile(verdict: ExchangeVerdict): void;
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
  /** Tries to send now (after registration, or when the engine knows the VTN is back); ends a wait for reconciliation. */
  kick(): void;
  /** Holds data reports back (control messages still go) until `hold(false)`. */
  hold(on: boolean): void;
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
  /** Waiting for a registration after a 463 / 452-about-own-IDs (reconciliation). */
  let reconciling = false;
  let held = false;
  let draining = false;
  let again = false;

  const drop = (item: D | undefined, reason: DropReason, verdict?: ExchangeVerdict) => {
    if (item) options.onDropped(item, reason, verdict);
  };

  const putBack = (entry: Sending) => {
    if (entry.control) control.unshift(entry.item);
    else drop(buffer.putBack(entry.item), 'overflow');
  };

  /** One verdict per attempt (DESIGN.md "the ledger"): settle, retry after the backoff, refuse for good, or wait for reconciliation. */
  const finish = (verdict: ExchangeVerdict) => {
    const current = sending!;
    sending = undefined;
    switch (verdict.kind) {
      case 'settled':
        attempt = 0;
        if (current.control) current.item.answered(verdict.answer);
        else options.onDelivered(current.item, verdict.answer);
        break;
      case 'transient':
        putBack(current);
        attempt += 1;
        retryTimer = scheduler.schedule(() => {
          retryTimer = undefined;
          kick();
        }, retryDelay(retry, attempt, options.random));
        break;
      case 'terminal':
        attempt = 0;
        if (current.control) options.onControlFailed(current.item, verdict);
        else drop(current.item, 'rejected', verdict);
        break;
      case 'reconcile':
        putBack(current);
        reconciling = true;
        options.onReconcile(verdict);
        break;
    }
    if (!current.control) options.onChange();
    kick();
  };

  const startOne = (): boolean => {
    const venID = options.venID();
    if (venID === undefined) return false;
    if (reconciling) return false;
    const controlItem = control.shift();
    const deliveryItem = controlItem || held ? undefined : buffer.shift();
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
    const expects = entry.control ? entry.item.expects : 'oadrUpdatedReport';
    let answer: OadrMessage | undefined;
    let settled = false;
    const sub = options.send(message).subscribe({
      next: (a) => (answer = a),
      error: (error: unknown) => {
        settled = true;
        finish(classifyExchange(expects, { error }));
      },
      complete: () => {
        settled = true;
        finish(classifyExchange(expects, { answer }));
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
      drop(buffer.push(item), 'overflow');
      options.onChange();
      kick();
    },
    removeDeliveries(predicate, reason) {
      for (const item of buffer.remove(predicate)) drop(item, reason);
      options.onChange();
    },
    deliveries: () => (sending && !sending.control ? [sending.item, ...buffer.items()] : buffer.items()),
    kick() {
      reconciling = false;
      kick();
    },
    hold(on) {
      held = on;
      if (!on) kick();
    },
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
