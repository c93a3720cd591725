import { anyUri, dateTime, enumeration, responseCode, unsignedInt, xsString } from '../codec/scalars.js';
import { choice, fixed, many, one, opt, some } from '../codec/fields.js';
import { sequence } from '../codec/sequence.js';
import { listOf } from '../codec/list-of.js';
import { wrapper, type TypeOf } from '../codec/xml-codec.js';
import { NS } from '../xml/namespaces.js';
import {
  currentValueCodec,
  dtstart,
  durationProp,
  eiResponseCodec,
  eiTargetCodec,
  intervalsCodec,
  itemBaseOptions,
  propertiesCodec,
  qualifiedEventIdCodec,
} from './common.js';

const { oadr, ei, pyld, emix, xcal, strm } = NS;

export const EVENT_STATUSES = ['none', 'far', 'near', 'active', 'completed', 'cancelled'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** Standard signal names (OPENADR.md §4.3); any `x-` token is also valid. */
export const SIGNAL_NAMES = [
  'SIMPLE',
  'simple',
  'ELECTRICITY_PRICE',
  'ENERGY_PRICE',
  'DEMAND_CHARGE',
  'BID_PRICE',
  'BID_LOAD',
  'BID_ENERGY',
  'CHARGE_STATE',
  'LOAD_DISPATCH',
  'LOAD_CONTROL',
] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number] | `x-${string}`;

/** Signal types; the schema allows no other `x-` values than the four listed. */
export const SIGNAL_TYPES = [
  'delta',
  'level',
  'multiplier',
  'price',
  'priceMultiplier',
  'priceRelative',
  'setpoint',
  'x-loadControlCapacity',
  'x-loadControlLevelOffset',
  'x-loadControlPercentOffset',
  'x-loadControlSetpoint',
] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

export const OPT_TYPES = ['optIn', 'optOut'] as const;
export type OptType = (typeof OPT_TYPES)[number];
export const optType = enumeration('optType', OPT_TYPES, false);

/** `ei:eventDescriptor` (OPENADR.md §4.1). */
export const eventDescriptorCodec = sequence('eventDescriptor', {
  eventID: one(ei, 'eventID', xsString),
  modificationNumber: one(ei, 'modificationNumber', unsignedInt),
  modificationDateTime: opt(ei, 'modificationDateTime', dateTime),
  modificationReason: opt(ei, 'modificationReason', xsString),
  priority: opt(ei, 'priority', unsignedInt),
  eiMarketContext: one(ei, 'eiMarketContext', wrapper(emix, 'marketContext', anyUri)),
  createdDateTime: one(ei, 'createdDateTime', dateTime),
  eventStatus: one(ei, 'eventStatus', enumeration('eventStatus', EVENT_STATUSES, false)),
  testEvent: opt(ei, 'testEvent', xsString),
  vtnComment: opt(ei, 'vtnComment', xsString),
});
export type EventDescriptor = TypeOf<typeof eventDescriptorCodec>;

/** `ei:eiActivePeriod`: properties plus the always-empty `xcal:components`. */
export const activePeriodCodec = sequence('eiActivePeriod', {
  properties: one(xcal, 'properties', propertiesCodec),
  components: fixed(xcal, 'components'),
});
export type ActivePeriod = TypeOf<typeof activePeriodCodec>;

/** `ei:eiEventSignal` (OPENADR.md §4.3). */
export const eventSignalCodec = sequence('eiEventSignal', {
  intervals: one(strm, 'intervals', intervalsCodec),
  eiTarget: opt(ei, 'eiTarget', eiTargetCodec),
  signalName: one(ei, 'signalName', enumeration('signalName', SIGNAL_NAMES, true)),
  signalType: one(ei, 'signalType', enumeration('signalType', SIGNAL_TYPES, false)),
  signalID: one(ei, 'signalID', xsString),
  itemBase: choice('opt', itemBaseOptions),
  currentValue: opt(ei, 'currentValue', currentValueCodec),
});
export type EventSignal = TypeOf<typeof eventSignalCodec>;

/** `ei:eiEventBaseline`. */
export const eventBaselineCodec = sequence('eiEventBaseline', {
  dtstart: one(xcal, 'dtstart', dtstart),
  duration: one(xcal, 'duration', durationProp),
  intervals: one(strm, 'intervals', intervalsCodec),
  baselineID: one(ei, 'baselineID', xsString),
  resourceID: many(ei, 'resourceID', xsString),
  baselineName: one(ei, 'baselineName', xsString),
  itemBase: choice('opt', itemBaseOptions),
});
export type EventBaseline = TypeOf<typeof eventBaselineCodec>;

export const eventSignalsCodec = sequence('eiEventSignals', {
  eiEventSignal: some(ei, 'eiEventSignal', eventSignalCodec),
  eiEventBaseline: opt(ei, 'eiEventBaseline', eventBaselineCodec),
});

/** `ei:eiEvent`. */
export const eiEventCodec = sequence('eiEvent', {
  eventDescriptor: one(ei, 'eventDescriptor', eventDescriptorCodec),
  eiActivePeriod: one(ei, 'eiActivePeriod', activePeriodCodec),
  eiEventSignals: one(ei, 'eiEventSignals', eventSignalsCodec),
  eiTarget: one(ei, 'eiTarget', eiTargetCodec),
});
export type EiEvent = TypeOf<typeof eiEventCodec>;

export const RESPONSE_REQUIRED = ['always', 'never'] as const;
export type ResponseRequired = (typeof RESPONSE_REQUIRED)[number];

export const oadrEventCodec = sequence('oadrEvent', {
  eiEvent: one(ei, 'eiEvent', eiEventCodec),
  oadrResponseRequired: one(oadr, 'oadrResponseRequired', enumeration('oadrResponseRequired', RESPONSE_REQUIRED, false)),
});
export type OadrEvent = TypeOf<typeof oadrEventCodec>;

/** oadrDistributeEvent (VTN → VEN, OPENADR.md §3.3). */
export const distributeEventCodec = sequence('oadrDistributeEvent', {
  eiResponse: opt(ei, 'eiResponse', eiResponseCodec),
  requestID: one(pyld, 'requestID', xsString),
  vtnID: one(ei, 'vtnID', xsString),
  oadrEvent: many(oadr, 'oadrEvent', oadrEventCodec),
});

export const eventResponseCodec = sequence('eventResponse', {
  responseCode: one(ei, 'responseCode', responseCode),
  responseDescription: opt(ei, 'responseDescription', xsString),
  requestID: one(pyld, 'requestID', xsString),
  qualifiedEventID: one(ei, 'qualifiedEventID', qualifiedEventIdCodec),
  optType: one(ei, 'optType', optType),
});

/** oadrCreatedEvent (VEN → VTN, OPENADR.md §4.8). */
export const createdEventCodec = sequence('oadrCreatedEvent', {
  eiCreatedEvent: one(
    pyld,
    'eiCreatedEvent',
    sequence('eiCreatedEvent', {
      eiResponse: one(ei, 'eiResponse', eiResponseCodec),
      eventResponses: opt(ei, 'eventResponses', listOf(ei, 'eventResponse', eventResponseCodec, 'many')),
      venID: one(ei, 'venID', xsString),
    }),
  ),
});

/** oadrRequestEvent (VEN → VTN). */
export const requestEventCodec = sequence('oadrRequestEvent', {
  eiRequestEvent: one(
    pyld,
    'eiRequestEvent',
    sequence('eiRequestEvent', {
      requestID: one(pyld, 'requestID', xsString),
      venID: one(ei, 'venID', xsString),
      replyLimit: opt(pyld, 'replyLimit', unsignedInt),
    }),
  ),
});

