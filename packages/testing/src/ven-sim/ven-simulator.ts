import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { createFileStore, createReports, createVen, type Transport, type Ven } from '@rxadr/core';
import { createReplayCache, fileReplayStore, xmlSignatures } from '@rxadr/signing';
import { httpTransport, rawXmlTap } from '@rxadr/transport';
import { policyOperator } from './decision-policy.js';
import { simulatedReports } from './simulated-reports.js';
import type { VenSimConfig } from './ven-config.js';

/** One JSON log line of the simulator: `kind` says what it is (`xml`, `status`, `event`, `error`, `report`, `opt`, `log`). */
export type SimLogEntry = { readonly at: string; readonly kind: string } & Record<string, unknown>;

/** A running simulator. */
export interface VenSimulator {
  readonly ven: Ven;
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
  const transport = simulatorTransport(config, log, scheduler);
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
    ...(config.resources ? { targets: { resourceID: [...config.resources] } } : {}),
    ...(config.pollJitter !== undefined ? { pollJitter: config.pollJitter } : {}),
    ...(reports ? { reports } : {}),
    logger: { info: (message, data) => log('log', { level: 'info', message, ...data }), warn: (message, data) => log('log', { level: 'warn', message, ...data }) },
  });
  ven.status$.subscribe((status) => {
    const { cause, ...rest } = status as typeof status & { cause?: Error };
    log('status', { ...rest, ...(cause ? { cause: cause.message } : {}) });
    if (status.state === 'cancelled') {
      const by = status.by === 'vtn' ? 'the VTN' : 'this VEN';
      log('log', { level: 'warn', message: `${by} cancelled the registration: not polling; still running until stopped (ven.register() registers again)` });
    }
  });
  ven.events$.subscribe((e) =>
    log('event', { eventID: e.eventID, modificationNumber: e.modificationNumber, status: e.status, optType: e.optType, start: e.start.toISOString(), end: e.end?.toISOString(), signals: e.signals.map((s) => ({ signalName: s.signalName, currentValue: s.currentValue })) }),
  );
  ven.errors$.subscribe((e) => log('error', { code: e.code, message: e.message, ...(e.responseCode ? { responseCode: e.responseCode } : {}), ...(e.eventID ? { eventID: e.eventID } : {}) }));
  reports?.stats$.subscribe((stats) => log('report', { ...stats }));
  ven.start();
  let stopping: Promise<void> | undefined;
  return {
    ven,
    stop: () =>
      (stopping ??= (async () => {
        await ven.stop();
        await transport.close?.();
      })()),
  };
}
