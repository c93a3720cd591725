import { TransportError, type InboundExchange, type Transport } from '@rxadr/core';
import { firstValueFrom, Subject, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';

import { createMemoryTransport } from '../../testing/src/transport/memory-transport.js';
import { rawXmlTap, type RawXmlExchange } from '../src/index.js';

function tapped(inner: Transport): { transport: Transport; seen: RawXmlExchange[] } {
  const seen: RawXmlExchange[] = [];
  const scheduler = new VirtualTimeScheduler();
  return { transport: rawXmlTap((e) => seen.push(e), { scheduler })(inner), seen };
}

describe('rawXmlTap', () => {
  it('reports the request when sent and the answer when received, unchanged', async () => {
    const { transport, seen } = tapped(createMemoryTransport(() => '<answer>ü</answer>'));
    await expect(firstValueFrom(transport.send({ service: 'OadrPoll', body: '<poll/>' }))).resolves.toBe('<answer>ü</answer>');
    expect(seen).toEqual([
      { direction: 'out', service: 'OadrPoll', body: '<poll/>', at: 0 },
      { direction: 'in', service: 'OadrPoll', body: '<answer>ü</answer>', at: 0 },
    ]);
  });

  it('reports the body of an http-status failure with its status, and passes the error on', async () => {
    const { transport, seen } = tapped(createMemoryTransport(() => ({ status: 500, body: 'oops' })));
    await expect(firstValueFrom(transport.send({ service: 'EiEvent', body: '<x/>' }))).rejects.toBeInstanceOf(TransportError);
    expect(seen.map((e) => [e.direction, e.body, e.status])).toEqual([
      ['out', '<x/>', undefined],
      ['in', 'oops', 500],
    ]);
  });

  it('never lets a throwing observer break the exchange', async () => {
    const transport = rawXmlTap(() => {
      throw new Error('observer bug');
    })(createMemoryTransport(() => '<ok/>'));
    await expect(firstValueFrom(transport.send({ service: 'EiOpt', body: '<x/>' }))).resolves.toBe('<ok/>');
  });

  it('reports pushed requests and the answers to them, and keeps pushAddress and close', async () => {
    const inbound = new Subject<InboundExchange>();
    let closed = 0;
    const answers: string[] = [];
    const inner: Transport = {
      send: () => {
        throw new Error('not used');
      },
      inbound$: inbound,
      pushAddress: 'https://ven.example.com',
      close: async () => {
        closed += 1;
      },
    };
    const { transport, seen } = tapped(inner);
    expect(transport.pushAddress).toBe('https://ven.example.com');
    transport.inbound$?.subscribe((exchange) => exchange.respond('<oadrResponse/>'));
    inbound.next({ service: 'EiEvent', body: '<oadrDistributeEvent/>', respond: (b) => answers.push(b), reject: () => undefined });
    expect(answers).toEqual(['<oadrResponse/>']);
    expect(seen.map((e) => [e.direction, e.service, e.body])).toEqual([
      ['in', 'EiEvent', '<oadrDistributeEvent/>'],
      ['out', 'EiEvent', '<oadrResponse/>'],
    ]);
    await transport.close?.();
    expect(closed).toBe(1);
  });

  it('leaves a pull transport without inbound$', () => {
    expect(rawXmlTap(() => undefined)(createMemoryTransport(() => '')).inbound$).toBeUndefined();
  });
});
