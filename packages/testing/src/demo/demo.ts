#!/usr/bin/env node
// `pnpm demo`: the mock VTN and a VEN in one process over real loopback HTTP, narrating a
// compressed day (registration, reports, an event with ramp-up and intervals, the decision,
// a modification, a cancellation, a VTN outage with backoff and buffered reports).
import { runDemoDay } from './demo-day.js';
import { createNarrator } from './narrator.js';

const narrator = createNarrator((line) => process.stdout.write(`${line}\n`));
process.stdout.write('rxadr demo: one VEN and the mock VTN over loopback HTTP, a day compressed into about 20 seconds\n');
runDemoDay(narrator).then(
  (summary) => {
    narrator.say(`done: ${summary.polls} polls, ${summary.updates} oadrUpdateReport deliveries, ${summary.bufferedDelivered} after the outage`);
    process.exitCode = 0;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
