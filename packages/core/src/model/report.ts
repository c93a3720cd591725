import { dateTime, duration, enumeration, xsBoolean, xsString, anyUri } from '../codec/scalars.js';
import { choice, many, one, opt, some } from '../codec/fields.js';
import { sequence } from '../codec/sequence.js';
import { listOf } from '../codec/list-of.js';
import type { TypeOf } from '../codec/xml-codec.js';
import { NS } from '../xml/namespaces.js';
import { calendarIntervalCodec, dtstart, durationProp, eiResponseCodec, eiTargetCodec, intervalsCodec, itemBaseOptions } from './common.js';

const { oadr, ei, pyld, emix, xcal, strm } = NS;

export const REPORT_NAMES = [
  'METADATA_HISTORY_USAGE',
  'HISTORY_USAGE',
  'METADATA_HISTORY_GREENBUTTON',
  'HISTORY_GREENBUTTON',
  'METADATA_TELEMETRY_USAGE',
  'TELEMETRY_USAGE',
  'METADATA_TELEMETRY_STATUS',
  'TELEMETRY_STATUS',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number] | `x-${string}`;

export const REPORT_TYPES = [
  'reading',
  'usage',
  'demand',
  'setPoint',
  'deltaUsage',
  'deltaSetPoint',
  'deltaDemand',
  'baseline',
  'deviation',
  'avgUsage',
  'avgDemand',
  'operatingState',
  'upRegulationCapacityAvailable',
  'downRegulationCapacityAvailable',
  'regulationSetpoint',
  'storedEnergy',
  'targetEnergyStorage',
  'availableEnergyStorage',
  'price',
  'level',
  'powerFactor',
  'percentUsage',
  'percentDemand',
  'x-resourceStatus',
] as const;
export type ReportType = (typeof REPORT_TYPES)[number] | `x-${string}`;

export const READING_TYPES = [
  'Direct Read',
  'Net',
  'Allocated',
  'Estimated',
  'Summed',
  'Derived',
  'Mean',
  'Peak',
  'Hybrid',
  'Contract',
  'Projected',
  'x-RMS',
  'x-notApplicable',
] as const;
export type ReadingType = (typeof READING_TYPES)[number] | `x-${string}`;

const readingType = enumeration('readingType', READING_TYPES, true);

/** `oadr:oadrSamplingRate`: fastest and slowest sampling the VEN supports (OPENADR.md §5.2). */
export const samplingRateCodec = sequence('oadrSamplingRate', {
  oadrMinPeriod: one(oadr, 'oadrMinPeriod', duration),
  oadrMaxPeriod: one(oadr, 'oadrMaxPeriod', duration),
  oadrOnChange: one(oadr, 'oadrOnChange', xsBoolean),
});
export type SamplingRate = TypeOf<typeof samplingRateCodec>;

/** `oadr:oadrReportDescription`: one data point (rID) of a registered report. */
export const reportDescriptionCodec = sequence('oadrReportDescription', {
  rID: one(ei, 'rID', xsString),
  reportSubject: opt(ei, 'reportSubject', eiTargetCodec),
  reportDataSource: opt(ei, 'reportDataSource', eiTargetCodec),
  reportType: one(ei, 'reportType', enumeration('reportType', REPORT_TYPES, true)),
  itemBase: choice('opt', itemBaseOptions),
  readingType: one(ei, 'readingType', readingType),
  marketContext: opt(emix, 'marketContext', anyUri),
  oadrSamplingRate: opt(oadr, 'oadrSamplingRate', samplingRateCodec),
});
export type ReportDescription = TypeOf<typeof reportDescriptionCodec>;

/** `oadr:oadrReport`: metadata (with descriptions) or data (with intervals), OPENADR.md §5.2, §5.5. */
export const oadrReportCodec = sequence('oadrReport', {
  dtstart: opt(xcal, 'dtstart', dtstart),
  duration: opt(xcal, 'duration', durationProp),
  intervals: opt(strm, 'intervals', intervalsCodec),
  eiReportID: opt(ei, 'eiReportID', xsString),
  oadrReportDescription: many(oadr, 'oadrReportDescription', reportDescriptionCodec),
  reportRequestID: one(ei, 'reportRequestID', xsString),
  reportSpecifierID: one(ei, 'reportSpecifierID', xsString),
  reportName: opt(ei, 'reportName', enumeration('reportName', REPORT_NAMES, true)),
  createdDateTime: one(ei, 'createdDateTime', dateTime),
});
export type OadrReport = TypeOf<typeof oadrReportCodec>;

export const specifierPayloadCodec = sequence('specifierPayload', {
  rID: one(ei, 'rID', xsString),
  itemBase: choice('opt', itemBaseOptions),
  readingType: one(ei, 'readingType', readingType),
});

/** `ei:reportSpecifier` (OPENADR.md §5.4): what to sample, how often, how often to send. */
export const reportSpecifierCodec = sequence('reportSpecifier', {
  reportSpecifierID: one(ei, 'reportSpecifierID', xsString),
  granularity: one(xcal, 'granularity', durationProp),
  reportBackDuration: one(ei, 'reportBackDuration', durationProp),
  reportInterval: opt(ei, 'reportInterval', calendarIntervalCodec),
  specifierPayload: some(ei, 'specifierPayload', specifierPayloadCodec),
});
export type ReportSpecifier = TypeOf<typeof reportSpecifierCodec>;

export const reportRequestCodec = sequence('oadrReportRequest', {
  reportRequestID: one(ei, 'reportRequestID', xsString),
  reportSpecifier: one(ei, 'reportSpecifier', reportSpecifierCodec),
});
export type ReportRequest = TypeOf<typeof reportRequestCodec>;

const pendingReports = listOf(ei, 'reportRequestID', xsString, 'many');

export const registerReportCodec = sequence('oadrRegisterReport', {
  requestID: one(pyld, 'requestID', xsString),
  oadrReport: many(oadr, 'oadrReport', oadrReportCodec),
  venID: opt(ei, 'venID', xsString),
  reportRequestID: opt(ei, 'reportRequestID', xsString),
});

export const registeredReportCodec = sequence('oadrRegisteredReport', {
  eiResponse: one(ei, 'eiResponse', eiResponseCodec),
  oadrReportRequest: many(oadr, 'oadrReportRequest', reportRequestCodec),
  venID: opt(ei, 'venID', xsString),
});

export const createReportCodec = sequence('oadrCreateReport', {
  requestID: one(pyld, 'requestID', xsString),
  oadrReportRequest: some(oadr, 'oadrReportRequest', reportRequestCodec),
  venID: opt(ei, 'venID', xsString),
});

export const createdReportCodec = sequence('oadrCreatedReport', {
  eiResponse: one(ei, 'eiResponse', eiResponseCodec),
  oadrPendingReports: one(oadr, 'oadrPendingReports', pendingReports),
  venID: opt(ei, 'venID', xsString),
});

export const updateReportCodec = sequence('oadrUpdateReport', {
  requestID: one(pyld, 'requestID', xsString),
  oadrReport: many(oadr, 'oadrReport', oadrReportCodec),
  venID: opt(ei, 'venID', xsString),
});

export const cancelReportCodec = sequence('oadrCancelReport', {
  requestID: one(pyld, 'requestID', xsString),
  reportRequestID: some(ei, 'reportRequestID', xsString),
  reportToFollow: one(pyld, 'reportToFollow', xsBoolean),
  venID: opt(ei, 'venID', xsString),
});
export type CancelReport = TypeOf<typeof cancelReportCodec>;

export const updatedReportCodec = sequence('oadrUpdatedReport', {
  eiResponse: one(ei, 'eiResponse', eiResponseCodec),
  oadrCancelReport: opt(oadr, 'oadrCancelReport', cancelReportCodec),
  venID: opt(ei, 'venID', xsString),
});

export const canceledReportCodec = sequence('oadrCanceledReport', {
  eiResponse: one(ei, 'eiResponse', eiResponseCodec),
  oadrPendingReports: one(oadr, 'oadrPendingReports', pendingReports),
  venID: opt(ei, 'venID', xsString),
});
