/**
 * `@rxadr/core/engine`: the building blocks of the VEN engine for integrators — the event reducer
 * and schedule, the report catalog, request handling, planning and sampling, and the XML reader,
 * writer and codec. What applications write with is in `@rxadr/core`; these names may change
 * between minor versions more freely.
 */

// Integrator API: VEN engine building blocks
export { reduceDistribution, recordAnswers, pruneEvents } from './ven/event-reducer.js';
export type { DistributionContext, DistributionResult, EventOutcome, EventOutcomeKind } from './ven/event-reducer.js';
export type { EventAnswer, EventCancellation, EventRecord, EventTable } from './ven/event-record.js';
export { eventSnapshot, eventTimes, nextBoundary, recordStatus } from './ven/event-schedule.js';
export { decodeDistribution } from './ven/decode-distribution.js';
export { controlAt, participation } from './control/control-at.js';
export type { ControlInputs, ControlState } from './control/control-at.js';
export { signalPhaseAt } from './control/event-phase.js';
export type { SignalPhase } from './control/event-phase.js';
export { controlKey } from './control/control-value.js';
export { eventResources, signalResources, targetsResource } from './control/ven-resource.js';
export type { ResourceTargeting } from './control/ven-resource.js';
export type { LenientDistribution, RejectedEvent } from './ven/decode-distribution.js';
export { eventRangeProblem } from './ven/event-range.js';
export { namesOtherVen, refuseForeignVenID } from './ven/foreign-ven.js';
export type { ForeignVenRefusal } from './ven/foreign-ven.js';
export { createNoReports } from './ven/report-handler.js';
export type { ReportContext, ReportHandler, ReportRequestMessage } from './ven/report-handler.js';


// Integrator API: report building blocks
export type { ReportHost } from './reports/report-host.js';
export { createReportCatalog } from './reports/report-catalog.js';
export type { OfferedReport, ReportCatalog } from './reports/report-catalog.js';
export { registerReport, metadataReport, metadataName } from './reports/metadata.js';
export { validateRequest, METADATA_SPECIFIER } from './reports/request-validation.js';
export type { RequestProblem, RequestProblemCode, RequestValidation } from './reports/request-validation.js';
export type { RequestRecord, RequestShape } from './reports/request-record.js';
export { applyCreate, applyCancel, applyDelivered, pendingIDs } from './reports/report-requests.js';
export type { CreateOutcome, CancelOutcome } from './reports/report-requests.js';
export { nextDeliveryMs, coverEndMs, intervalBounds, nextSampleMs, isFinal } from './reports/report-plan.js';
export { sampleRequest } from './reports/sampler.js';
export type { SamplerDeps } from './reports/sampler.js';
export type { SampledInterval, SampledWindow } from './reports/sampled-window.js';
export { dataReport } from './reports/data-report.js';
export { reportStateFromJson } from './reports/report-state.js';
export type { HeldDelivery, ReportCounters, ReportStateJson } from './reports/report-state.js';

// Integrator API: XML and codec building blocks
export { NS, canonicalPrefix } from './xml/namespaces.js';
export { readXml, XmlTreeBuilder, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH } from './xml/read-xml.js';
export type { XmlReadLimits, XmlReadFailure, XmlReadResult } from './xml/read-xml.js';
export { scanXml } from './xml/xml-scan.js';
export { detached, internalized } from './xml/detached.js';
export { NameTable } from './xml/name-table.js';
export type { XmlScanCursor, XmlScanHandler, XmlScanTag, XmlScanAttribute, XmlNamespaceDeclaration } from './xml/xml-scan.js';
export { writeXml } from './xml/write-xml.js';
export { XmlWriter, escapeText, escapeAttribute, compareAttributes } from './xml/xml-writer.js';
export type { SignedObjectSpan } from './xml/xml-writer.js';
export { encodedSignedObject } from './xml/encoded-documents.js';
export type { EncodedSignedObject } from './xml/encoded-documents.js';
export { rememberDecoded } from './codec/decoded-documents.js';
export { messageReader } from './codec/decode-message.js';
export type { MessageReader } from './codec/decode-message.js';
export { xmlElement } from './xml/xml-node.js';
export type { XmlAttribute, XmlContent, XmlElement } from './xml/xml-node.js';
export { XmlCodec } from './codec/xml-codec.js';
