// The benchmark messages, built deterministically (no clock, no randomness) from the core module
// passed in (`{ Duration, message }`): the benchmarks pass the built package, the tests its source.
//   distributeEvent(core, events, intervals)  oadrDistributeEvent as rxadr's encoder measures it
//   vtnDistributeEvent(core, events, intervals)  the same shape with the optional fields a VTN sends
//   updateReport(core, rids, seconds)  oadrUpdateReport, one delivery of rids x seconds samples

const START = Date.UTC(2026, 0, 1, 12);

export function distributeEvent({ Duration, message }, events, intervals) {
  return message('oadrDistributeEvent', {
    requestID: 'bench-dist',
    vtnID: 'VTN-BENCH',
    oadrEvent: Array.from({ length: events }, (_, e) => ({
      eiEvent: {
        eventDescriptor: {
          eventID: `evt-${e}`,
          modificationNumber: e % 3,
          priority: 1,
          eiMarketContext: 'http://example.com/programs/bench',
          createdDateTime: new Date(START),
          eventStatus: 'far',
        },
        eiActivePeriod: {
          properties: {
            dtstart: new Date(START + e * 3_600_000),
            duration: Duration.fromMillis(intervals * 900_000),
            tolerance: { startafter: Duration.parse('PT5M') },
            xEiRampUp: Duration.parse('PT15M'),
          },
        },
        eiEventSignals: {
          eiEventSignal: [
            {
              intervals: Array.from({ length: intervals }, (_, i) => ({
                duration: Duration.parse('PT15M'),
                uid: String(i),
                streamPayloadBase: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: (i % 4) + 0.25 } }],
              })),
              signalName: 'ELECTRICITY_PRICE',
              signalType: 'price',
              signalID: `sig-${e}`,
              itemBase: { type: 'currencyPerKWh', itemDescription: 'currencyPerKWh', itemUnits: 'USD', siScaleCode: 'none' },
            },
          ],
        },
        eiTarget: { resourceID: ['site-1'] },
      },
      oadrResponseRequired: 'always',
    })),
  });
}

/** One minute of 530 rIDs sampled every second, as the report module delivers it. */
export function updateReport({ Duration, message }, rids = 530, seconds = 60) {
  return message('oadrUpdateReport', {
    requestID: 'bench-report',
    oadrReport: [
      {
        dtstart: new Date(START),
        duration: Duration.parse(`PT${seconds}S`),
        intervals: Array.from({ length: seconds }, (_, s) => ({
          dtstart: new Date(START + s * 1000),
          duration: Duration.parse('PT1S'),
          uid: String(s),
          streamPayloadBase: Array.from({ length: rids }, (_, r) => ({
            type: 'oadrReportPayload',
            rID: `meter-${r}/powerReal`,
            confidence: 100,
            payloadBase: { type: 'payloadFloat', value: r * 10 + s / 4 },
            oadrDataQuality: 'Quality Good - Non Specific',
          })),
        })),
        eiReportID: 'rep-bench',
        reportRequestID: 'rr-bench',
        reportSpecifierID: 'telemetry-usage',
        reportName: 'TELEMETRY_USAGE',
        createdDateTime: new Date(START + seconds * 1000),
      },
    ],
    venID: 'VEN-BENCH',
  });
}

export const SIZES = [
  { label: '1 event x 3', events: 1, intervals: 3 },
  { label: '10 events x 24', events: 10, intervals: 24 },
  { label: '100 events x 96', events: 100, intervals: 96 },
];

/**
 * The decode and verify fixtures' message: the shape of `distributeEvent` with the optional fields
 * a VTN fills in (an eiResponse, modification time and reason, test flag, comment, notification
 * and recovery periods, the signal's current value, targets by VEN and
 * resource). bench/fixtures.mjs writes it out VTN-style (see there).
 */
export function vtnDistributeEvent({ Duration, message }, events, intervals) {
  return message('oadrDistributeEvent', {
    eiResponse: { responseCode: '200', responseDescription: 'OK', requestID: 'bench-poll-0001' },
    requestID: 'bench-dist-0001',
    vtnID: 'VTN-BENCH-01',
    oadrEvent: Array.from({ length: events }, (_, e) => {
      const start = START + e * 86_400_000;
      return {
        eiEvent: {
          eventDescriptor: {
            eventID: `event-bench-${String(e).padStart(4, '0')}`,
            modificationNumber: e % 3,
            modificationDateTime: new Date(START - 3_600_000),
            modificationReason: e % 3 === 0 ? 'initial' : 'price update',
            priority: 1,
            eiMarketContext: 'http://market.example.com/programs/dynamic-pricing',
            createdDateTime: new Date(START - 86_400_000),
            eventStatus: 'far',
            testEvent: 'false',
            vtnComment: 'Day-ahead price schedule',
          },
          eiActivePeriod: {
            properties: {
              dtstart: new Date(start),
              duration: Duration.fromMillis(intervals * 900_000),
              tolerance: { startafter: Duration.parse('PT5M') },
              xEiNotification: Duration.parse('P1D'),
              xEiRampUp: Duration.parse('PT15M'),
              xEiRecovery: Duration.parse('PT15M'),
            },
          },
          eiEventSignals: {
            eiEventSignal: [
              {
                intervals: Array.from({ length: intervals }, (_, i) => ({
                  duration: Duration.parse('PT15M'),
                  uid: String(i),
                  streamPayloadBase: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: 0.1 + ((i * 7 + e) % 20) / 100 } }],
                })),
                signalName: 'ELECTRICITY_PRICE',
                signalType: 'price',
                signalID: `signal-bench-${String(e).padStart(4, '0')}`,
                itemBase: { type: 'currencyPerKWh', itemDescription: 'currencyPerKWh', itemUnits: 'USD', siScaleCode: 'none' },
                currentValue: 0,
              },
            ],
          },
          eiTarget: { resourceID: ['resource-bench-01'], venID: ['VEN-BENCH-01'] },
        },
        oadrResponseRequired: 'always',
      };
    }),
  });
}
