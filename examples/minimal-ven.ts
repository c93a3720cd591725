// A minimal VEN: register, poll, opt in to every event, log what happens.
import { map } from 'rxjs';
import { createVen, optIn, type Ven } from '@rxadr/core';
import { httpTransport } from '@rxadr/transport';

export function startMinimalVen(vtnUrl: string): Ven {
  const ven = createVen({
    venName: 'minimal-ven',
    transport: httpTransport({ vtnUrl }),
    decide: (events$) => events$.pipe(map(optIn)),
  });
  ven.status$.subscribe((s) => console.log('status', s.state));
  ven.events$.subscribe((e) => console.log('event', e.eventID, e.status, e.optType));
  ven.start();
  return ven;
}
