// A fleet of VENs against the in-memory mock VTN under virtual time: N VENs register, then poll
// every 10 s for one virtual minute. Prints heap per idle VEN (after GC) and CPU per poll, next to
// baselines measured in the same run: N bare objects holding the same IDs, and N no-op actions
// scheduled on the same virtual clock. Goal: 10,000 VENs at <= 50 KB heap per idle VEN.
// Run: node --expose-gc bench/fleet.mjs (after `tsc -b`).
import { pathToFileURL } from 'node:url';
import { createVen } from '../packages/core/dist/index.js';
import { createMockVtn, createVirtualClock } from '../packages/testing/dist/index.js';

const SIZES = [1_000, 10_000];
const MINUTE = 60_000;
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : undefined;

function heapUsed() {
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const us = (micros) => `${micros.toFixed(2)} µs`;
const cpuMicros = (usage) => usage.user + usage.system;

function baselineHeap(n) {
  const before = heapUsed();
  const objects = Array.from({ length: n }, (_, i) => ({ venName: `ven-${i}`, venID: `VEN-${i}`, registrationID: `REG-${i}`, vtnID: 'MOCK-VTN-1', pollFrequencyMs: 10_000 }));
  const after = heapUsed();
  return { perItem: (after - before) / n, keep: objects };
}

function baselineCpu(n) {
  const clock = createVirtualClock();
  let runs = 0;
  for (let i = 0; i < n; i += 1) {
    clock.schedule(function tick() {
      runs += 1;
      this.schedule(undefined, 10_000);
    }, 10_000);
  }
  const start = process.cpuUsage();
  clock.advanceBy(MINUTE);
  const micros = cpuMicros(process.cpuUsage(start));
  return micros / runs;
}

async function fleet(n) {
  const clock = createVirtualClock();
  const vtn = createMockVtn({ scheduler: clock, record: false, pollFrequency: 'PT10S' });
  const door = vtn.transport();
  let polls = 0;
  const transport = { send: (request) => ((polls += request.service === 'OadrPoll' ? 1 : 0), door.send(request)) };
  const before = heapUsed();
  const vens = [];
  for (let i = 0; i < n; i += 1) {
    const ven = createVen({ venName: `ven-${i}`, transport, scheduler: clock, pollJitter: 0.1 });
    ven.start();
    vens.push(ven);
  }
  const registered = vens.filter((v) => v.status.state === 'polling').length;
  const idle = heapUsed();
  polls = 0;
  const start = process.cpuUsage();
  clock.advanceBy(MINUTE);
  const micros = cpuMicros(process.cpuUsage(start));
  const afterMinute = heapUsed();
  await Promise.all(vens.map((v) => v.stop()));
  return { registered, heapPerVen: (idle - before) / n, heapPerVenAfterMinute: (afterMinute - before) / n, cpuPerPoll: micros / Math.max(1, polls), polls, pending: clock.pending };
}

export async function run() {
  console.log('\n## fleet: N VENs on the in-memory mock VTN, polling every 10 s for one virtual minute');
  if (!gc) console.log('(run node with --expose-gc for heap figures after GC; these are without a forced GC)');
  for (const n of SIZES) {
    const base = baselineHeap(n);
    const baseCpu = baselineCpu(n);
    const result = await fleet(n);
    console.log(
      [
        `N=${n.toLocaleString('en')}: ${result.registered} polling, ${result.polls} polls in the minute, ${result.pending} timers left after stop`,
        `  heap per idle VEN (incl. its mock-VTN record): ${kb(result.heapPerVen)} (after the minute: ${kb(result.heapPerVenAfterMinute)}); baseline bare object with the same IDs: ${kb(base.perItem)}; goal <= 50 KB`,
        `  CPU per poll (encode, mock VTN, decode, timers): ${us(result.cpuPerPoll)}; baseline no-op scheduled action: ${us(baseCpu)}`,
      ].join('\n'),
    );
    base.keep.length = 0;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
