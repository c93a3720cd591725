import type { DataQuality, ResourceStatus } from '@rxadr/core';
import type { VtnRecorder } from './vtn-recorder.js';

/** One reported value of one data point (rID). */
export interface ReportPoint {
  /** Interval start; the report's dtstart when the interval has none (rule 314, OPENADR.md §5.5). */
  readonly start: Date;
  /** `ei:payloadFloat` value, or the TELEMETRY_STATUS resource status (§5.6). */
  readonly value: number | ResourceStatus;
  readonly quality?: DataQuality;
  /** Interval length in ms when the interval carries a duration. */
  readonly durationMs?: number;
  readonly reportRequestID: string;
}

/**
 * The values a VEN delivered for one rID, read from every oadrUpdateReport the VTN accepted
 * (faulted and refused attempts are left out), in arrival order, as a time series sorted by start (stable for equal starts). Intervals without a start
 * take the report's dtstart (rule 314); payloads without a start anywhere are skipped.
 *
 * @example
 * expect(reportData(vtn.recorder, 'meter1-power').map((p) => p.value)).toEqual([41.7, 43.1]);
 */
export function reportData(recorder: VtnRecorder, rID: string, reportRequestID?: string): ReportPoint[] {
  const points: ReportPoint[] = [];
  // Only deliveries the VTN accepted: a faulted or refused attempt is retried by the VEN and would count twice.
  const accepted = recorder.requests.filter((r) => r.rejected === undefined && (r.fault === undefined || r.fault.startsWith('delay-')));
  for (const request of accepted) {
    const update = request.message;
    if (update?.type !== 'oadrUpdateReport') continue;
    for (const report of update.oadrReport ?? []) {
      if (reportRequestID !== undefined && report.reportRequestID !== reportRequestID) continue;
      for (const interval of report.intervals ?? []) {
        const start = interval.dtstart ?? report.dtstart;
        if (!start) continue;
        for (const payload of interval.streamPayloadBase) {
          if (payload.type !== 'oadrReportPayload' || payload.rID !== rID) continue;
          const base = payload.payloadBase;
          const { type: _kind, ...status } = base;
          points.push({
            start,
            value: base.type === 'payloadFloat' ? base.value : (status as ResourceStatus),
            ...(payload.oadrDataQuality !== undefined ? { quality: payload.oadrDataQuality } : {}),
            ...(interval.duration ? { durationMs: interval.duration.toMillis() } : {}),
            reportRequestID: report.reportRequestID,
          });
        }
      }
    }
  }
  return points.sort((a, b) => a.start.getTime() - b.start.getTime());
}
