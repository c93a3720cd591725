// A minimal VEN: register, poll, opt in to every event, log what happens.
import { map } from 'rxjs';
import { createVen, optIn, type Ven } from '@rxadr/core';
import { httpTransport } from '@rxadr/transport';

// Over https, say who the VTN is: the CA that issued its certificate (PEM), or a pin of it.
export function startMinimalVen(vtnUrl: string, vtnCa?: string): Ven {
  const ven = createVen({
    venName: 'minimal-ven',
    transport: httpTransport({ vtnUrl, ...(vtnCa !== undefined && { tls: { ca: vtnCa } }) }),
    decide: (events$) => events$.pipe(map(optIn)),
  });
  ven.status$.subscribe((s) => console.log('status', s.state));
  ven.events$.subscribe((e) => console.log('event', e.eventID, e.status, e.optType));
  ven.start();
  return ven;
}
