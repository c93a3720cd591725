import { map, timer } from 'rxjs';
import { createReports, createVen, optIn, optOut, telemetryStatus, telemetryUsage, valueInForce, Duration, type OadrMessage, type VenStatus } from '@rxadr/core';
import { httpTransport } from '@rxadr/transport';
import { createHttpMockVtn } from '../mock-vtn/create-http-mock-vtn.js';
import { until, type Narrator } from './narrator.js';
import { createSimulatedBattery } from '../ven-sim/simulated-battery.js';
import { textChart } from './text-chart.js';

const SECOND = 1_000;
const at = (ms: number): string => new Date(Date.now() + ms).toISOString();

function describeStatus(s: VenStatus): string {
  switch (s.state) {
    case 'registered':
    case 'polling':
      return `${s.state} as ${s.venID} (registration ${s.registrationID}, polling every ${s.pollFrequencyMs / SECOND} s)`;
    case 'backoff':
      return `backoff: ${s.phase} attempt ${s.attempt} failed (${s.cause.message}); retrying in ${(s.delayMs / SECOND).toFixed(1)} s`;
    case 'registering':
      return `registering (attempt ${s.attempt})`;
    case 'cancelled':
      return `registration cancelled by the ${s.by.toUpperCase()}`;
    default:
      return s.state;
  }
}

function describeRequest(m: OadrMessage): string | undefined {
  switch (m.type) {
    case 'oadrPoll':
      return undefined;
    case 'oadrCreatedEvent':
      return `VEN → VTN  oadrCreatedEvent: ${(m.eiCreatedEvent.eventResponses ?? []).map((r) => `${r.qualifiedEventID.eventID}#${r.qualifiedEventID.modificationNumber} ${r.optType}`).join(', ')}`;
    case 'oadrRegisterReport':
      return `VEN → VTN  oadrRegisterReport offering ${(m.oadrReport ?? []).map((r) => r.reportName).join(', ')}`;
    case 'oadrUpdateReport':
      return `VEN → VTN  oadrUpdateReport: ${(m.oadrReport ?? []).map((r) => `${r.reportName} ${r.intervals?.length ?? 0} interval(s) from ${r.dtstart?.toISOString().slice(11, 19)}`).join('; ')}`;
    case 'oadrCreatedReport':
      return `VEN → VTN  oadrCreatedReport ${m.eiResponse.responseCode}, pending: ${m.oadrPendingReports.join(', ') || 'none'}`;
    default:
      return `VEN → VTN  ${m.type}`;
  }
}

/**
 * A compressed day of one VEN and the mock VTN over real loopback HTTP: one real second stands
 * for a stretch of the day (the VTN asks for polls every second, the event lasts six seconds).
 * Returns a summary; throws when a step does not happen.
 */
export async function runDemoDay(n: Narrator): Promise<{ polls: number; updates: number; bufferedDelivered: number }> {
  n.chapter('morning: the VTN starts and the VEN registers');
  const vtn = await createHttpMockVtn({ pollFrequency: 'PT1S' });
  n.say(`mock VTN listening on ${vtn.url} (poll frequency PT1S: one second stands for a few minutes of the day)`);
  // The site: a base load, minus what its battery discharges (the battery follows control$).
  const battery = createSimulatedBattery({ rampWPerS: 2_000 });
  const baseLoad = (i: number): number => Math.round(4_000 + 1_500 * Math.sin(i / 4));
  const meter$ = timer(0, 500).pipe(map((i) => baseLoad(i) - battery.power));
  const reports = createReports({
    reports: [
      telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: meter$, samplingRate: { min: 'PT1S', max: 'PT1H' } }),
      telemetryStatus({ resourceId: 'meter-1', status$: timer(0).pipe(map(() => ({ online: true }))) }),
    ],
  });
  const http = httpTransport({ vtnUrl: vtn.url, readTimeout: 2_000, connectTimeout: 1_000 });
  const ven = createVen({
    venName: 'demo-site',
    transport: http,
    reports,
    backoff: { initialMs: 1_000, maxMs: 3_000 },
    resources: [{ resourceID: 'battery-1' }],
    // Opt in when the SIMPLE level reaches 2 at any point, else opt out.
    decide: (events$) => events$.pipe(map((e) => (e.signals.some((s) => s.intervals.some((i) => (i.value ?? 0) >= 2)) ? optIn(e) : optOut(e)))),
  });
  let polls = 0;
  const updates: Date[] = [];
  vtn.recorder.requests$.subscribe((r) => {
    if (r.message?.type === 'oadrPoll') polls += 1;
    if (r.message?.type === 'oadrUpdateReport' && r.fault === undefined) updates.push(r.at);
    const line = r.message && describeRequest(r.message);
    if (line) n.say(r.fault === undefined ? line : `${line} — not delivered (${r.fault})`);
  });
  ven.status$.subscribe((s) => n.say(`VEN status: ${describeStatus(s)}`));
  // The device loop (as in examples/battery-controller.ts): the setpoint in force drives the battery.
  ven.control$.pipe(valueInForce({ resourceID: 'battery-1', signalName: 'LOAD_DISPATCH' })).subscribe((watts) => battery.setTarget(watts));
  ven.control$.subscribe((c) => {
    if (c.signal.signalName !== 'LOAD_DISPATCH') return;
    const from = c.event ? ` from ${c.event.eventID}#${c.event.modificationNumber}` : '';
    const until = c.until ? ` until ${c.until.toISOString().slice(11, 19)}` : '';
    n.say(`battery-1 setpoint: ${c.value === undefined ? 'none' : `${c.value} W`} (${c.phase}${from}${until})`);
  });
  const samples = { setpoint: [] as number[], battery: [] as number[], site: [] as number[] };
  let sampling: { unsubscribe(): void } | undefined;
  const seen = new Set<string>();
  ven.events$.subscribe((e) => {
    const key = `${e.eventID}:${e.modificationNumber}:${e.status}:${e.signals[0]?.currentValue ?? '-'}`;
    if (seen.has(key)) return;
    seen.add(key);
    const value = e.status === 'active' ? `, SIMPLE level now ${e.signals[0]?.currentValue ?? '?'}` : '';
    n.say(`event ${e.eventID} (modification ${e.modificationNumber}): ${e.status}${value}`);
  });
  try {
    ven.start();
    await until('registration', () => ven.status.state === 'polling');
    const venID = ven.registration?.venID ?? '';

    n.chapter('mid-morning: the VTN asks for telemetry every 3 s, sampled each second');
    vtn.model.enqueue(venID, {
      message: {
        type: 'oadrCreateReport',
        requestID: 'demo-create-report',
        oadrReportRequest: [
          {
            reportRequestID: 'rr-usage',
            reportSpecifier: {
              reportSpecifierID: 'telemetry-usage',
              granularity: Duration.of({ seconds: 1 }),
              reportBackDuration: Duration.of({ seconds: 3 }),
              reportInterval: { dtstart: new Date(), duration: Duration.of({ seconds: 0 }) },
              specifierPayload: [{ rID: 'meter-1/powerReal', readingType: 'Direct Read' }],
            },
          },
        ],
        venID,
      },
    });
    await until('a periodic report', () => updates.length >= 1, 10_000).catch((e: Error) => n.say(`(no report yet: ${e.message})`));

    n.chapter('noon: the VTN announces a demand-response event with a ramp-up and three intervals');
    const eventID = vtn.model.createEvent({
      eventID: 'peak-1',
      start: at(4 * SECOND),
      duration: 'PT6S',
      rampUp: 'PT2S',
      signals: [
        { signalName: 'SIMPLE', signalType: 'level', intervals: [{ duration: 'PT2S', value: 1 }, { duration: 'PT2S', value: 2 }, { duration: 'PT2S', value: 1 }] },
        { signalName: 'LOAD_DISPATCH', signalType: 'setpoint', intervals: [{ duration: 'PT2S', value: 1_000 }, { duration: 'PT2S', value: 3_000 }, { duration: 'PT2S', value: 1_000 }] },
      ],
    });
    sampling = timer(0, 200).subscribe((i) => {
      samples.setpoint.push((battery.target ?? 0) / 1_000);
      samples.battery.push(battery.power / 1_000);
      samples.site.push((baseLoad(i / 2.5) - battery.power) / 1_000);
    });
    await until('the decision', () => seen.has(`${eventID}:0:far:-`) || [...seen].some((k) => k.startsWith(`${eventID}:0:`)));
    await until('the event to become active', () => [...seen].some((k) => k.startsWith(`${eventID}:0:active`)), 10_000);

    n.chapter('afternoon: the VTN raises the last interval (a modification)');
    vtn.model.modifyEvent(eventID, {
      signals: [
        { signalName: 'SIMPLE', signalType: 'level', intervals: [{ duration: 'PT2S', value: 1 }, { duration: 'PT2S', value: 2 }, { duration: 'PT2S', value: 3 }] },
        { signalName: 'LOAD_DISPATCH', signalType: 'setpoint', intervals: [{ duration: 'PT2S', value: 1_000 }, { duration: 'PT2S', value: 3_000 }, { duration: 'PT2S', value: 4_000 }] },
      ],
    });
    await until('the modification', () => [...seen].some((k) => k.startsWith(`${eventID}:1:`)));
    await until('the event to complete', () => [...seen].some((k) => k.startsWith(`${eventID}:1:completed`)), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 2 * SECOND));
    sampling.unsubscribe();
    n.say('setpoint, battery power and site load around the event (kW, 0.2 s per sample):');
    for (const line of textChart([
      { label: 'setpoint', values: samples.setpoint },
      { label: 'battery', values: samples.battery },
      { label: 'site load', values: samples.site },
    ], 64, ' kW')) n.say(`  ${line}`);

    n.chapter('evening: an event is announced, then cancelled');
    const evening = vtn.model.createEvent({ eventID: 'evening-2', start: at(30 * SECOND), duration: 'PT10S', intervals: [{ duration: 'PT10S', value: 2 }] });
    await until('the evening event', () => [...seen].some((k) => k.startsWith(`${evening}:0:`)));
    vtn.model.cancelEvent(evening);
    await until('the cancellation', () => [...seen].some((k) => k.startsWith(`${evening}:1:cancelled`)));

    n.chapter('night: the VTN goes down for 5 s; the VEN backs off and keeps its readings');
    const before = updates.length;
    vtn.faults.down();
    await new Promise((resolve) => setTimeout(resolve, 5 * SECOND));
    const downAt = new Date();
    vtn.faults.up();
    n.say('VTN back up');
    await until('recovery', () => ven.status.state === 'polling', 15_000);
    await until('buffered reports', () => updates.some((t) => t >= downAt), 10_000).catch((e: Error) => n.say(`(no report after recovery: ${e.message})`));
    const bufferedDelivered = updates.filter((t) => t >= downAt).length;
    n.say(`reports delivered after recovery: ${bufferedDelivered} (${updates.length - before} since the outage began)`);

    n.chapter('end of the day');
    return { polls, updates: updates.length, bufferedDelivered };
  } finally {
    // Also when a step fails: leave nothing running, so the process ends.
    sampling?.unsubscribe();
    await ven.stop();
    battery.stop();
    await http.close?.();
    await vtn.close();
  }
}
