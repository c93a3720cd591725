import { attribute, choice, many, one, opt, type ChoiceOf } from '../codec/fields.js';
import { sequence } from '../codec/sequence.js';
import { listOf } from '../codec/list-of.js';
import {
  currencyCode,
  dateTime,
  doubleList,
  duration,
  enumeration,
  fixedToken,
  responseCode,
  unsignedInt,
  xsBoolean,
  xsDecimal,
  xsFloat,
  xsString,
  confidence,
  ncName,
} from '../codec/scalars.js';
import { rawElement, wrapper, type TypeOf } from '../codec/xml-codec.js';
import { NS } from '../xml/namespaces.js';

const { oadr, ei, pyld, emix, xcal, power, scale, gml, atom } = NS;

// ---- Dates and durations (OPENADR.md §2.3, §9) ----

/** `DurationPropType`: `<x><xcal:duration>PT1H</xcal:duration></x>` read as a `Duration`. */
export const durationProp = wrapper(xcal, 'duration', duration);
/** `xcal:dtstart` → `xcal:date-time`, read as a Date. */
export const dtstart = wrapper(xcal, 'date-time', dateTime);
/** `xcal:uid` → `xcal:text`. */
export const uid = wrapper(xcal, 'text', xsString);

/** `xcal:tolerance` → `xcal:tolerate` → `xcal:startafter` (randomisation window, rule 30). */
export const toleranceCodec = wrapper(xcal, 'tolerate', sequence('tolerate', { startafter: opt(xcal, 'startafter', duration) }));

/** `xcal:properties`: the time window of an event, a report interval or an availability. */
export const propertiesCodec = sequence('properties', {
  dtstart: one(xcal, 'dtstart', dtstart),
  duration: one(xcal, 'duration', durationProp),
  tolerance: opt(xcal, 'tolerance', toleranceCodec),
  xEiNotification: opt(ei, 'x-eiNotification', durationProp),
  xEiRampUp: opt(ei, 'x-eiRampUp', durationProp),
  xEiRecovery: opt(ei, 'x-eiRecovery', durationProp),
});
export type Properties = TypeOf<typeof propertiesCodec>;

/** A `WsCalendarIntervalType` (`ei:reportInterval`, `xcal:available`): just its properties. */
export const calendarIntervalCodec = wrapper(xcal, 'properties', propertiesCodec);

// ---- Responses ----

/** `ei:eiResponse`: the OpenADR-level result (§1.5). responseCode is three digits. */
export const eiResponseCodec = sequence('eiResponse', {
  responseCode: one(ei, 'responseCode', responseCode),
  responseDescription: opt(ei, 'responseDescription', xsString),
  requestID: one(pyld, 'requestID', xsString),
});
export type EiResponse = TypeOf<typeof eiResponseCodec>;

export const qualifiedEventIdCodec = sequence('qualifiedEventID', {
  eventID: one(ei, 'eventID', xsString),
  modificationNumber: one(ei, 'modificationNumber', unsignedInt),
});
export type QualifiedEventID = TypeOf<typeof qualifiedEventIdCodec>;

// ---- Targets (OPENADR.md §2.3, §4.4) ----

const gmlId = attribute('opt', gml, 'id', ncName);

/** `gml:FeatureCollection` as OpenADR restricts it: one polygon given by its exterior ring. */
export const featureCollectionCodec = sequence('FeatureCollection', {
  id: gmlId,
  location: one(
    gml,
    'location',
    wrapper(
      gml,
      'Polygon',
      sequence('Polygon', {
        id: gmlId,
        exterior: one(gml, 'exterior', wrapper(gml, 'LinearRing', wrapper(gml, 'posList', doubleList))),
      }),
    ),
  ),
});
export type FeatureCollection = TypeOf<typeof featureCollectionCodec>;

const nodeText = wrapper(power, 'node', xsString);
const mridText = wrapper(power, 'mrid', xsString);

/**
 * `ei:eiTarget` (EiTargetType): every kind optional and repeatable, criteria ORed (rule 22).
 * An empty target addresses the receiving VEN. Also used for `reportSubject`,
 * `reportDataSource` and `oadrDeviceClass`.
 */
export const eiTargetCodec = sequence('EiTargetType', {
  aggregatedPnode: many(power, 'aggregatedPnode', nodeText),
  endDeviceAsset: many(power, 'endDeviceAsset', mridText),
  meterAsset: many(power, 'meterAsset', mridText),
  pnode: many(power, 'pnode', nodeText),
  serviceArea: many(emix, 'serviceArea', wrapper(gml, 'FeatureCollection', featureCollectionCodec)),
  serviceDeliveryPoint: many(power, 'serviceDeliveryPoint', nodeText),
  serviceLocation: many(power, 'serviceLocation', wrapper(gml, 'FeatureCollection', featureCollectionCodec)),
  transportInterface: many(
    power,
    'transportInterface',
    sequence('transportInterface', {
      pointOfReceipt: one(power, 'pointOfReceipt', xsString),
      pointOfDelivery: one(power, 'pointOfDelivery', xsString),
    }),
  ),
  groupID: many(ei, 'groupID', xsString),
  groupName: many(ei, 'groupName', xsString),
  resourceID: many(ei, 'resourceID', xsString),
  venID: many(ei, 'venID', xsString),
  partyID: many(ei, 'partyID', xsString),
});
export type EiTarget = TypeOf<typeof eiTargetCodec>;

// ---- Units: the emix:itemBase substitution group (OPENADR.md §2.3) ----

export const SI_SCALE_CODES = ['p', 'n', 'micro', 'm', 'c', 'd', 'k', 'M', 'G', 'T', 'none'] as const;
export const siScaleCode = enumeration('siScaleCode', SI_SCALE_CODES, false);

const powerAttributesCodec = sequence('powerAttributes', {
  hertz: one(power, 'hertz', xsDecimal),
  voltage: one(power, 'voltage', xsDecimal),
  ac: one(power, 'ac', xsBoolean),
});

function fixedUnit<const D extends string, const U extends string>(ns: string, description: D, units: readonly U[]) {
  return sequence(description, {
    itemDescription: one(ns, 'itemDescription', fixedToken(description)),
    itemUnits: one(ns, 'itemUnits', enumeration('itemUnits', units, false)),
    siScaleCode: one(scale, 'siScaleCode', siScaleCode),
  });
}

function powerUnit<const D extends string, const U extends string>(description: D, units: readonly U[]) {
  return sequence(description, {
    itemDescription: one(power, 'itemDescription', fixedToken(description)),
    itemUnits: one(power, 'itemUnits', enumeration('itemUnits', units, false)),
    siScaleCode: one(scale, 'siScaleCode', siScaleCode),
    powerAttributes: one(power, 'powerAttributes', powerAttributesCodec),
  });
}

const currencyUnit = sequence('currency', {
  itemDescription: one(oadr, 'itemDescription', enumeration('currency description', ['currency', 'currencyPerKW', 'currencyPerKWh'], false)),
  itemUnits: one(oadr, 'itemUnits', currencyCode),
  siScaleCode: one(scale, 'siScaleCode', siScaleCode),
});

/** The members of `emix:itemBase`, keyed by element name; `type` in the model names the element. */
export const itemBaseOptions = {
  powerReal: [power, 'powerReal', powerUnit('RealPower', ['W', 'J/s'])],
  powerReactive: [power, 'powerReactive', powerUnit('ReactivePower', ['VAR'])],
  powerApparent: [power, 'powerApparent', powerUnit('ApparentPower', ['VA'])],
  energyReal: [power, 'energyReal', fixedUnit(power, 'RealEnergy', ['Wh'])],
  energyReactive: [power, 'energyReactive', fixedUnit(power, 'ReactiveEnergy', ['VARh'])],
  energyApparent: [power, 'energyApparent', fixedUnit(power, 'ApparentEnergy', ['VAh'])],
  voltage: [power, 'voltage', fixedUnit(power, 'Voltage', ['V'])],
  current: [oadr, 'current', fixedUnit(oadr, 'Current', ['A'])],
  frequency: [oadr, 'frequency', fixedUnit(oadr, 'Frequency', ['Hz'])],
  temperature: [oadr, 'temperature', fixedUnit(oadr, 'temperature', ['celsius', 'fahrenheit'])],
  Therm: [oadr, 'Therm', fixedUnit(oadr, 'Therm', ['thm'])],
  currency: [oadr, 'currency', currencyUnit],
  currencyPerKWh: [oadr, 'currencyPerKWh', currencyUnit],
  currencyPerKW: [oadr, 'currencyPerKW', currencyUnit],
  currencyPerThm: [oadr, 'currencyPerThm', currencyUnit],
  pulseCount: [
    oadr,
    'pulseCount',
    sequence('pulseCount', {
      itemDescription: one(oadr, 'itemDescription', fixedToken('pulse count')),
      itemUnits: one(oadr, 'itemUnits', fixedToken('count')),
      pulseFactor: one(oadr, 'pulseFactor', xsFloat),
    }),
  ],
  customUnit: [
    oadr,
    'customUnit',
    sequence('customUnit', {
      itemDescription: one(oadr, 'itemDescription', xsString),
      itemUnits: one(oadr, 'itemUnits', xsString),
      siScaleCode: one(scale, 'siScaleCode', siScaleCode),
    }),
  ],
  oadrGBDataDescription: [oadr, 'oadrGBDataDescription', sequence('oadrGBDataDescription', { feed: one(atom, 'feed', rawElement) })],
} as const;

/** A unit of measure (`emix:itemBase`), e.g. `{ type: 'powerReal', itemUnits: 'W', siScaleCode: 'k', … }`. */
export type ItemBase = ChoiceOf<typeof itemBaseOptions>;
/** The optional `emix:itemBase` field, for sequences that carry a unit. */
export const optionalItemBase = () => choice('opt', itemBaseOptions);

// ---- Payloads (ei:payloadBase substitution group) ----

export const loadControlStateTypeCodec = sequence('oadrLoadControlStateType', {
  oadrMin: opt(oadr, 'oadrMin', xsFloat),
  oadrMax: opt(oadr, 'oadrMax', xsFloat),
  oadrCurrent: one(oadr, 'oadrCurrent', xsFloat),
  oadrNormal: opt(oadr, 'oadrNormal', xsFloat),
});

/** `oadr:oadrPayloadResourceStatus` (TELEMETRY_STATUS, OPENADR.md §5.6). */
export const resourceStatusCodec = sequence('oadrPayloadResourceStatus', {
  oadrOnline: one(oadr, 'oadrOnline', xsBoolean),
  oadrManualOverride: one(oadr, 'oadrManualOverride', xsBoolean),
  oadrLoadControlState: opt(
    oadr,
    'oadrLoadControlState',
    sequence('oadrLoadControlState', {
      oadrCapacity: opt(oadr, 'oadrCapacity', loadControlStateTypeCodec),
      oadrLevelOffset: opt(oadr, 'oadrLevelOffset', loadControlStateTypeCodec),
      oadrPercentOffset: opt(oadr, 'oadrPercentOffset', loadControlStateTypeCodec),
      oadrSetPoint: opt(oadr, 'oadrSetPoint', loadControlStateTypeCodec),
    }),
  ),
});
export type ResourceStatus = TypeOf<typeof resourceStatusCodec>;

const payloadFloatCodec = sequence('payloadFloat', { value: one(ei, 'value', xsFloat) });

export const payloadBaseOptions = {
  payloadFloat: [ei, 'payloadFloat', payloadFloatCodec],
  oadrPayloadResourceStatus: [oadr, 'oadrPayloadResourceStatus', resourceStatusCodec],
} as const;

/** `ei:currentValue`: its only member is `ei:payloadFloat`, so it reads as the number. */
export const currentValueCodec = wrapper(ei, 'payloadFloat', wrapper(ei, 'value', xsFloat));

export const DATA_QUALITIES = [
  'No Quality - No Value',
  'No New Value - Previous Value Used',
  'Quality Bad - Non Specific',
  'Quality Bad - Configuration Error',
  'Quality Bad - Not Connected',
  'Quality Bad - Device Failure',
  'Quality Bad - Sensor Failure',
  'Quality Bad - Last Known Value',
  'Quality Bad - Comm Failure',
  'Quality Bad - Out of Service',
  'Quality Uncertain - Non Specific',
  'Quality Uncertain - Last Usable Value',
  'Quality Uncertain - Sensor Not Accurate',
  'Quality Uncertain - EU Units Exceeded',
  'Quality Uncertain - Sub Normal',
  'Quality Good - Non Specific',
  'Quality Good - Local Override',
  'Quality Limit - Field/Not',
  'Quality Limit - Field/Low',
  'Quality Limit - Field/High',
  'Quality Limit - Field/Constant',
] as const;
export type DataQuality = (typeof DATA_QUALITIES)[number] | `x-${string}`;

/** `strm:streamPayloadBase` members: event signal values, report values, Green Button data. */
export const streamPayloadOptions = {
  signalPayload: [ei, 'signalPayload', sequence('signalPayload', { payloadBase: choice('one', payloadBaseOptions) })],
  oadrReportPayload: [
    oadr,
    'oadrReportPayload',
    sequence('oadrReportPayload', {
      rID: one(ei, 'rID', xsString),
      confidence: opt(ei, 'confidence', confidence),
      accuracy: opt(ei, 'accuracy', xsFloat),
      payloadBase: choice('one', payloadBaseOptions),
      oadrDataQuality: opt(oadr, 'oadrDataQuality', enumeration('oadrDataQuality', DATA_QUALITIES, true)),
    }),
  ],
  oadrGBPayload: [oadr, 'oadrGBPayload', sequence('oadrGBPayload', { feed: one(atom, 'feed', rawElement) })],
} as const;

/** `ei:interval`: optional start, duration and uid, then one or more stream payloads. */
export const intervalCodec = sequence('interval', {
  dtstart: opt(xcal, 'dtstart', dtstart),
  duration: opt(xcal, 'duration', durationProp),
  uid: opt(xcal, 'uid', uid),
  streamPayloadBase: choice('some', streamPayloadOptions),
});
export type Interval = TypeOf<typeof intervalCodec>;
export type StreamPayload = Interval['streamPayloadBase'][number];
export type PayloadBase = Extract<StreamPayload, { type: 'signalPayload' }>['payloadBase'];

/** `strm:intervals`: one or more `ei:interval`, read as the array. */
export const intervalsCodec = listOf(ei, 'interval', intervalCodec, 'some');
