import type { MessageOf } from '../model/message.js';
import type { OadrReport, ReportDescription, ReportName } from '../model/report.js';
import type { ReportCapability } from './report-capability.js';
import type { OfferedReport, ReportCatalog } from './report-catalog.js';

/**
 * The metadata name of a report (§5.1): `METADATA_` + the data name. An `x-` report keeps its
 * name, because the schema accepts only the listed names or `x-…` tokens.
 */
export function metadataName(report: Pick<OfferedReport, 'reportName'>): ReportName {
  return report.reportName.startsWith('x-') ? report.reportName : (`METADATA_${report.reportName}` as ReportName);
}

/** `oadr:oadrReportDescription` of one data point (§5.2). */
export function reportDescription(point: ReportCapability): ReportDescription {
  return {
    rID: point.rID,
    ...(point.reportSubject ? { reportSubject: point.reportSubject } : {}),
    ...(point.reportDataSource ? { reportDataSource: point.reportDataSource } : {}),
    reportType: point.reportType,
    ...(point.itemBase ? { itemBase: point.itemBase } : {}),
    readingType: point.readingType,
    ...(point.marketContext !== undefined ? { marketContext: point.marketContext } : {}),
    oadrSamplingRate: {
      oadrMinPeriod: point.samplingRate.minPeriod,
      oadrMaxPeriod: point.samplingRate.maxPeriod,
      oadrOnChange: point.samplingRate.onChange,
    },
  };
}

/** The METADATA `oadrReport` of one offered report: reportRequestID `0`, its descriptions, createdDateTime (§5.2). */
export function metadataReport(report: OfferedReport, now: Date): OadrReport {
  return {
    ...(report.historyDuration ? { duration: report.historyDuration } : {}),
    oadrReportDescription: report.points.map(reportDescription),
    reportRequestID: '0',
    reportSpecifierID: report.reportSpecifierID,
    reportName: metadataName(report),
    createdDateTime: now,
  };
}

/**
 * oadrRegisterReport with every offered report in declaration order (§5.3 step 1, §10 item 5).
 * When it answers a METADATA request, that request's ID goes in the message-level
 * `ei:reportRequestID` while each report keeps `0` (rule 311, OPENADR.md §5.3 step 4).
 */
export function registerReport(
  catalog: ReportCatalog,
  fields: { readonly requestID: string; readonly venID: string; readonly now: Date; readonly reportRequestID?: string },
): MessageOf<'oadrRegisterReport'> {
  return {
    type: 'oadrRegisterReport',
    requestID: fields.requestID,
    oadrReport: catalog.reports.map((r) => metadataReport(r, fields.now)),
    venID: fields.venID,
    ...(fields.reportRequestID !== undefined ? { reportRequestID: fields.reportRequestID } : {}),
  };
}
