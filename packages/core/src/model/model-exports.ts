// The message model: codecs and the types derived from them.
export {
  DATA_QUALITIES,
  SI_SCALE_CODES,
  eiResponseCodec,
  eiTargetCodec,
  intervalCodec,
  itemBaseOptions,
  propertiesCodec,
  qualifiedEventIdCodec,
  resourceStatusCodec,
} from './common.js';
export type {
  DataQuality,
  EiResponse,
  EiTarget,
  FeatureCollection,
  Interval,
  ItemBase,
  PayloadBase,
  Properties,
  QualifiedEventID,
  ResourceStatus,
  StreamPayload,
} from './common.js';
export {
  EVENT_STATUSES,
  OPT_TYPES,
  RESPONSE_REQUIRED,
  SIGNAL_NAMES,
  SIGNAL_TYPES,
  eiEventCodec,
  eventDescriptorCodec,
  eventSignalCodec,
  oadrEventCodec,
} from './event.js';
export type {
  ActivePeriod,
  EiEvent,
  EventBaseline,
  EventDescriptor,
  EventSignal,
  EventStatus,
  OadrEvent,
  OptType,
  ResponseRequired,
  SignalName,
  SignalType,
} from './event.js';
export { OPT_REASONS, vavailabilityCodec } from './opt.js';
export type { OptReason, Vavailability } from './opt.js';
export { PROFILE_NAMES, SERVICE_NAMES, TRANSPORT_NAMES } from './registration.js';
export type { CreatedPartyRegistration } from './registration.js';
export { READING_TYPES, REPORT_NAMES, REPORT_TYPES, oadrReportCodec, reportRequestCodec, reportSpecifierCodec } from './report.js';
export type {
  CancelReport,
  OadrReport,
  ReadingType,
  ReportDescription,
  ReportName,
  ReportRequest,
  ReportSpecifier,
  ReportType,
  SamplingRate,
} from './report.js';
