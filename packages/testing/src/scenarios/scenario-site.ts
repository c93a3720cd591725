import { map, timer } from 'rxjs';
import { historyUsage, telemetryStatus, telemetryUsage, type HistoryQuery, type ReportCapability } from '@rxadr/core';
import type { ScenarioContext } from './scenario.js';
import { meterValueAt } from './scenario-meter.js';

/** The rID of the site's power point, fed from the pack's test meter: pass it as `meterRID`. */
export const SITE_METER_RID = 'meter-1/powerReal';

/** Stored energy per interval (Wh) from the test meter's power at each interval start, up to now on the scenario clock. */
export function siteHistory(ctx: ScenarioContext): HistoryQuery {
  return (from, to, granularity) => {
    const step = granularity.toMillis(from.getTime());
    const points = [];
    for (let t = from.getTime(); t + step <= Math.min(to.getTime(), ctx.scheduler.now()); t += step) {
      points.push({ at: new Date(t), value: (meterValueAt(t) * step) / 3_600_000 });
    }
    return points;
  };
}

/**
 * The reports of a typical site, wired to the scenario clock so every report scenario runs and
 * checks delivered values: power from the pack's test meter (rID {@link SITE_METER_RID}), its
 * stored energy (HISTORY_USAGE, 7 days) and a status whose manual override changes every 15 min.
 *
 * @example
 * describeScenarios('my VEN', { meterRID: SITE_METER_RID, makeVen: (ctx) => createVen({ …, reports: siteReports(ctx) }) });
 */
export function siteReports(ctx: ScenarioContext): ReportCapability[] {
  return [
    telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: ctx.meter$, samplingRate: { min: 'PT1S', max: 'PT1H' } }),
    telemetryStatus({
      resourceId: 'meter-1',
      status$: timer(0, 15 * 60_000, ctx.scheduler).pipe(map((i) => ({ online: true, manualOverride: i % 4 === 3 }))),
    }),
    historyUsage({ resourceId: 'meter-1', measurement: 'energyReal', unit: 'Wh', historyDuration: 'P7D', samplingRate: { min: 'PT15M', max: 'P1D' }, query: siteHistory(ctx) }),
  ];
}
