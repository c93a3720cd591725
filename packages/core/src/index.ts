/**
 * @rxadr/core: the OpenADR 2.0b message model, the Transport interface and the VEN engine.
 * End-user API first; below it, the transport interface for integrators. The engine's building blocks
 * (event reducer, report planning, XML reader and writer) are in `@rxadr/core/engine`.
 */

// End-user API: the VEN engine
export { createVen } from './ven/create-ven.js';
export type { Ven, VenLedger } from './ven/create-ven.js';
export { resolveVenOptions, MAX_POLL_FREQUENCY_MS } from './ven/ven-options.js';
export type { VenOptions, ResolvedVenOptions } from './ven/ven-options.js';
export type { PollPhase } from './ven/poll-phase.js';
export type { VenStatus, VenStatusName } from './ven/ven-status.js';
export { VenError, isVenError } from './ven/ven-error.js';
export type { VenErrorCode, VenErrorOptions } from './ven/ven-error.js';
export type { VenLogger } from './ven/ven-logger.js';
export { optIn, optOut } from './ven/decision.js';
export type { Decision, DecisionOperator, DecisionOptions } from './ven/decision.js';
export type { EventSnapshot, EventIntervalSnapshot, SignalSnapshot, VenEventStatus } from './ven/event-snapshot.js';
export { eiTarget } from './ven/opt-request.js';
export type { AvailabilityWindow, CreateOptRequest } from './ven/opt-request.js';
export type { OptRecord, OptStatus } from './ven/opt-record.js';
export { createMemoryStore, EMPTY_VEN_STATE } from './ven/ven-store.js';
export type { RegistrationState, VenState, VenStore } from './ven/ven-store.js';
export { createFileStore } from './ven/file-store.js';
export { DEFAULT_BACKOFF, backoffDelay } from './ven/backoff.js';
export type { BackoffPolicy } from './ven/backoff.js';
export { fromPromiseTransport } from './ven/from-promise-transport.js';

// End-user API: device control (the value in force per resource and signal)
export { valueInForce } from './control/value-in-force.js';
export type { ValueInForceOptions } from './control/value-in-force.js';
export type { ControlEventRef, ControlPhase, ControlSignal, ControlValue } from './control/control-value.js';
export { VEN_RESOURCE_ID } from './control/ven-resource.js';
export type { VenResource } from './control/ven-resource.js';

// End-user API: the obligations ledger (what the VEN owes the VTN; docs/ledger.md)
export { createLedger, DEFAULT_LEDGER_BOUNDS } from './ledger/create-ledger.js';
export type { LedgerOptions } from './ledger/create-ledger.js';
export type { Ledger, LedgerBounds, ObligationHooks } from './ledger/ledger.js';
export type { LedgerChange, LedgerCounters, NewObligation, Obligation, ObligationKind, ObligationState, ObligationSubject } from './ledger/obligation.js';
export { DEFAULT_RETRY_POLICY, retryDelay, classifyCode, classifyExchange, responseOf } from './ledger/retry-policy.js';
export type { ExchangeVerdict, RetryPolicy } from './ledger/retry-policy.js';
export { createMemoryJournal, COUNTERS_ENTRY } from './ledger/ledger-journal.js';
export type { JournalOp, LedgerJournal } from './ledger/ledger-journal.js';
export { createFileJournal } from './ven/file-journal.js';
export type { FileJournalOptions } from './ven/file-journal.js';

// End-user API: reports (OPENADR.md §5)
export { createReports } from './reports/create-reports.js';
export type { ReportModule, ReportStats, DroppedDelivery, DropReason } from './reports/report-module.js';
export type { ReportsOptions } from './reports/report-options.js';
export { telemetryUsage, telemetryStatus, historyUsage, customReport, toResourceStatus } from './reports/report-builders.js';
export type {
  CustomReportOptions,
  HistoryUsageOptions,
  LoadControlValue,
  SamplingRateInput,
  StatusReading,
  TelemetryStatusOptions,
  TelemetryUsageOptions,
} from './reports/report-builders.js';
export type { DataReportName, HistoryPoint, HistoryQuery, Reading, ReadingSample, ReadingSource, ReportCapability, SamplingRange } from './reports/report-capability.js';
export { itemBaseFor, DEFAULT_POWER_ATTRIBUTES } from './reports/item-base.js';
export type { Measurement, PowerAttributes, SiScaleCode, UnitOptions } from './reports/item-base.js';
export { DEFAULT_MISSING_MARKER } from './reports/data-report.js';
export type { MissingMarker } from './reports/data-report.js';
export { ReportError, isReportError } from './reports/report-error.js';
export type { ReportErrorCode, ReportErrorOptions } from './reports/report-error.js';
export type { VtnReportInterval, VtnReportOffer, VtnReportRequestOptions, VtnReportValue } from './reports/vtn-reports.js';

// End-user API: messages
export { decodeMessage, decodeElement, encodeMessage, encodeElement, isMessage, ofType, message, DecodeError } from './codec/decode-message.js';
export type { DecodeErrorKind, DecodeResult, DecodedMessage, DecodeOptions } from './codec/decode-message.js';
export { messageToJson, messageFromJson } from './codec/message-json.js';
export { Duration } from './codec/duration.js';
export type { DurationParts } from './codec/duration.js';
export { CodecEncodeError } from './codec/xml-codec.js';
export type { CodecIssue } from './codec/xml-codec.js';
export { MESSAGE_TYPES, payloadOptions, oadrPayloadCodec, signedObjectCodec } from './model/message.js';
export type { OadrMessage, OadrMessageType, MessageOf, MessageBody } from './model/message.js';
export * from './model/model-exports.js';

// Integrator API: transports
export { OADR_SERVICES } from './transport/transport.js';
export { serviceOfMessage } from './transport/service-of-message.js';
export type { InboundExchange, OadrService, Transport, TransportRequest } from './transport/transport.js';
export { TransportError, isTransportError } from './transport/transport-error.js';
export type { TransportErrorCode, TransportErrorOptions } from './transport/transport-error.js';

// Time: waits of any length on any scheduler (Node timers hold at most 2^31−1 ms)
export { clampedTimer, clampedTimerAt, scheduleAt, scheduleClamped, MAX_TIMER_STEP_MS } from './time/clamped-timer.js';
export { inInstantRange, MIN_INSTANT_MS, MAX_INSTANT_MS } from './time/instant-range.js';

