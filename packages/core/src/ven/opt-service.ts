import { defer, map, type Observable } from 'rxjs';
import type { OadrMessage } from '../model/message.js';
import type { OptRecord } from './opt-record.js';
import { createOptMessage, optRecord, type CreateOptRequest } from './opt-request.js';
import { runQueued, sendMessage, type VenContext } from './ven-context.js';
import type { Inbound } from './ven-channel.js';
import { VenError } from './ven-error.js';

/** Opt schedules and event-specific opts (§6), kept in `ctx.opts` and persisted. */
export interface OptService {
  create(request: CreateOptRequest): Promise<OptRecord>;
  cancel(optID: string): Promise<OptRecord>;
}

/** Creates the opt service of one VEN. */
export function createOptService(ctx: VenContext): OptService {
  const put = (record: OptRecord): OptRecord => {
    ctx.opts.next([...ctx.opts.value.filter((o) => o.optID !== record.optID), record]);
    ctx.persist();
    return record;
  };

  const exchange = (message: OadrMessage, expected: 'oadrCreatedOpt' | 'oadrCanceledOpt', record: OptRecord, okStatus: OptRecord['status'], failStatus: OptRecord['status']): Observable<OptRecord> =>
    sendMessage(ctx, message).pipe(
      map((answer: Inbound | undefined) => {
        const reply = answer?.message;
        if (reply?.type !== expected) {
          throw new VenError('opt-rejected', `${message.type} ${record.optID}: expected ${expected}, got ${reply ? reply.type : 'an empty answer'}`);
        }
        const { responseCode, responseDescription } = reply.eiResponse;
        if (responseCode !== '200') {
          put({ ...record, status: failStatus, responseCode });
          throw new VenError('opt-rejected', `${message.type} ${record.optID}: the VTN answered ${responseCode} ${responseDescription ?? ''}`.trim(), { responseCode });
        }
        return put({ ...record, status: okStatus, responseCode });
      }),
    );

  const registeredVenID = (): string => {
    if (!ctx.registration) throw new VenError('not-registered', 'opts need a registration; wait for status registered');
    return ctx.registration.venID;
  };

  return {
    create: (request) =>
      runQueued(
        ctx,
        defer(() => {
          const venID = registeredVenID();
          const record = put(optRecord(request, { optID: ctx.ids('opt'), requestID: ctx.ids('req') }, new Date(ctx.options.scheduler.now())));
          return exchange(createOptMessage(record, venID), 'oadrCreatedOpt', record, 'created', 'rejected');
        }),
      ),
    cancel: (optID) =>
      runQueued(
        ctx,
        defer(() => {
          const venID = registeredVenID();
          const record = ctx.opts.value.find((o) => o.optID === optID);
          if (!record) throw new VenError('opt-rejected', `cancelOpt: no opt with optID ${optID}`);
          const cancelling = put({ ...record, status: 'cancelling' });
          return exchange({ type: 'oadrCancelOpt', requestID: ctx.ids('req'), optID, venID }, 'oadrCanceledOpt', cancelling, 'cancelled', record.status);
        }),
      ),
  };
}
