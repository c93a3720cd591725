import { EMPTY, catchError, finalize, tap, type BehaviorSubject, type Observable, type Subject } from 'rxjs';
import type { Ledger } from '../ledger/ledger.js';
import type { NewObligation, Obligation } from '../ledger/obligation.js';
import type { OadrMessage } from '../model/message.js';
import type { OadrService } from '../transport/transport.js';
import type { EventEngine } from './event-engine.js';
import type { IdSource } from './id-source.js';
import type { OptRecord } from './opt-record.js';
import { serviceOf, type Inbound, type VenChannel } from './ven-channel.js';
import { VenError } from './ven-error.js';
import type { ResolvedVenOptions } from './ven-options.js';
import type { VenStatus } from './ven-status.js';
import type { RegistrationState } from './ven-store.js';

/** The state and services the parts of one VEN share (internal). */
export interface VenContext {
  readonly options: ResolvedVenOptions;
  readonly channel: VenChannel;
  readonly events: EventEngine;
  readonly ids: IdSource;
  readonly status: BehaviorSubject<VenStatus>;
  readonly errors: Subject<VenError>;
  readonly opts: BehaviorSubject<readonly OptRecord[]>;
  /** The obligations ledger; `add` and `rescheduleAll` also wake the driver. */
  readonly ledger: Ledger;
  registration: RegistrationState | undefined;
  stopped: boolean;
  /** Runs work after all work queued before it: one exchange with the VTN at a time. */
  enqueue(work: Observable<unknown>): void;
  /** Saves the current state to the store. */
  persist(): void;
}

/** Adds an owed message to the ledger (the driver sends it when due). */
export function owe(ctx: VenContext, record: NewObligation): Obligation {
  return ctx.ledger.add(record);
}

/** The venID to put in messages: the registered one, else the pre-provisioned one. */
export function currentVenID(ctx: VenContext): string {
  return ctx.registration?.venID ?? ctx.options.venId ?? '';
}

/** Posts a message to its service (or `service`); sends nothing once the VEN is stopped. */
export function sendMessage(ctx: VenContext, message: OadrMessage, service: OadrService = serviceOf(message)): Observable<Inbound | undefined> {
  return ctx.stopped ? EMPTY : ctx.channel.send(service, message);
}

/** Queues `work` and resolves with its last value; rejects with its error, or `VenError('stopped')` if it never ran. */
export function runQueued<T>(ctx: VenContext, work: Observable<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (ctx.stopped) {
      reject(new VenError('stopped', 'the VEN is stopped'));
      return;
    }
    let done = false;
    const stopped = (): void => {
      if (done) return;
      done = true;
      reject(new VenError('stopped', 'the VEN stopped before the request was done'));
    };
    // Work still queued when the VEN stops is skipped; its promise must not hang.
    const watch = ctx.status.subscribe((status) => status.state === 'stopped' && stopped());
    ctx.enqueue(
      work.pipe(
        tap({ next: (value) => ((done = true), resolve(value)), error: (error: unknown) => ((done = true), reject(error)) }),
        catchError(() => EMPTY),
        finalize(() => {
          stopped();
          watch.unsubscribe();
        }),
      ),
    );
  });
}
