// A fleet of VENs in one process against the in-memory mock VTN, in real time: N VENs register,
// poll every 10 s (10 % jitter), then events reach the whole fleet one after another (--events, default 3)
// and every VEN answers each.
// Prints, each beside a baseline measured in the same run:
//   heap per idle VEN (forced GC, --expose-gc; not printed without it) beside a bare object per VEN,
//     and the heap kept per VEN per event once the events are answered;
//   CPU per idle poll beside one bare timer firing per VEN on the same period;
//   CPU per VEN to take an event and answer it (the process's CPU in the event's window, less the
//     idle polling's share), median and range over the events — mock VTN included: it encodes each
//     oadrDistributeEvent and decodes each oadrCreatedEvent in the same process;
//   event-loop delay p99 while an event reaches the fleet (median and range), beside the idle
//     process's own p99;
//   on Linux, the CPU of the main thread and of the other threads (GC helpers, runtime) in both windows.
// Goals (10,000 VENs): <= 0.1 ms per idle poll, <= 0.4 ms per VEN per event, p99 <= 50 ms, <= 50 KB per idle VEN.
// Run: node --expose-gc bench/fleet.mjs [--vens 10000] [--events 3] [--spread] (after `tsc -b`). Default 2,000 VENs,
// all started at once (under a minute here): they register in one burst, and the VENs' default poll
// phase (`pollPhase: 'spread'`) spreads their periodic polls over the period; --spread starts them one
// by one over one poll period instead.
import { readFileSync, readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { createVen } from '../packages/core/dist/index.js';
import { createMockVtn } from '../packages/testing/dist/index.js';

const PERIOD_MS = 10_000;
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : undefined;

function heapUsed() {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const cpuMs = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const msText = (v) => `${v.toFixed(3)} ms`;

/** Event-loop delay over `seconds` of whatever the process is doing: p99 and max in ms. */
async function eventLoopDelay(during) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  await during();
  h.disable();
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6, mean: h.mean / 1e6 };
}

/** CPU ms so far of the main thread and of all other threads (Linux /proc; undefined elsewhere). */
function threadCpu() {
  try {
    const tick = 10; // USER_HZ is 100 on Linux
    let main = 0;
    let other = 0;
    for (const task of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * tick;
      if (task === String(process.pid)) main += ms;
      else other += ms;
    }
    return { main, other };
  } catch {
    return undefined;
  }
}
const threadSplit = (before, after, per) =>
  before && after ? `${msText((after.main - before.main) / per)} / ${msText((after.other - before.other) / per)}` : undefined;

/** Per VEN, the main thread's and the other threads' CPU over all event windows. */
function sumSplit(rounds) {
  if (rounds.some((r) => !r.threadsStart || !r.threadsEnd)) return undefined;
  const sum = (key) => rounds.reduce((total, r) => total + r.threadsEnd[key] - r.threadsStart[key], 0);
  const vens = Math.max(1, rounds.reduce((total, r) => total + r.answers, 0));
  return `${msText(sum('main') / vens)} / ${msText(sum('other') / vens)}`;
}

/** The median of `values` with the lowest and highest: `m [lo–hi]`. */
function spreadText(values, format) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return sorted.length > 1 ? `${format(median)} [${format(sorted[0])}–${format(sorted.at(-1))}]` : format(median);
}

/** The whole number (1 or more) after `--name` on the command line, or `fallback`; anything else stops the run. */
export function argument(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const text = process.argv[at + 1];
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    console.error(`--${name} takes a whole number of 1 or more (got ${text === undefined ? 'nothing' : `'${text}'`})`);
    process.exit(2);
  }
  return value;
}

/** CPU per firing of n bare timers, each re-armed every `period` ms for `seconds`. */
async function baselineTimers(n, period, seconds) {
  let fired = 0;
  let stop = false;
  const arm = () => setTimeout(() => { fired += 1; if (!stop) arm(); }, period);
  for (let i = 0; i < n; i++) setTimeout(arm, (i / n) * period);
  const start = process.cpuUsage();
  await sleep(seconds * 1000);
  const cpu = cpuMs(start);
  stop = true;
  await sleep(period + 10);
  return cpu / Math.max(1, fired);
}

export async function run(n = argument('vens', 2_000), spread = process.argv.includes('--spread'), eventCount = argument('events', 3)) {
  const how = spread ? 'started one by one over one poll period (--spread)' : 'all started at once';
  console.log(`\n## Fleet: ${n.toLocaleString('en')} VENs on the in-memory mock VTN, ${how}, polling every 10 s, real time\n`);
  if (!gc) console.log('(heap figures need node --expose-gc: not printed)');
  // The empty process, event-loop monitor on: its delay, and its CPU rate (monitor, runtime threads),
  // which is subtracted from every CPU window below.
  let backgroundCpu = 0;
  const idleProcess = await eventLoopDelay(async () => {
    const start = process.cpuUsage();
    await sleep(2_000);
    backgroundCpu = cpuMs(start) / 2_000;
  });
  const timerCpu = await baselineTimers(n, 1_000, 2);

  const heapBefore = heapUsed();
  const bare = Array.from({ length: n }, (_, i) => ({ venName: `ven-${i}`, venID: `VEN-${i}`, registrationID: `REG-${i}`, vtnID: 'MOCK-VTN-1', pollFrequencyMs: PERIOD_MS }));
  const bareHeap = (heapUsed() - heapBefore) / n;
  bare.length = 0;

  const vtn = createMockVtn({ record: false, pollFrequency: 'PT10S' });
  const door = vtn.transport();
  let polls = 0;
  let answers = 0;
  const transport = {
    send: (request) => {
      if (request.service === 'OadrPoll') polls += 1;
      else if (request.body.includes('oadrCreatedEvent')) answers += 1;
      return door.send(request);
    },
  };
  const base = heapUsed();
  const registerStart = process.cpuUsage();
  const vens = [];
  const startVen = (i) => {
    const ven = createVen({ venName: `ven-${i}`, transport, pollJitter: 0.1 });
    ven.start();
    vens.push(ven);
  };
  if (spread) {
    // VENs started one by one over one poll period, as in a fleet whose VENs came up at different times.
    for (let i = 0; i < n; i++) setTimeout(() => startVen(i), (i / n) * PERIOD_MS);
    await sleep(PERIOD_MS + 50);
  } else {
    // All VENs started at once: they register in one burst, then poll at their phases (spread over the period).
    for (let i = 0; i < n; i++) startVen(i);
  }
  for (let waited = 0; vens.some((v) => v.status.state !== 'polling'); waited += 100) {
    if (waited > 60_000) throw new Error('the fleet did not register within 60 s');
    await sleep(100);
  }
  const registerCpu = cpuMs(registerStart);
  const heapIdle = heapUsed();
  const heapPerVen = (heapIdle - base) / n;

  // Registration's follow-up exchanges (reports, first polls) settle for one period, then one period of idle polling.
  await sleep(PERIOD_MS);
  polls = 0;
  let idleCpu = 0;
  const idleThreads = threadCpu();
  let idleThreadsEnd;
  const idle = await eventLoopDelay(async () => {
    const start = process.cpuUsage();
    await sleep(PERIOD_MS);
    idleCpu = cpuMs(start);
    idleThreadsEnd = threadCpu();
  });
  const idlePolls = polls;
  const perIdlePoll = (idleCpu - backgroundCpu * PERIOD_MS) / Math.max(1, idlePolls);

  // Events for the whole fleet, one after another (--events, default 3): each VEN takes an event on its
  // next poll and answers oadrCreatedEvent. Before the next one the VTN drops the previous event, so each
  // distribution carries one event (and implies the previous one's cancellation, rule 61).
  const rounds = [];
  let eventID;
  for (let round = 0; round < eventCount; round++) {
    answers = 0;
    polls = 0;
    let cpu = 0;
    let ms = 0;
    const threadsStart = threadCpu();
    let threadsEnd;
    const startedAt = Date.now();
    const delay = await eventLoopDelay(async () => {
      const start = process.cpuUsage();
      if (eventID !== undefined) vtn.model.removeEvent(eventID);
      eventID = vtn.model.createEvent({ start: new Date(Date.now() + 3_600_000), duration: 'PT1H', responseRequired: 'always' });
      for (let waited = 0; answers < n && waited < 3 * PERIOD_MS; waited += 50) await sleep(50);
      cpu = cpuMs(start);
      ms = Date.now() - startedAt;
      threadsEnd = threadCpu();
    });
    const perVen = (cpu - backgroundCpu * ms - perIdlePoll * polls) / Math.max(1, answers);
    rounds.push({ perVen, ms, answers, delay, threadsStart, threadsEnd });
  }

  // What the fleet keeps of the events once they are answered (the last one still active), over the
  // idle fleet's heap measured when it had registered (no collection is forced between the events).
  const keptPerVenEvent = gc ? (heapUsed() - heapIdle) / n / Math.max(1, eventCount) : 0;

  await Promise.all(vens.map((v) => v.stop()));
  vtn.close();

  console.log(`CPU figures net of the empty process's own CPU (${(backgroundCpu * 1000).toFixed(1)} ms per second, event-loop monitor on).\n`);
  console.log('| measure | rxadr fleet | baseline (same run) | goal |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| registration, CPU per VEN${spread ? ' (incl. the idle fleet while starting)' : ''} | ${msText(registerCpu / n)} | — | — |`);
  if (gc) console.log(`| heap per idle VEN (forced GC) | ${kb(heapPerVen)} | ${kb(bareHeap)} bare object with the same IDs | <= 50 KB |`);
  console.log(`| CPU per idle poll (${idlePolls} polls in 10 s) | ${msText(perIdlePoll)} | ${msText(timerCpu)} bare timer firing | <= 0.1 ms |`);
  if (gc) console.log(`| heap kept per VEN per event once answered (forced GC, after all ${eventCount} events) | ${kb(keptPerVenEvent)} | — | — |`);
  const answered = rounds.map((r) => `${r.answers}/${n} in ${(r.ms / 1000).toFixed(1)} s`).join(', ');
  console.log(`| CPU per VEN to take an event and answer it, median [lowest–highest] of ${rounds.length} events (answered: ${answered}) | ${spreadText(rounds.map((r) => r.perVen), msText)} | — | <= 0.4 ms |`);
  console.log(`| event-loop delay p99 while an event reaches the fleet, median [lowest–highest] of ${rounds.length}; highest max | ${spreadText(rounds.map((r) => r.delay.p99), msText)}; ${msText(Math.max(...rounds.map((r) => r.delay.max)))} | ${msText(idleProcess.p99)} (${msText(idleProcess.max)}) idle process | <= 50 ms |`);
  console.log(`| event-loop delay p99 (max) while idle polling | ${msText(idle.p99)} (${msText(idle.max)}) | ${msText(idleProcess.p99)} idle process | — |`);
  const idleSplit = threadSplit(idleThreads, idleThreadsEnd, Math.max(1, idlePolls));
  const eventSplit = sumSplit(rounds);
  if (idleSplit && eventSplit) {
    console.log(`| CPU by thread, main / others (not net of the empty process): per idle poll; per VEN in the event windows (their polls included) | ${idleSplit}; ${eventSplit} | — | — |`);
  }
  for (const [i, r] of rounds.entries()) {
    if (r.answers < n) console.log(`\nEvent ${i + 1}: ${n - r.answers} VENs did not answer within ${(3 * PERIOD_MS) / 1000} s.`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
