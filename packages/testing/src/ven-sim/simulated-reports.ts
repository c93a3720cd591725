import { NEVER, asyncScheduler, concat, map, of, timer, type Observable, type SchedulerLike } from 'rxjs';
import { ReportError, telemetryStatus, telemetryUsage, type Measurement, type Reading, type ReportCapability } from '@rxadr/core';
import { VenConfigError } from './config-reader.js';
import type { ReadingConfig, ReportConfig } from './ven-config.js';

/** Readings for a config: a constant held forever, or a sine wave between min and max sampled every second. */
export function simulatedReadings(reading: ReadingConfig, scheduler: SchedulerLike = asyncScheduler): Observable<Reading> {
  if ('constant' in reading) return concat(of(reading.constant), NEVER);
  const { min, max, periodSeconds } = reading.simulated;
  const start = scheduler.now();
  return timer(0, 1_000, scheduler).pipe(
    map(() => {
      const phase = ((scheduler.now() - start) / 1_000 / periodSeconds) * 2 * Math.PI;
      return Math.round((min + ((max - min) * (1 + Math.sin(phase))) / 2) * 1_000) / 1_000;
    }),
  );
}

/**
 * Builds the report capabilities of the configuration (§5.1). A builder's `ReportError('config')`
 * (unknown measurement, unit or sampling rate) becomes a `VenConfigError` at the report's path.
 */
export function simulatedReports(reports: readonly ReportConfig[], scheduler?: SchedulerLike): ReportCapability[] {
  return reports.map((report, i) => {
    try {
      if (report.kind === 'telemetryStatus') {
        return telemetryStatus({ resourceId: report.resourceId, status$: concat(of({ online: report.online }), NEVER) });
      }
      return telemetryUsage({
        resourceId: report.resourceId,
        measurement: report.measurement as Measurement,
        ...(report.unit !== undefined ? { unit: report.unit } : {}),
        readings$: simulatedReadings(report.reading, scheduler),
        samplingRate: report.samplingRate,
      });
    } catch (error) {
      if (error instanceof ReportError) throw new VenConfigError([{ path: `$.reports[${i}]`, message: error.message }]);
      throw error;
    }
  });
}
