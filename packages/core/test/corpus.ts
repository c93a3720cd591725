import { Duration, message, type EiTarget, type Interval, type OadrMessage, type OadrReport, type ReportRequest } from '../src/index.js';

/**
 * Named variants of all 23 payloads: minimal (only required elements), full (every optional
 * element), repeated (repeatable elements more than once) and extension (`x-` values where the
 * schema accepts them). Used by the XSD round-trip tests and as seeds for the fuzzer.
 */
const d = (iso: string): Date => new Date(iso);
const dur = (text: string): Duration => Duration.parse(text)!;

export const emptyTarget: EiTarget = {};

const polygon = { id: 'area-1', location: { id: 'poly-1', exterior: [45.1, -122.5, 45.2, -122.4, 45.1, -122.5] } };

/** All 13 target kinds, each repeated. */
export const fullTarget: EiTarget = {
  aggregatedPnode: ['apn-1', 'apn-2'],
  endDeviceAsset: ['Thermostat', 'Water_Heater'],
  meterAsset: ['meter-1', 'meter-2'],
  pnode: ['pnode-1', 'pnode-2'],
  serviceArea: [polygon, { location: { exterior: [1, 2, 3, 4, 1, 2] } }],
  serviceDeliveryPoint: ['sdp-1', 'sdp-2'],
  serviceLocation: [{ id: 'loc-1', location: { id: 'loc-poly-1', exterior: [45.1, -122.5, 45.2, -122.4, 45.1, -122.5] } }],
  transportInterface: [
    { pointOfReceipt: 'por-1', pointOfDelivery: 'pod-1' },
    { pointOfReceipt: 'por-2', pointOfDelivery: 'pod-2' },
  ],
  groupID: ['feeder-12', 'feeder-13'],
  groupName: ['north', 'south'],
  resourceID: ['chiller-A', 'chiller-B'],
  venID: ['ven-1', 'ven-2'],
  partyID: ['party-1', 'party-2'],
};

const powerAttributes = { hertz: 60, voltage: 480.5, ac: true };

const ok = (requestID: string, description?: string) => ({
  responseCode: '200',
  ...(description ? { responseDescription: description } : {}),
  requestID,
});

const signalInterval = (uid: string, value: number, minutes = 15): Interval => ({
  duration: dur(`PT${minutes}M`),
  uid,
  streamPayloadBase: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value } }],
});

const minimalEvent = {
  eiEvent: {
    eventDescriptor: {
      eventID: 'evt-1',
      modificationNumber: 0,
      eiMarketContext: 'http://example.com/programs/simple',
      createdDateTime: d('2024-07-16T10:00:00Z'),
      eventStatus: 'far' as const,
    },
    eiActivePeriod: { properties: { dtstart: d('2024-07-16T14:00:00Z'), duration: dur('PT1H') } },
    eiEventSignals: {
      eiEventSignal: [{ intervals: [signalInterval('0', 1, 60)], signalName: 'SIMPLE' as const, signalType: 'level' as const, signalID: 'sig-1' }],
    },
    eiTarget: emptyTarget,
  },
  oadrResponseRequired: 'always' as const,
};

const fullEvent = {
  eiEvent: {
    eventDescriptor: {
      eventID: 'evt-full',
      modificationNumber: 3,
      modificationDateTime: d('2024-07-16T09:30:00.250Z'),
      modificationReason: 'forecast update',
      priority: 1,
      eiMarketContext: 'http://example.com/programs/dispatch',
      createdDateTime: d('2024-07-16T09:30:00Z'),
      eventStatus: 'near' as const,
      testEvent: 'true',
      vtnComment: 'peak shave <&> "quoted"',
    },
    eiActivePeriod: {
      properties: {
        dtstart: d('2024-07-16T14:00:00Z'),
        duration: dur('PT2H'),
        tolerance: { startafter: dur('PT5M') },
        xEiNotification: dur('P1D'),
        xEiRampUp: dur('PT30M'),
        xEiRecovery: dur('PT15M'),
      },
    },
    eiEventSignals: {
      eiEventSignal: [
        {
          intervals: [
            { ...signalInterval('0', 120), dtstart: d('2024-07-16T14:00:00Z') },
            signalInterval('1', 95.5),
            signalInterval('2', -2e3),
            signalInterval('3', 0.125),
            signalInterval('4', 1, 60),
          ],
          eiTarget: { ...emptyTarget, endDeviceAsset: ['Energy_Management_System'] },
          signalName: 'LOAD_DISPATCH' as const,
          signalType: 'setpoint' as const,
          signalID: 'sig-dispatch',
          itemBase: { type: 'powerReal' as const, itemDescription: 'RealPower' as const, itemUnits: 'W' as const, siScaleCode: 'k' as const, powerAttributes },
          currentValue: 120,
        },
        {
          intervals: [signalInterval('0', 0.31, 120)],
          signalName: 'ELECTRICITY_PRICE' as const,
          signalType: 'price' as const,
          signalID: 'sig-price',
          itemBase: { type: 'currencyPerKWh' as const, itemDescription: 'currencyPerKWh' as const, itemUnits: 'USD', siScaleCode: 'none' as const },
        },
      ],
      eiEventBaseline: {
        dtstart: d('2024-07-16T14:00:00Z'),
        duration: dur('PT2H'),
        intervals: [signalInterval('0', 300, 60), signalInterval('1', 310, 60)],
        baselineID: 'bl-1',
        resourceID: ['chiller-A', 'chiller-B'],
        baselineName: 'typical weekday',
        itemBase: { type: 'energyReal' as const, itemDescription: 'RealEnergy' as const, itemUnits: 'Wh' as const, siScaleCode: 'k' as const },
      },
    },
    eiTarget: fullTarget,
  },
  oadrResponseRequired: 'never' as const,
};

const extensionEvent = {
  oadrResponseRequired: 'always' as const,
  eiEvent: {
    ...minimalEvent.eiEvent,
    eventDescriptor: { ...minimalEvent.eiEvent.eventDescriptor, eventID: 'evt-x', eventStatus: 'active' as const },
    eiEventSignals: {
      eiEventSignal: [
        {
          intervals: [signalInterval('0', 0.5, 60)],
          signalName: 'x-customSignal' as const,
          signalType: 'x-loadControlCapacity' as const,
          signalID: 'sig-x',
          itemBase: { type: 'customUnit' as const, itemDescription: 'widgets', itemUnits: 'w/s', siScaleCode: 'none' as const },
        },
      ],
    },
  },
};

const samplingRate = { oadrMinPeriod: dur('PT1M'), oadrMaxPeriod: dur('PT1H'), oadrOnChange: false };

const metadataReport = (full: boolean): OadrReport => ({
  ...(full ? { duration: dur('P30D') } : {}),
  oadrReportDescription: full
    ? [
        {
          rID: 'meter1-power',
          reportSubject: { ...emptyTarget, endDeviceAsset: ['Smart_Energy_Module'] },
          reportDataSource: { ...emptyTarget, resourceID: ['meter-1'] },
          reportType: 'usage',
          itemBase: { type: 'powerReal', itemDescription: 'RealPower', itemUnits: 'W', siScaleCode: 'none', powerAttributes },
          readingType: 'Direct Read',
          marketContext: 'http://example.com/programs/dispatch',
          oadrSamplingRate: samplingRate,
        },
        {
          rID: 'meter1-energy',
          reportType: 'usage',
          itemBase: { type: 'energyReal', itemDescription: 'RealEnergy', itemUnits: 'Wh', siScaleCode: 'k' },
          readingType: 'Summed',
          oadrSamplingRate: samplingRate,
        },
      ]
    : [{ rID: 'status', reportType: 'x-resourceStatus', readingType: 'x-notApplicable' }],
  reportRequestID: '0',
  reportSpecifierID: 'rs-telemetry-usage',
  reportName: 'METADATA_TELEMETRY_USAGE',
  createdDateTime: d('2024-07-16T10:00:00Z'),
});

const dataReport: OadrReport = {
  dtstart: d('2024-07-16T12:00:00Z'),
  duration: dur('PT2M'),
  intervals: [
    {
      dtstart: d('2024-07-16T12:00:00Z'),
      duration: dur('PT1M'),
      uid: '0',
      streamPayloadBase: [
        {
          type: 'oadrReportPayload',
          rID: 'meter1-power',
          confidence: 100,
          accuracy: 0.5,
          payloadBase: { type: 'payloadFloat', value: 41.7 },
          oadrDataQuality: 'Quality Good - Non Specific',
        },
        { type: 'oadrReportPayload', rID: 'meter1-energy', payloadBase: { type: 'payloadFloat', value: 128733.2 } },
      ],
    },
    {
      dtstart: d('2024-07-16T12:01:00Z'),
      duration: dur('PT1M'),
      uid: '1',
      streamPayloadBase: [
        {
          type: 'oadrReportPayload',
          rID: 'status',
          payloadBase: {
            type: 'oadrPayloadResourceStatus',
            oadrOnline: true,
            oadrManualOverride: false,
            oadrLoadControlState: {
              oadrCapacity: { oadrMin: 0, oadrMax: 1, oadrCurrent: 0.8, oadrNormal: 1 },
              oadrLevelOffset: { oadrCurrent: 0 },
              oadrPercentOffset: { oadrCurrent: 10 },
              oadrSetPoint: { oadrMin: 18, oadrMax: 26, oadrCurrent: 22, oadrNormal: 21 },
            },
          },
          oadrDataQuality: 'x-vendorQuality',
        },
      ],
    },
  ],
  eiReportID: 'rep-1',
  reportRequestID: 'rr-usage-001',
  reportSpecifierID: 'rs-telemetry-usage',
  reportName: 'TELEMETRY_USAGE',
  createdDateTime: d('2024-07-16T12:02:00Z'),
};

const reportRequest = (id: string, full: boolean): ReportRequest => ({
  reportRequestID: id,
  reportSpecifier: {
    reportSpecifierID: 'rs-telemetry-usage',
    granularity: dur('PT1M'),
    reportBackDuration: dur('PT5M'),
    ...(full ? { reportInterval: { dtstart: d('2024-07-16T12:00:00Z'), duration: dur('PT1H'), tolerance: {} } } : {}),
    specifierPayload: full
      ? [
          { rID: 'meter1-power', itemBase: { type: 'powerReal', itemDescription: 'RealPower', itemUnits: 'J/s', siScaleCode: 'none', powerAttributes }, readingType: 'Direct Read' },
          { rID: 'meter1-energy', readingType: 'x-custom reading' },
        ]
      : [{ rID: 'meter1-power', readingType: 'x-notApplicable' }],
  },
});

const profiles = {
  oadrProfile: [
    { oadrProfileName: '2.0a' as const, oadrTransports: { oadrTransport: [{ oadrTransportName: 'simpleHttp' as const }] } },
    { oadrProfileName: '2.0b' as const, oadrTransports: { oadrTransport: [{ oadrTransportName: 'simpleHttp' as const }, { oadrTransportName: 'xmpp' as const }] } },
  ],
};

/** Every unit of the itemBase substitution group, for a report description each. */
const allUnits = [
  { type: 'powerReal', itemDescription: 'RealPower', itemUnits: 'W', siScaleCode: 'M', powerAttributes },
  { type: 'powerReactive', itemDescription: 'ReactivePower', itemUnits: 'VAR', siScaleCode: 'k', powerAttributes },
  { type: 'powerApparent', itemDescription: 'ApparentPower', itemUnits: 'VA', siScaleCode: 'k', powerAttributes },
  { type: 'energyReal', itemDescription: 'RealEnergy', itemUnits: 'Wh', siScaleCode: 'k' },
  { type: 'energyReactive', itemDescription: 'ReactiveEnergy', itemUnits: 'VARh', siScaleCode: 'k' },
  { type: 'energyApparent', itemDescription: 'ApparentEnergy', itemUnits: 'VAh', siScaleCode: 'k' },
  { type: 'voltage', itemDescription: 'Voltage', itemUnits: 'V', siScaleCode: 'none' },
  { type: 'current', itemDescription: 'Current', itemUnits: 'A', siScaleCode: 'm' },
  { type: 'frequency', itemDescription: 'Frequency', itemUnits: 'Hz', siScaleCode: 'none' },
  { type: 'temperature', itemDescription: 'temperature', itemUnits: 'celsius', siScaleCode: 'none' },
  { type: 'Therm', itemDescription: 'Therm', itemUnits: 'thm', siScaleCode: 'none' },
  { type: 'currency', itemDescription: 'currency', itemUnits: 'EUR', siScaleCode: 'none' },
  { type: 'currencyPerKWh', itemDescription: 'currencyPerKWh', itemUnits: 'USD', siScaleCode: 'none' },
  { type: 'currencyPerKW', itemDescription: 'currencyPerKW', itemUnits: 'USD', siScaleCode: 'none' },
  { type: 'currencyPerThm', itemDescription: 'currency', itemUnits: 'CAD', siScaleCode: 'none' },
  { type: 'pulseCount', itemDescription: 'pulse count', itemUnits: 'count', pulseFactor: 0.5 },
  { type: 'customUnit', itemDescription: 'x', itemUnits: 'y', siScaleCode: 'p' },
] as const;

export const corpus: Record<string, OadrMessage> = {
  'oadrQueryRegistration.minimal': message('oadrQueryRegistration', { requestID: 'q-1' }),
  'oadrQueryRegistration.empty-request-id': message('oadrQueryRegistration', { requestID: '' }),

  'oadrCreatePartyRegistration.minimal': message('oadrCreatePartyRegistration', {
    requestID: 'r-1',
    oadrProfileName: '2.0b',
    oadrTransportName: 'simpleHttp',
    oadrReportOnly: false,
    oadrXmlSignature: false,
  }),
  'oadrCreatePartyRegistration.full': message('oadrCreatePartyRegistration', {
    requestID: 'r-2',
    registrationID: 'reg-1',
    venID: 'ven-1',
    oadrProfileName: '2.0b',
    oadrTransportName: 'simpleHttp',
    oadrTransportAddress: 'https://ven.example.com:8443',
    oadrReportOnly: true,
    oadrXmlSignature: true,
    oadrVenName: 'site-42 ü',
    oadrHttpPullModel: false,
  }),

  'oadrCreatedPartyRegistration.minimal': message('oadrCreatedPartyRegistration', {
    eiResponse: ok('r-1'),
    vtnID: 'VTN-1',
    oadrProfiles: { oadrProfile: [profiles.oadrProfile[1]!] },
  }),
  'oadrCreatedPartyRegistration.full': message('oadrCreatedPartyRegistration', {
    eiResponse: ok('r-2', 'OK'),
    registrationID: 'reg-1',
    venID: 'ven-1',
    vtnID: 'VTN-1',
    oadrProfiles: profiles,
    oadrRequestedOadrPollFreq: dur('PT10S'),
    oadrServiceSpecificInfo: {
      oadrService: [
        { oadrServiceName: 'EiEvent', oadrInfo: [{ oadrKey: 'k1', oadrValue: 'v1' }, { oadrKey: 'k2', oadrValue: 'v2' }] },
        { oadrServiceName: 'OadrPoll', oadrInfo: [{ oadrKey: 'interval', oadrValue: '10' }] },
      ],
    },
    oadrExtensions: {
      oadrExtension: [{ oadrExtensionName: 'x-ext', oadrInfo: [{ oadrKey: 'a', oadrValue: 'b' }] }, { oadrExtensionName: 'empty' }],
    },
  }),
  'oadrCreatedPartyRegistration.error': message('oadrCreatedPartyRegistration', {
    eiResponse: { responseCode: '452', responseDescription: 'Invalid ID', requestID: '' },
    vtnID: 'VTN-1',
    oadrProfiles: profiles,
    oadrExtensions: {},
    oadrServiceSpecificInfo: {},
  }),

  'oadrCancelPartyRegistration.minimal': message('oadrCancelPartyRegistration', { requestID: 'c-1', registrationID: 'reg-1' }),
  'oadrCancelPartyRegistration.full': message('oadrCancelPartyRegistration', { requestID: 'c-1', registrationID: 'reg-1', venID: 'ven-1' }),
  'oadrCanceledPartyRegistration.minimal': message('oadrCanceledPartyRegistration', { eiResponse: ok('c-1') }),
  'oadrCanceledPartyRegistration.full': message('oadrCanceledPartyRegistration', { eiResponse: ok('c-1', 'done'), registrationID: 'reg-1', venID: 'ven-1' }),
  'oadrRequestReregistration.minimal': message('oadrRequestReregistration', { venID: 'ven-1' }),
  'oadrResponse.minimal': message('oadrResponse', { eiResponse: ok('') }),
  'oadrResponse.full': message('oadrResponse', { eiResponse: { responseCode: '469', responseDescription: 'other', requestID: 'x' }, venID: 'ven-1' }),
  'oadrPoll.minimal': message('oadrPoll', { venID: 'ven-1' }),

  'oadrRequestEvent.minimal': message('oadrRequestEvent', { eiRequestEvent: { requestID: 'e-1', venID: 'ven-1' } }),
  'oadrRequestEvent.full': message('oadrRequestEvent', { eiRequestEvent: { requestID: 'e-1', venID: 'ven-1', replyLimit: 4294967295 } }),

  'oadrDistributeEvent.minimal': message('oadrDistributeEvent', { requestID: 'd-1', vtnID: 'VTN-1' }),
  'oadrDistributeEvent.one-event': message('oadrDistributeEvent', { requestID: 'd-1', vtnID: 'VTN-1', oadrEvent: [minimalEvent] }),
  'oadrDistributeEvent.full': message('oadrDistributeEvent', {
    eiResponse: ok('e-1', 'OK'),
    requestID: 'd-2',
    vtnID: 'VTN-1',
    oadrEvent: [fullEvent],
  }),
  'oadrDistributeEvent.repeated': message('oadrDistributeEvent', {
    requestID: 'd-3',
    vtnID: 'VTN-1',
    oadrEvent: [minimalEvent, fullEvent, { ...minimalEvent, oadrResponseRequired: 'never' }],
  }),
  'oadrDistributeEvent.extension': message('oadrDistributeEvent', { requestID: 'd-4', vtnID: 'VTN-1', oadrEvent: [extensionEvent] }),

  'oadrCreatedEvent.minimal': message('oadrCreatedEvent', { eiCreatedEvent: { eiResponse: ok(''), venID: 'ven-1' } }),
  'oadrCreatedEvent.full': message('oadrCreatedEvent', {
    eiCreatedEvent: {
      eiResponse: ok('', 'OK'),
      eventResponses: [
        { responseCode: '200', responseDescription: 'OK', requestID: 'd-1', qualifiedEventID: { eventID: 'evt-1', modificationNumber: 0 }, optType: 'optIn' },
        { responseCode: '460', requestID: 'd-1', qualifiedEventID: { eventID: 'evt-2', modificationNumber: 7 }, optType: 'optOut' },
      ],
      venID: 'ven-1',
    },
  }),
  'oadrCreatedEvent.no-responses': message('oadrCreatedEvent', { eiCreatedEvent: { eiResponse: { responseCode: '452', requestID: '' }, eventResponses: [], venID: 'ven-1' } }),

  'oadrCreateOpt.minimal': message('oadrCreateOpt', {
    optID: 'opt-1',
    optType: 'optOut',
    optReason: 'notParticipating',
    venID: 'ven-1',
    createdDateTime: d('2024-07-16T10:00:00Z'),
    requestID: 'o-1',
    eiTarget: emptyTarget,
  }),
  'oadrCreateOpt.schedule': message('oadrCreateOpt', {
    optID: 'opt-2',
    optType: 'optOut',
    optReason: 'x-schedule',
    marketContext: 'http://example.com/programs/dispatch',
    venID: 'ven-1',
    vavailability: {
      components: [
        { dtstart: d('2024-07-17T08:00:00Z'), duration: dur('PT4H') },
        { dtstart: d('2024-07-18T08:00:00Z'), duration: dur('PT4H') },
      ],
    },
    createdDateTime: d('2024-07-16T10:00:00Z'),
    requestID: 'o-2',
    eiTarget: { ...emptyTarget, resourceID: ['chiller-A', 'chiller-B'] },
  }),
  'oadrCreateOpt.event': message('oadrCreateOpt', {
    optID: 'opt-3',
    optType: 'optIn',
    optReason: 'participating',
    venID: 'ven-1',
    vavailability: { components: [] },
    createdDateTime: d('2024-07-16T10:00:00Z'),
    requestID: 'o-3',
    qualifiedEventID: { eventID: 'evt-1', modificationNumber: 2 },
    eiTarget: fullTarget,
    oadrDeviceClass: { ...emptyTarget, endDeviceAsset: ['Thermostat', 'EVSE'] },
  }),
  'oadrCreateOpt.extension': message('oadrCreateOpt', {
    optID: 'opt-4',
    optType: 'optOut',
    optReason: 'x-vendorReason',
    venID: 'ven-1',
    createdDateTime: d('2024-07-16T10:00:00Z'),
    requestID: 'o-4',
    eiTarget: emptyTarget,
  }),
  'oadrCreatedOpt.minimal': message('oadrCreatedOpt', { eiResponse: ok('o-1'), optID: 'opt-1' }),
  'oadrCancelOpt.minimal': message('oadrCancelOpt', { requestID: 'co-1', optID: 'opt-1', venID: 'ven-1' }),
  'oadrCanceledOpt.minimal': message('oadrCanceledOpt', { eiResponse: ok('co-1') }),
  'oadrCanceledOpt.full': message('oadrCanceledOpt', { eiResponse: ok('co-1', 'OK'), optID: 'opt-1' }),

  'oadrRegisterReport.minimal': message('oadrRegisterReport', { requestID: 'rr-1' }),
  'oadrRegisterReport.full': message('oadrRegisterReport', {
    requestID: 'rr-2',
    oadrReport: [metadataReport(true), { ...metadataReport(false), reportSpecifierID: 'rs-status', reportName: 'METADATA_TELEMETRY_STATUS' }],
    venID: 'ven-1',
    reportRequestID: 'req-meta',
  }),
  'oadrRegisterReport.all-units': message('oadrRegisterReport', {
    requestID: 'rr-3',
    oadrReport: [
      {
        oadrReportDescription: allUnits.map((itemBase, i) => ({ rID: `r${i}`, reportType: 'reading' as const, itemBase, readingType: 'Direct Read' as const })),
        reportRequestID: '0',
        reportSpecifierID: 'x-all-units',
        reportName: 'x-allUnits',
        createdDateTime: d('2024-07-16T10:00:00Z'),
      },
    ],
  }),
  'oadrRegisteredReport.minimal': message('oadrRegisteredReport', { eiResponse: ok('rr-1') }),
  'oadrRegisteredReport.full': message('oadrRegisteredReport', {
    eiResponse: ok('rr-2', 'OK'),
    oadrReportRequest: [reportRequest('req-1', true), reportRequest('req-2', false)],
    venID: 'ven-1',
  }),
  'oadrCreateReport.minimal': message('oadrCreateReport', { requestID: 'cr-1', oadrReportRequest: [reportRequest('req-1', false)] }),
  'oadrCreateReport.full': message('oadrCreateReport', {
    requestID: 'cr-2',
    oadrReportRequest: [reportRequest('req-1', true), reportRequest('req-2', true)],
    venID: 'ven-1',
  }),
  'oadrCreatedReport.minimal': message('oadrCreatedReport', { eiResponse: ok('cr-1'), oadrPendingReports: [] }),
  'oadrCreatedReport.full': message('oadrCreatedReport', { eiResponse: ok('cr-1', 'OK'), oadrPendingReports: ['req-1', 'req-2'], venID: 'ven-1' }),
  'oadrUpdateReport.minimal': message('oadrUpdateReport', { requestID: 'u-1' }),
  'oadrUpdateReport.full': message('oadrUpdateReport', { requestID: 'u-2', oadrReport: [dataReport, { ...dataReport, eiReportID: 'rep-2' }], venID: 'ven-1' }),
  'oadrUpdatedReport.minimal': message('oadrUpdatedReport', { eiResponse: ok('u-1') }),
  'oadrUpdatedReport.full': message('oadrUpdatedReport', {
    eiResponse: ok('u-2', 'OK'),
    oadrCancelReport: { requestID: 'cx-1', reportRequestID: ['req-1', 'req-2'], reportToFollow: true, venID: 'ven-1' },
    venID: 'ven-1',
  }),
  'oadrCancelReport.minimal': message('oadrCancelReport', { requestID: 'cx-1', reportRequestID: ['req-1'], reportToFollow: false }),
  'oadrCancelReport.full': message('oadrCancelReport', { requestID: 'cx-2', reportRequestID: ['req-1', 'req-2', 'req-3'], reportToFollow: true, venID: 'ven-1' }),
  'oadrCanceledReport.minimal': message('oadrCanceledReport', { eiResponse: ok('cx-1'), oadrPendingReports: [] }),
  'oadrCanceledReport.full': message('oadrCanceledReport', { eiResponse: ok('cx-1', 'OK'), oadrPendingReports: ['req-2'], venID: 'ven-1' }),
};
