// A custom transport: any promise-based HTTP client (here: fetch) becomes a Transport.
import { map } from 'rxjs';
import { TransportError, createVen, fromPromiseTransport, optOut, type Transport, type Ven } from '@rxadr/core';

export function fetchTransport(vtnUrl: string): Transport {
  return fromPromiseTransport(async ({ service, body }, signal) => {
    const response = await fetch(`${vtnUrl}/OpenADR2/Simple/2.0b/${service}`, {
      method: 'POST',
      body,
      signal,
      headers: { 'content-type': 'application/xml' },
    });
    const text = await response.text();
    if (response.status !== 200) throw new TransportError('http-status', `${service}: HTTP ${response.status}`, { status: response.status, body: text });
    return text;
  });
}

export function startFetchVen(vtnUrl: string): Ven {
  const ven = createVen({ venName: 'fetch-ven', transport: fetchTransport(vtnUrl), decide: (e$) => e$.pipe(map(optOut)) });
  ven.start();
  return ven;
}
