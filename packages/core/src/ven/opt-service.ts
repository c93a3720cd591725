import type { Subscription } from 'rxjs';
import type { LedgerDriver } from './ledger-driver.js';
import type { Obligation } from '../ledger/obligation.js';
import type { OptRecord } from './opt-record.js';
import { createOptMessage, optRecord, type CreateOptRequest } from './opt-request.js';
import { owe, type VenContext } from './ven-context.js';
import { VenError } from './ven-error.js';

/** Opt schedules and event-specific opts (§6), kept in `ctx.opts` and persisted. */
export interface OptService {
  create(request: CreateOptRequest): Promise<OptRecord>;
  cancel(optID: string): Promise<OptRecord>;
  /** Rejects the promises still waiting with `VenError('stopped')` (their records stay in the ledger). */
  stop(): void;
}

interface Waiter {
  resolve(record: OptRecord): void;
  reject(error: VenError): void;
}

/**
 * Creates the opt service of one VEN. Each oadrCreateOpt and oadrCancelOpt is a ledger record
 * (docs/ledger.md): a transient failure is retried with the retry policy (the opt stays
 * `pending`/`cancelling`, and the promise waits); the promise resolves on the expected reply
 * with 200, and rejects with `VenError('opt-rejected')` carrying the VTN's code on a refusal.
 * A newer opt for the same event supersedes an older one still pending (status `superseded`).
 */
export function createOptService(ctx: VenContext, driver: LedgerDriver): OptService {
  const waiters = new Map<string, Waiter>();
  const before = new Map<string, OptRecord['status']>();

  const put = (record: OptRecord): OptRecord => {
    ctx.opts.next([...ctx.opts.value.filter((o) => o.optID !== record.optID), record]);
    ctx.persist();
    return record;
  };
  const find = (optID: string | undefined): OptRecord | undefined => ctx.opts.value.find((o) => o.optID === optID);
  const finish = (id: string, outcome: { record: OptRecord } | { error: VenError }): void => {
    const waiter = waiters.get(id);
    waiters.delete(id);
    if ('record' in outcome) waiter?.resolve(outcome.record);
    else waiter?.reject(outcome.error);
  };
  const codeOf = (answer: unknown): string | undefined => (answer as { eiResponse?: { responseCode?: string } } | undefined)?.eiResponse?.responseCode;
  const refusal = (record: Obligation, reason: string, responseCode: string | undefined): VenError =>
    new VenError('opt-rejected', `${record.message.type} ${record.subject.optID ?? ''}: ${reason}`, responseCode ? { responseCode } : {});

  driver.hooks('create-opt', {
    settled(record, answer) {
      const opt = find(record.subject.optID);
      if (!opt) return;
      finish(record.id, { record: put({ ...opt, status: 'created', responseCode: codeOf(answer) ?? '200' }) });
    },
    failed(record, verdict) {
      const code = verdict.kind === 'terminal' ? verdict.responseCode : undefined;
      const opt = find(record.subject.optID);
      if (opt) put({ ...opt, status: 'rejected', responseCode: code });
      finish(record.id, { error: refusal(record, verdict.kind !== 'settled' ? verdict.reason : 'refused', code) });
    },
  });
  driver.hooks('cancel-opt', {
    settled(record, answer) {
      const opt = find(record.subject.optID);
      if (!opt) return;
      finish(record.id, { record: put({ ...opt, status: 'cancelled', responseCode: codeOf(answer) ?? '200' }) });
    },
    failed(record, verdict) {
      const code = verdict.kind === 'terminal' ? verdict.responseCode : undefined;
      const opt = find(record.subject.optID);
      if (opt) put({ ...opt, status: before.get(opt.optID) ?? 'created', responseCode: code });
      finish(record.id, { error: refusal(record, verdict.kind !== 'settled' ? verdict.reason : 'refused', code) });
    },
  });
  const superseded: Subscription = ctx.ledger.changes$.subscribe(({ record }) => {
    if (record.state !== 'superseded' || record.kind !== 'create-opt') return;
    const opt = find(record.subject.optID);
    if (opt) put({ ...opt, status: 'superseded' });
    finish(record.id, { error: refusal(record, 'superseded by a newer opt for the same event before the VTN answered', undefined) });
  });

  const registeredVenID = (): string => {
    if (!ctx.registration) throw new VenError('not-registered', 'opts need a registration; wait for status registered');
    return ctx.registration.venID;
  };
  const wait = (id: string): Promise<OptRecord> => new Promise<OptRecord>((resolve, reject) => waiters.set(id, { resolve, reject }));

  return {
    async create(request) {
      if (ctx.stopped) throw new VenError('stopped', 'the VEN is stopped');
      const venID = registeredVenID();
      const record = put(optRecord(request, { optID: ctx.ids('opt'), requestID: ctx.ids('req') }, new Date(ctx.options.scheduler.now())));
      const eventID = record.qualifiedEventID?.eventID;
      // The waiter first: an in-memory exchange may settle the record before `owe` returns.
      const id = `create-opt:${record.optID}`;
      const answered = wait(id);
      owe(ctx, {
        id,
        kind: 'create-opt',
        key: eventID !== undefined ? `event-opt:${eventID}` : `opt:${record.optID}`,
        subject: { optID: record.optID, requestID: record.requestID, ...(eventID !== undefined ? { eventID } : {}) },
        message: createOptMessage(record, venID),
        expects: 'oadrCreatedOpt',
      });
      return answered;
    },
    async cancel(optID) {
      if (ctx.stopped) throw new VenError('stopped', 'the VEN is stopped');
      const venID = registeredVenID();
      const record = find(optID);
      if (!record) throw new VenError('opt-rejected', `cancelOpt: no opt with optID ${optID}`);
      before.set(optID, record.status === 'cancelling' ? (before.get(optID) ?? 'created') : record.status);
      put({ ...record, status: 'cancelling' });
      const requestID = ctx.ids('req');
      const id = `cancel-opt:${optID}:${requestID}`;
      const answered = wait(id);
      owe(ctx, {
        id,
        kind: 'cancel-opt',
        key: `cancel-opt:${optID}`,
        subject: { optID, requestID },
        message: { type: 'oadrCancelOpt', requestID, optID, venID },
        expects: 'oadrCanceledOpt',
      });
      return answered;
    },
    stop() {
      superseded.unsubscribe();
      for (const waiter of waiters.values()) waiter.reject(new VenError('stopped', 'the VEN stopped before the VTN answered; the opt stays owed and is sent again at the next start'));
      waiters.clear();
    },
  };
}
