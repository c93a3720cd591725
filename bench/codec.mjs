// Decode/encode throughput for oadrDistributeEvent messages of three sizes, next to raw saxes
// tokenizing the same bytes (the parser's limit). Goal: decode within 3x of raw saxes.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { time } from './timing.mjs';
import { Duration, decodeMessage, encodeMessage, message } from '../packages/core/dist/index.js';

const requireFromCore = createRequire(new URL('../packages/core/package.json', import.meta.url));
const { SaxesParser } = await import(pathToFileURL(requireFromCore.resolve('saxes')).href);

export function distributeEvent(events, intervals) {
  const start = Date.UTC(2026, 0, 1, 12);
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
          createdDateTime: new Date(start),
          eventStatus: 'far',
        },
        eiActivePeriod: {
          properties: {
            dtstart: new Date(start + e * 3_600_000),
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

export const SIZES = [
  { label: '1 event x 3 intervals', events: 1, intervals: 3 },
  { label: '10 events x 24 intervals', events: 10, intervals: 24 },
  { label: '100 events x 96 intervals', events: 100, intervals: 96 },
];


function rawSaxes(xml) {
  const parser = new SaxesParser({ xmlns: true });
  parser.write(xml).close();
}

export async function run() {
  console.log('\n## Message codec (oadrDistributeEvent)\n');
  console.log('| size | bytes | decode ms | decode MB/s | raw saxes ms | decode / saxes | encode ms | encode MB/s |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const { label, events, intervals } of SIZES) {
    const msg = distributeEvent(events, intervals);
    const xml = encodeMessage(msg);
    const check = decodeMessage(xml);
    if (!check.ok) throw check.error;
    const mb = Buffer.byteLength(xml) / 1e6;
    const dec = time(() => decodeMessage(xml));
    const sax = time(() => rawSaxes(xml));
    const enc = time(() => encodeMessage(msg));
    console.log(
      `| ${label} | ${Buffer.byteLength(xml)} | ${dec.toFixed(3)} | ${(mb / (dec / 1000)).toFixed(1)} | ${sax.toFixed(3)} | ${(dec / sax).toFixed(2)}x | ${enc.toFixed(3)} | ${(mb / (enc / 1000)).toFixed(1)} |`,
    );
  }
  console.log('\nGoal: decode within 3x of raw saxes at every size.');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
