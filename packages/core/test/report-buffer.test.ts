import { describe, expect, it } from 'vitest';
import { Observable } from 'rxjs';
import { createVirtualClock } from '@rxadr/testing';
import { TransportError, type OadrMessage } from '../src/index.js';
import { createDeliveryBuffer } from '../src/engine.js';
import { createOutbox, isRetryable, type ControlItem } from '../src/reports/report-outbox.js';

describe('the delivery buffer', () => {
  const table: Array<[string, 'drop-oldest' | 'drop-newest', Array<['push' | 'back' | 'shift', number?]>, number[], number[]]> = [
    ['keeps order under the limit', 'drop-oldest', [['push', 1], ['push', 2], ['push', 3]], [1, 2, 3], []],
    ['drop-oldest loses the oldest waiting', 'drop-oldest', [['push', 1], ['push', 2], ['push', 3], ['push', 4]], [2, 3, 4], [1]],
    ['drop-newest refuses the new one', 'drop-newest', [['push', 1], ['push', 2], ['push', 3], ['push', 4]], [1, 2, 3], [4]],
    ['a failed send goes back to the front', 'drop-oldest', [['push', 1], ['push', 2], ['shift'], ['back', 1]], [1, 2], []],
    ['put back when full, drop-oldest: the returned one is the oldest', 'drop-oldest', [['push', 1], ['shift'], ['push', 2], ['push', 3], ['push', 4], ['back', 1]], [2, 3, 4], [1]],
    ['put back when full, drop-newest: the tail goes', 'drop-newest', [['push', 1], ['shift'], ['push', 2], ['push', 3], ['push', 4], ['back', 1]], [1, 2, 3], [4]],
  ];
  for (const [name, policy, ops, kept, lost] of table) {
    it(name, () => {
      const buffer = createDeliveryBuffer<number>(3, policy);
      const dropped: number[] = [];
      for (const [op, value] of ops) {
        const out = op === 'push' ? buffer.push(value!) : op === 'back' ? buffer.putBack(value!) : (buffer.shift(), undefined);
        if (out !== undefined) dropped.push(out);
      }
      expect([...buffer.items()]).toEqual(kept);
      expect(dropped).toEqual(lost);
      expect(buffer.size).toBe(kept.length);
    });
  }
  it('removes matching items and returns them', () => {
    const buffer = createDeliveryBuffer<number>(5, 'drop-oldest');
    [1, 2, 3, 4].forEach((n) => buffer.push(n));
    expect(buffer.remove((n) => n % 2 === 0)).toEqual([2, 4]);
    expect(buffer.items()).toEqual([1, 3]);
  });
});

describe('isRetryable', () => {
  it('follows TransportError.retryable, also when wrapped as cause', () => {
    expect(isRetryable(new TransportError('connect', 'x'))).toBe(true);
    expect(isRetryable(new TransportError('http-status', 'x', { status: 503 }))).toBe(true);
    expect(isRetryable(new TransportError('http-status', 'x', { status: 400 }))).toBe(false);
    expect(isRetryable(new TransportError('tls', 'x'))).toBe(false);
    expect(isRetryable(new Error('wrapped', { cause: new TransportError('timeout', 'x') }))).toBe(true);
    expect(isRetryable(new Error('decode'))).toBe(false);
    expect(isRetryable('nope')).toBe(false);
  });
});

describe('the outbox', () => {
  function setup(limit = 100, policy: 'drop-oldest' | 'drop-newest' = 'drop-oldest') {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    let down = false;
    let status: number | undefined;
    const sent: string[] = [];
    const delivered: number[] = [];
    const dropped: Array<[number, string]> = [];
    const attempts: number[] = [];
    let venID: string | undefined = 'VEN-1';
    const outbox = createOutbox<number>({
      scheduler: clock,
      limit,
      policy,
      retry: { initialMs: 1000, factor: 2, maxMs: 8000, maxRefusedAttempts: 3 },
      send: (message: OadrMessage) =>
        new Observable<OadrMessage | undefined>((subscriber) => {
          attempts.push(clock.now() - clock.epoch);
          const label = message.type === 'oadrUpdateReport' ? message.requestID : message.type;
          if (down) return subscriber.error(new TransportError('connect', 'down'));
          if (status) return subscriber.error(new TransportError('http-status', 'refused', { status }));
          sent.push(label);
          subscriber.next(undefined);
          subscriber.complete();
        }),
      venID: () => venID,
      deliveryMessage: (n, ven) => ({ type: 'oadrUpdateReport', requestID: `d${n}`, venID: ven }),
      onDelivered: (n) => delivered.push(n),
      onDropped: (n, reason) => dropped.push([n, reason]),
      onControlFailed: () => undefined,
      onChange: () => undefined,
    });
    const control = (label: string): ControlItem => ({ description: label, build: () => ({ type: 'oadrResponse', eiResponse: { responseCode: '200', requestID: label } }), answered: () => undefined });
    return {
      clock,
      outbox,
      sent,
      delivered,
      dropped,
      attempts,
      control,
      setDown: (v: boolean) => void (down = v),
      setStatus: (v: number | undefined) => void (status = v),
      setVenID: (v: string | undefined) => void (venID = v),
    };
  }

  it('sends in order, control messages first', () => {
    const t = setup();
    t.setVenID(undefined);
    t.outbox.enqueueDelivery(1);
    t.outbox.enqueueDelivery(2);
    t.outbox.enqueueControl(t.control('c1'));
    expect(t.sent).toEqual([]); // not registered: nothing goes out
    t.setVenID('VEN-1');
    t.outbox.kick();
    expect(t.sent).toEqual(['oadrResponse', 'd1', 'd2']);
    expect(t.delivered).toEqual([1, 2]);
  });

  it('keeps everything through an outage and delivers it in order after recovery, with backoff', () => {
    const t = setup();
    t.setDown(true);
    for (let n = 1; n <= 5; n++) t.outbox.enqueueDelivery(n);
    t.clock.advanceBy(20_000);
    expect(t.attempts).toEqual([0, 1000, 3000, 7000, 15000]);
    expect(t.outbox.deliveries()).toEqual([1, 2, 3, 4, 5]);
    t.setDown(false);
    t.clock.advanceBy(8000);
    expect(t.sent).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
    expect(t.dropped).toEqual([]);
    expect(t.clock.pending).toBe(0);
  });

  it('counts what the bound drops, by policy', () => {
    for (const [policy, lost] of [
      ['drop-oldest', [1, 2]],
      ['drop-newest', [4, 5]],
    ] as const) {
      const t = setup(3, policy);
      t.setDown(true);
      for (let n = 1; n <= 5; n++) t.outbox.enqueueDelivery(n);
      t.clock.advanceBy(1);
      t.setDown(false);
      t.clock.advanceBy(10_000);
      expect(t.dropped.map(([n]) => n).sort()).toEqual([...lost]);
      expect(t.dropped.every(([, reason]) => reason === 'buffer-full')).toBe(true);
      expect(t.sent.length + t.dropped.length).toBe(5);
    }
  });

  it('retries a report refused with HTTP 4xx a bounded number of times (§1.5: not delivered), then drops it and says so', () => {
    const t = setup();
    t.setStatus(400);
    t.outbox.enqueueDelivery(1);
    t.outbox.enqueueDelivery(2);
    t.clock.advanceBy(1_000);
    expect(t.dropped).toEqual([]);
    t.clock.advanceBy(2_000);
    // three attempts in all (0 s, 1 s, 3 s), then report 1 is lost and report 2 gets its own tries
    expect(t.dropped).toEqual([[1, 'failed']]);
    t.setStatus(undefined);
    t.clock.advanceBy(1_000);
    expect(t.sent).toEqual(['d2']);
  });

  it('delivers a report once the VTN stops refusing it, within the bound', () => {
    const t = setup();
    t.setStatus(403);
    t.outbox.enqueueDelivery(1);
    t.clock.advanceBy(1_000);
    t.setStatus(undefined);
    t.clock.advanceBy(2_000);
    expect(t.sent).toEqual(['d1']);
    expect(t.dropped).toEqual([]);
  });

  it('stop keeps the message in flight queued for the next start', () => {
    const t = setup();
    t.setDown(true);
    t.outbox.enqueueDelivery(1);
    t.outbox.stop();
    expect(t.outbox.deliveries()).toEqual([1]);
    expect(t.clock.pending).toBe(0);
  });
});
