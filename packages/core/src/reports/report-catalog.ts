import type { Duration } from '../codec/duration.js';
import type { DataReportName, ReportCapability } from './report-capability.js';
import { ReportError } from './report-error.js';

/** One report the VEN offers: the data points sharing a reportSpecifierID (one METADATA `oadrReport`, §5.2). */
export interface OfferedReport {
  readonly reportSpecifierID: string;
  readonly reportName: DataReportName;
  /** In declaration order. */
  readonly points: readonly ReportCapability[];
  readonly byRID: ReadonlyMap<string, ReportCapability>;
  /** The longest `historyDuration` of its points, sent as the report's `xcal:duration`. */
  readonly historyDuration: Duration | undefined;
}

/** Every offered report, in declaration order, with lookups. */
export interface ReportCatalog {
  readonly reports: readonly OfferedReport[];
  get(reportSpecifierID: string): OfferedReport | undefined;
}

/**
 * Groups capabilities into reports by reportSpecifierID, in declaration order, and checks that a
 * specifier names one report and that rIDs are unique within it. Throws `ReportError('config')`.
 */
export function createReportCatalog(capabilities: readonly ReportCapability[]): ReportCatalog {
  const bySpecifier = new Map<string, { reportName: DataReportName; points: ReportCapability[]; byRID: Map<string, ReportCapability> }>();
  for (const point of capabilities) {
    const entry = bySpecifier.get(point.reportSpecifierID) ?? { reportName: point.reportName, points: [] as ReportCapability[], byRID: new Map<string, ReportCapability>() };
    if (entry.reportName !== point.reportName) {
      throw new ReportError('config', `reportSpecifierID '${point.reportSpecifierID}' is used by ${entry.reportName} and ${point.reportName}; give one of them its own reportSpecifierID`);
    }
    if (entry.byRID.has(point.rID)) {
      throw new ReportError('config', `rID '${point.rID}' appears twice in report '${point.reportSpecifierID}'; give one of them an explicit rID`);
    }
    entry.points.push(point);
    entry.byRID.set(point.rID, point);
    bySpecifier.set(point.reportSpecifierID, entry);
  }
  const reports: OfferedReport[] = [...bySpecifier].map(([reportSpecifierID, e]) => ({
    reportSpecifierID,
    reportName: e.reportName,
    points: e.points,
    byRID: e.byRID,
    historyDuration: e.points.reduce<Duration | undefined>(
      (longest, p) => (p.historyDuration && (!longest || p.historyDuration.toMillis() > longest.toMillis()) ? p.historyDuration : longest),
      undefined,
    ),
  }));
  const index = new Map(reports.map((r) => [r.reportSpecifierID, r]));
  return { reports, get: (id) => index.get(id) };
}
