// Reports under virtual time: 1,000 rIDs sampled every second for one virtual hour, delivered every
// minute (60 one-second intervals per rID per oadrUpdateReport). Prints CPU per sample, CPU per
// delivery (building the oadrUpdateReport and persisting the module's slot) and peak heap, next to
// baselines measured in the same run on the same kind of scheduler: one no-op action per second,
// and a bare loop copying 1,000 latest values per second. The XML encoding of one such delivery
// (the engine's next step, done by the codec) is timed apart, after the hour.
// Run: node --expose-gc bench/reports.mjs (after `tsc -b`).
import { pathToFileURL } from 'node:url';
import { BehaviorSubject, of } from 'rxjs';
import { Duration, createReports, encodeMessage, telemetryUsage } from '../packages/core/dist/index.js';
import { createVirtualClock } from '../packages/testing/dist/index.js';

const RIDS = 1_000;
const SECOND = 1_000;
const HOUR = 3_600 * SECOND;
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : undefined;
const cpuMicros = (usage) => usage.user + usage.system;
const heapUsed = () => (gc && (gc(), gc()), process.memoryUsage().heapUsed);
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const us = (micros) => `${micros.toFixed(3)} µs`;
const ms = (micros) => `${(micros / 1000).toFixed(2)} ms`;

/**
 * Runs `step` once per virtual second for an hour; returns the CPU of each step (µs) and the peak
 * live heap growth (after GC when --expose-gc is given, sampled every 10 s). `between` runs
 * outside the measurement.
 */
function perSecond(step, between = () => undefined) {
  const before = heapUsed();
  let peak = 0;
  const cpu = [];
  for (let t = 0; t < HOUR; t += SECOND) {
    const start = process.cpuUsage();
    step(t);
    cpu.push(cpuMicros(process.cpuUsage(start)));
    between();
    if (t % (10 * SECOND) === 9 * SECOND) peak = Math.max(peak, heapUsed() - before);
  }
  return { cpu, peak };
}

function baselineTicks() {
  const clock = createVirtualClock();
  let ticks = 0;
  clock.schedule(function tick() {
    ticks += 1;
    this.schedule(undefined, SECOND);
  }, SECOND);
  const { cpu, peak } = perSecond(() => clock.advanceBy(SECOND));
  return { perTick: cpu.reduce((a, b) => a + b, 0) / ticks, peak };
}

function baselineCopy() {
  const clock = createVirtualClock();
  const latest = Array.from({ length: RIDS }, (_, i) => i);
  const rows = [];
  clock.schedule(function tick() {
    const row = new Array(RIDS);
    for (let i = 0; i < RIDS; i++) row[i] = latest[i];
    rows.push(row);
    if (rows.length === 60) rows.length = 0;
    this.schedule(undefined, SECOND);
  }, SECOND);
  const { cpu, peak } = perSecond(() => clock.advanceBy(SECOND));
  return { perSample: cpu.reduce((a, b) => a + b, 0) / (cpu.length * RIDS), peak };
}

function module() {
  const clock = createVirtualClock();
  const sources = Array.from({ length: RIDS }, (_, i) => new BehaviorSubject(i));
  const reports = createReports({
    reports: sources.map((readings$, i) =>
      telemetryUsage({ resourceId: `meter-${i}`, measurement: 'powerReal', unit: 'W', readings$, samplingRate: { min: 'PT1S', max: 'PT1H' } }),
    ),
  });
  let deliveries = 0;
  let sample;
  let saveMicros = 0;
  let created;
  const ok = (requestID) => ({ responseCode: '200', responseDescription: 'OK', requestID });
  const host = {
    scheduler: clock,
    venID: () => 'VEN-BENCH',
    load: () => undefined,
    save: (slot) => {
      const start = process.cpuUsage();
      JSON.stringify(slot);
      saveMicros += cpuMicros(process.cpuUsage(start));
    },
    send: (message) => {
      if (message.type === 'oadrCreatedReport') created = message;
      if (message.type !== 'oadrUpdateReport') return of({ type: 'oadrResponse', eiResponse: ok('') });
      sample ??= message;
      deliveries += 1;
      return of({ type: 'oadrUpdatedReport', eiResponse: ok(message.requestID) });
    },
  };
  const attachment = reports.attach(host);
  reports.handle(
    {
      type: 'oadrCreateReport',
      requestID: 'bench-1',
      oadrReportRequest: [
        {
          reportRequestID: 'rr-bench',
          reportSpecifier: {
            reportSpecifierID: 'telemetry-usage',
            granularity: Duration.parse('PT1S'),
            reportBackDuration: Duration.parse('PT1M'),
            specifierPayload: sources.map((_, i) => ({ rID: `meter-${i}/powerReal`, readingType: 'x-notApplicable' })),
          },
        },
      ],
    },
    { venID: 'VEN-BENCH', now: new Date(clock.now()) },
  );
  // The oadrCreatedReport is owed through the module's ledger and sent at once.
  if (created?.eiResponse?.responseCode !== '200') throw new Error(`request refused: ${JSON.stringify(created?.eiResponse)}`);
  // New values once a minute, half-way between deliveries (sampling reads the latest value).
  const { cpu, peak } = perSecond(
    (t) => {
      if (t % (60 * SECOND) === 30 * SECOND) sources.forEach((s, i) => s.next(i + t / SECOND));
      clock.advanceBy(SECOND);
    },
  );
  attachment.unsubscribe();
  // The codec's share, timed after the hour on the first delivery: the first call alone (in a
  // process that has not encoded such a message before) and then five more, median and spread.
  const encodeOnce = () => {
    const start = process.cpuUsage();
    const bytes = encodeMessage(sample).length;
    return { bytes, micros: cpuMicros(process.cpuUsage(start)) };
  };
  const first = encodeOnce();
  const again = Array.from({ length: 5 }, () => encodeOnce().micros).sort((a, b) => a - b);
  const encoded = { bytes: first.bytes, first: first.micros, median: again[2], low: again[0], high: again[4] };
  const stats = reports.stats();
  // Seconds ending on a minute carry a delivery; the others only sample.
  const sampling = cpu.filter((_, i) => (i + 1) % 60 !== 0);
  const delivering = cpu.filter((_, i) => (i + 1) % 60 === 0);
  const sampleTick = sampling.reduce((a, b) => a + b, 0) / sampling.length;
  const deliveryTick = delivering.reduce((a, b) => a + b, 0) / delivering.length;
  return { perSample: sampleTick / RIDS, perDelivery: deliveryTick - sampleTick, encode: encoded, savePerDelivery: saveMicros / deliveries, deliveries, peak, stats, total: cpu.reduce((a, b) => a + b, 0) };
}

export async function run() {
  console.log(`\n## Reports (${RIDS} rIDs sampled every second, one virtual hour, delivered every minute)\n`);
  const ticks = baselineTicks();
  const copy = baselineCopy();
  const m = module();
  if (m.stats.delivered !== 60 || m.deliveries !== 60) throw new Error(`expected 60 deliveries, got ${m.deliveries} (stats ${JSON.stringify(m.stats)})`);
  console.log('| measure | rxadr reports | baseline |');
  console.log('| --- | ---: | ---: |');
  console.log(`| CPU per sample (one rID, one tick) | ${us(m.perSample)} | ${us(copy.perSample)} bare copy of the latest value |`);
  console.log(`| CPU per tick of 1,000 samples | ${us(m.perSample * RIDS)} | ${us(ticks.perTick)} no-op scheduled tick |`);
  console.log(`| CPU per delivery (60 × 1,000 values: oadrUpdateReport built, slot saved) | ${ms(m.perDelivery)} | — |`);
  console.log(`| of which JSON of the persisted slot | ${ms(m.savePerDelivery)} | — |`);
  const e = m.encode;
  console.log(
    `| XML encoding of one delivery by the codec (${(e.bytes / 1024 / 1024).toFixed(1)} MB), median [lowest–highest] of 5 after a first call | ${ms(e.median)} [${ms(e.low)}–${ms(e.high)}]; first call ${ms(e.first)} | — |`,
  );
  console.log(`| CPU for the whole hour | ${ms(m.total)} | ${ms(ticks.perTick * 3600)} no-op ticks |`);
  console.log(`| ${gc ? 'peak live heap growth' : 'peak heap growth, garbage included (use --expose-gc)'} | ${mb(m.peak)} | ${mb(copy.peak)} bare copy |`);
  const { delivered, rejected, droppedOverflow, droppedRequestEnded, droppedRegistrationEnded } = m.stats;
  const dropped = droppedOverflow + droppedRequestEnded + droppedRegistrationEnded;
  console.log(`\n${m.deliveries} deliveries, ${delivered} answered 200, ${rejected} rejected, ${dropped} dropped.`);
  if (delivered !== m.deliveries || rejected + dropped !== 0) throw new Error('reports benchmark: a delivery was not answered 200');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
