// A VEN that offers telemetry from an Observable, signs its messages and verifies the VTN's.
import { interval, map } from 'rxjs';
import { createFileStore, createReports, createVen, optIn, optOut, telemetryUsage, type Ven } from '@rxadr/core';
import { xmlSignatures } from '@rxadr/signing';
import { httpTransport } from '@rxadr/transport';

export interface SiteOptions {
  readonly vtnUrl: string;
  readonly tls: { readonly cert: string; readonly key: string; readonly ca: string };
  /** The VTN's signing certificate fingerprint (OPENADR.md §7.2). */
  readonly vtnFingerprint: string;
  readonly stateFile: string;
}

export function startSite(options: SiteOptions): Ven {
  const power$ = interval(1_000).pipe(map(() => 3_000 + Math.round(500 * Math.random())));
  const signing = xmlSignatures({
    identity: { certPem: options.tls.cert, keyPem: options.tls.key },
    trust: { fingerprints: [options.vtnFingerprint] },
  });
  const ven = createVen({
    venName: 'site-42',
    transport: signing(httpTransport({ vtnUrl: options.vtnUrl, tls: options.tls })),
    xmlSignature: true,
    store: createFileStore(options.stateFile),
    reports: createReports({
      reports: [telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: power$, samplingRate: { min: 'PT1S', max: 'PT1H' } })],
    }),
    // Opt in to SIMPLE events up to level 2; opt out of anything higher.
    decide: (events$) => events$.pipe(map((e) => (e.signals.every((s) => s.intervals.every((i) => (i.value ?? 0) <= 2)) ? optIn(e) : optOut(e)))),
  });
  ven.start();
  return ven;
}
