import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { createFileStore, createReports, createVen, decodeMessage, type ReportStats, type Transport, type Ven } from '@rxadr/core';
import { createReplayCache, fileReplayStore, xmlSignatures } from '@rxadr/signing';
import { httpTransport, rawXmlTap } from '@rxadr/transport';
import { policyOperator } from './decision-policy.js';
import { simulatedReports } from './simulated-reports.js';
import type { VenSimConfig } from './ven-config.js';

/** One JSON log line of the simulator: `kind` says what it is (`xml`, `status`, `event`, `error`, `report`, `opt`, `log`). */
export type SimLogEntry = { readonly at: string; readonly kind: string } & Record<string, unknown>;

/** What a simulator did, for the summary `rxadr ven` prints when it stops. */
export interface VenSimSummary {
  /** Event responses the VEN sent (one per event and modification in oadrCreatedEvent). */
  readonly eventsAnswered: number;
  /** The report module's counters (undefined when the VEN offers no reports). */
  readonly reports: ReportStats | undefined;
  /** Problems the VEN survived (each logged once as an `error` line). */
  readonly errors: number;
  /** The VEN's last status. */
  readonly status: string;
}

/** A running simulator. */
export interface VenSimulator {
  readonly ven: Ven;
  /** The counts so far. */
  summary(): VenSimSummary;
  /** Stops the VEN (finishing the exchange in flight) and closes the connections. */
  stop(): Promise<void>;
}

/** The transport of the simulator: HTTP(S) to the VTN, the raw-XML tap on the wire bytes, signing on top (§7.3). */
function simulatorTransport(config: VenSimConfig, log: (kind: string, data: Record<string, unknown>) => void, scheduler: SchedulerLike): Transport {
  const http = httpTransport({
    vtnUrl: config.vtnUrl,
    scheduler,
    ...(config.tls ? { tls: config.tls } : {}),
    logger: { warn: (message: string) => log('log', { level: 'warn', message }) },
  });
  const tapped = config.logXml
    ? rawXmlTap((e) => log('xml', { direction: e.direction, service: e.service, ...(e.status !== undefined ? { status: e.status } : {}), body: e.body }), { scheduler })(http)
    : http;
  if (!config.signing) return tapped;
  const { certPem, keyPem, vtnFingerprints, vtnCa, vtnIdentity, anyCertificateFromCa, replayWindowMs, replayStore } = config.signing;
  return xmlSignatures({
    identity: { certPem, keyPem },
    trust: {
      ...(vtnFingerprints.length > 0 ? { fingerprints: vtnFingerprints } : {}),
      ...(vtnCa.length > 0 ? { ca: vtnCa } : {}),
      ...(vtnIdentity !== undefined ? { identity: vtnIdentity } : {}),
      ...(anyCertificateFromCa !== undefined ? { anyCertificateFromCa } : {}),
    },
    scheduler,
    ...(replayWindowMs !== undefined ? { replayWindowMs } : {}),
    ...(replayStore !== undefined ? { replayCache: createReplayCache({ store: fileReplayStore(replayStore) }) } : {}),
  })(tapped);
}

/** Counts the event responses in each oadrCreatedEvent the VEN sends (the outermost wrapper sees unsigned bodies). */
function countingEventResponses(inner: Transport, count: (n: number) => void): Transport {
  return {
    ...inner,
    send: (request) => {
      if (request.body.includes('oadrCreatedEvent')) {
        const decoded = decodeMessage(request.body);
        if (decoded.ok && decoded.message.type === 'oadrCreatedEvent') count(decoded.message.eiCreatedEvent.eventResponses?.length ?? 0);
      }
      return inner.send(request);
    },
  };
}

/**
 * Starts a VEN from a checked configuration and logs everything it does as JSON lines: every XML
 * body on the wire (`xml`), every status change (`status`), event snapshots (`event`), problems
 * (`error`) and report statistics (`report`). It follows the protocol only (OPENADR.md), not the
 * habits of any one VTN, so it can be pointed at any VTN under test.
 *
 * @example
 * const sim = startVenSimulator(parseVenConfig(json, dir, read), (line) => console.log(JSON.stringify(line)));
 * process.on('SIGINT', () => void sim.stop());
 */
export function startVenSimulator(config: VenSimConfig, write: (entry: SimLogEntry) => void, scheduler: SchedulerLike = asyncScheduler): VenSimulator {
  const log = (kind: string, data: Record<string, unknown>): void => write({ at: new Date(scheduler.now()).toISOString(), kind, ...data });
  let eventsAnswered = 0;
  let errors = 0;
  let reportStats: ReportStats | undefined;
  const transport = countingEventResponses(simulatorTransport(config, log, scheduler), (n) => (eventsAnswered += n));
  const reports = config.reports.length > 0 ? createReports({ reports: simulatedReports(config.reports, scheduler) }) : undefined;
  const ven = createVen({
    venName: config.venName,
    ...(config.venId !== undefined ? { venId: config.venId } : {}),
    transport,
    scheduler,
    ...(config.stateFile !== undefined ? { store: createFileStore(config.stateFile) } : {}),
    decide: policyOperator(config.policy),
    xmlSignature: config.signing !== undefined,
    ...(config.marketContexts ? { marketContexts: config.marketContexts } : {}),
    ...(config.resources ? { resources: config.resources } : {}),
    ...(config.pollJitter !== undefined ? { pollJitter: config.pollJitter } : {}),
    ...(reports ? { reports } : {}),
    logger: {
      info: (message, data) => log('log', { level: 'info', message, ...data }),
      // The engine logs every VenError it emits on errors$ through the logger, with its code (and
      // the OpenADR response code): one `error` line per problem.
      warn: (message, data) => {
        if (typeof data?.['code'] !== 'string') return log('log', { level: 'warn', message, ...data });
        errors++;
        log('error', { ...data, message });
      },
    },
  });
  ven.status$.subscribe((status) => {
    const { cause, ...rest } = status as typeof status & { cause?: Error };
    log('status', { ...rest, ...(cause ? { cause: cause.message } : {}) });
    if (status.state === 'cancelled') {
      const by = status.by === 'vtn' ? 'the VTN' : 'this VEN';
      log('log', { level: 'warn', message: `${by} cancelled the registration: the VEN stays in the cancelled state (no polling) until it is stopped; ven.register() registers again` });
    }
  });
  ven.events$.subscribe((e) =>
    log('event', { eventID: e.eventID, modificationNumber: e.modificationNumber, status: e.status, optType: e.optType, start: e.start.toISOString(), end: e.end?.toISOString(), signals: e.signals.map((s) => ({ signalName: s.signalName, currentValue: s.currentValue })) }),
  );
  // The value in force per resource and signal (§4.4), at start and on every change.
  ven.control$.subscribe((c) =>
    log('control', { resourceID: c.resourceID, signalName: c.signal.signalName, phase: c.phase, value: c.value ?? null, eventID: c.event?.eventID ?? null, until: c.until?.toISOString() ?? null }),
  );
  reports?.stats$.subscribe((stats) => {
    reportStats = stats;
    log('report', { ...stats });
  });
  reports?.errors$.subscribe((e) => {
    errors++;
    log('error', { code: e.code, message: e.message, ...(e.responseCode ? { responseCode: e.responseCode } : {}) });
  });
  ven.start();
  let stopping: Promise<void> | undefined;
  return {
    ven,
    summary: () => ({ eventsAnswered, reports: reportStats, errors, status: ven.status.state }),
    stop: () =>
      (stopping ??= (async () => {
        await ven.stop();
        await transport.close?.();
      })()),
  };
}
