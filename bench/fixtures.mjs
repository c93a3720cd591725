// The benchmark messages, generated deterministically (no clock, no randomness), so every run and
// every machine measures the same bytes; each benchmark prints the SHA-256 of the bytes it used.
//   small   oadrDistributeEvent, 1 event x 3 intervals (about 3 KB)
//   medium  oadrDistributeEvent, 10 events x 24 intervals (about 70 KB)
//   large   oadrDistributeEvent, 100 events x 96 intervals (about 2.4 MB)
//   8 MB    oadrUpdateReport, 530 rIDs x 60 one-second intervals (one report delivery)
import { createHash } from 'node:crypto';
import { Duration, message } from '../packages/core/dist/index.js';

const START = Date.UTC(2026, 0, 1, 12);

export function distributeEvent(events, intervals) {
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
export function updateReport(rids = 530, seconds = 60) {
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

/** The benchmark messages by size: `{ label, message }`. */
export function messages() {
  return SIZES.map(({ label, events, intervals }) => ({ label, message: distributeEvent(events, intervals) }));
}

export const sha = (text) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
export const kib = (text) => {
  const bytes = Buffer.byteLength(text);
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} KB`;
};
