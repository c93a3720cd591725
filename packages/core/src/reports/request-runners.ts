import { Subject, Subscription, type SchedulerLike } from 'rxjs';
import type { LiveReadings } from './live-readings.js';
import type { Reading } from './report-capability.js';
import type { ReportCatalog } from './report-catalog.js';
import { ReportError } from './report-error.js';
import type { RequestRecord } from './request-record.js';
import type { SampledWindow } from './sampled-window.js';
import { sampleRequest } from './sampler.js';

/** The running samplers, one per pending request. */
export interface RequestRunners {
  /** Starts sampling a request; false (and nothing runs) when its report or rIDs are no longer offered. */
  start(record: RequestRecord): boolean;
  stop(reportRequestID: string): void;
  /** Ends a request at `atMs` with one final report (reportToFollow, §5.7). */
  end(reportRequestID: string, atMs: number): void;
  stopAll(): void;
}

/** What the runner table needs from the module. */
export interface RunnerDeps {
  readonly scheduler: SchedulerLike;
  /** The samples in progress of each request (kept by the module so they are persisted). */
  samplesOf(reportRequestID: string): Map<number, Array<Reading | undefined>>;
  readonly catalog: ReportCatalog;
  readonly live: LiveReadings;
  /** A report is due; `final` ones end their request. */
  onWindow(window: SampledWindow): void;
  onError(error: ReportError): void;
}

/** Creates the runner table. */
export function createRequestRunners(deps: RunnerDeps): RequestRunners {
  const running = new Map<string, { readonly sub: Subscription; readonly end: Subject<number> }>();
  const stop = (id: string) => {
    running.get(id)?.sub.unsubscribe();
    running.delete(id);
  };
  return {
    start(record) {
      stop(record.reportRequestID);
      const report = deps.catalog.get(record.reportSpecifierID);
      const points = record.metadata ? [] : record.rIDs.map((rID) => report?.byRID.get(rID));
      if (!record.metadata && (!report || points.some((p) => p === undefined))) {
        deps.onError(new ReportError('state', `request ${record.reportRequestID} names report '${record.reportSpecifierID}' or rIDs that are no longer offered; it is dropped`, { reportRequestID: record.reportRequestID }));
        return false;
      }
      const end = new Subject<number>();
      // Registered before subscribing: what is due now is reported during `subscribe`.
      const sub = new Subscription();
      running.set(record.reportRequestID, { sub, end });
      sub.add(
        sampleRequest(record, { scheduler: deps.scheduler, points: points.filter((p) => p !== undefined), live: deps.live, end$: end, onError: deps.onError, samples: deps.samplesOf(record.reportRequestID) }).subscribe({
          next: (window) => {
            if (window.final && running.get(record.reportRequestID)?.sub === sub) running.delete(record.reportRequestID);
            deps.onWindow(window);
          },
          error: (cause: unknown) => deps.onError(new ReportError('source', `sampling of request ${record.reportRequestID} failed`, { cause, reportRequestID: record.reportRequestID })),
        }),
      );
      return true;
    },
    stop,
    end: (id, atMs) => running.get(id)?.end.next(atMs),
    stopAll() {
      for (const id of [...running.keys()]) stop(id);
    },
  };
}
