import { describe, expect, it } from 'vitest';
import { Observable } from 'rxjs';
import { createVirtualClock } from '@rxadr/testing';
import { TransportError, createDeliveryBuffer, type OadrMessage } from '../src/index.js';
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
    expect(isRetryable(new TransportError('tls', 'x'))).toBe(true);
    expect(isRetryable(new TransportError('protocol', 'x'))).toBe(false);
    expect(isRetryable(new Error('wrapped', { cause: new TransportError('timeout', 'x') }))).toBe(true);
    expect(isRetryable(new Error('decode'))).toBe(false);
    expect(isRetryable('nope')).toBe(false);
  });
});

describe('the outbox', () => {
  /** What the VTN does with the next sends: fail, answer a chosen message, or accept. */
  type Mode = { readonly fail: unknown } | { readonly answer: (message: OadrMessage) => OadrMessage | undefined } | undefined;
  function setup(limit = 100, policy: 'drop-oldest' | 'drop-newest' = 'drop-oldest') {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    let mode: Mode;
    const sent: string[] = [];
    const delivered: number[] = [];
    const dropped: Array<[number, string, string | undefined]> = [];
    const attempts: number[] = [];
    const reconciles: string[] = [];
    let venID: string | undefined = 'VEN-1';
    const ok = (message: OadrMessage): OadrMessage =>
      message.type === 'oadrUpdateReport'
        ? { type: 'oadrUpdatedReport', eiResponse: { responseCode: '200', requestID: message.requestID } }
        : { type: 'oadrResponse', eiResponse: { responseCode: '200', requestID: '' } };
    const outbox = createOutbox<number>({
      scheduler: clock,
      limit,
      policy,
      retry: { initialMs: 1000, factor: 2, maxMs: 8000, jitter: 0 },
      random: () => 0.5,
      send: (message: OadrMessage) =>
        new Observable<OadrMessage | undefined>((subscriber) => {
          attempts.push(clock.now() - clock.epoch);
          const label = message.type === 'oadrUpdateReport' ? message.requestID : message.type;
          if (mode && 'fail' in mode) return subscriber.error(mode.fail);
          sent.push(label);
          subscriber.next(mode ? mode.answer(message) : ok(message));
          subscriber.complete();
        }),
      venID: () => venID,
      deliveryMessage: (n, ven) => ({ type: 'oadrUpdateReport', requestID: `d${n}`, venID: ven }),
      onDelivered: (n) => delivered.push(n),
      onDropped: (n, reason, verdict) => dropped.push([n, reason, verdict?.kind === 'terminal' ? verdict.responseCode : undefined]),
      onControlFailed: () => undefined,
      onReconcile: (verdict) => reconciles.push(verdict.kind === 'reconcile' ? verdict.responseCode : verdict.kind),
      onChange: () => undefined,
    });
    const control = (label: string): ControlItem => ({ description: label, expects: 'oadrResponse', build: () => ({ type: 'oadrResponse', eiResponse: { responseCode: '200', requestID: label } }), answered: () => undefined });
    return {
      clock,
      outbox,
      sent,
      delivered,
      dropped,
      attempts,
      reconciles,
      control,
      setMode: (m: Mode) => void (mode = m),
      setVenID: (v: string | undefined) => void (venID = v),
    };
  }
  const down: Mode = { fail: new TransportError('connect', 'down') };
  const updated = (code: string, description?: string): Mode => ({
    answer: (m) => ({ type: 'oadrUpdatedReport', eiResponse: { responseCode: code, ...(description ? { responseDescription: description } : {}), requestID: m.type === 'oadrUpdateReport' ? m.requestID : '' } }),
  });

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
    t.setMode(down);
    for (let n = 1; n <= 5; n++) t.outbox.enqueueDelivery(n);
    t.clock.advanceBy(20_000);
    expect(t.attempts).toEqual([0, 1000, 3000, 7000, 15000]);
    expect(t.outbox.deliveries()).toEqual([1, 2, 3, 4, 5]);
    t.setMode(undefined);
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
      t.setMode(down);
      for (let n = 1; n <= 5; n++) t.outbox.enqueueDelivery(n);
      t.clock.advanceBy(1);
      t.setMode(undefined);
      t.clock.advanceBy(10_000);
      expect(t.dropped.map(([n]) => n).sort()).toEqual([...lost]);
      expect(t.dropped.every(([, reason]) => reason === 'overflow')).toBe(true);
      expect(t.sent.length + t.dropped.length).toBe(5);
    }
  });

  // §1.5: any non-200 HTTP answer, anything that is not the expected OpenADR reply, and OpenADR 5xx mean "not delivered".
  const notDelivered: Array<[string, Mode]> = [
    ['HTTP 400', { fail: new TransportError('http-status', 'bad request', { status: 400 }) }],
    ['a TLS failure', { fail: new TransportError('tls', 'certificate has expired') }],
    ['an HTML page with HTTP 200 (decode failure)', { fail: new Error('not an OpenADR payload: <html>') }],
    ['oadrUpdatedReport with responseCode 500', updated('500', 'internal error')],
    ['an oadrResponse 200 instead of oadrUpdatedReport', { answer: () => ({ type: 'oadrResponse', eiResponse: { responseCode: '200', requestID: '' } }) }],
    ['an empty answer', { answer: () => undefined }],
  ];
  for (const [name, mode] of notDelivered) {
    it(`${name}: not delivered, retried with backoff until the VTN accepts it, then delivered once`, () => {
      const t = setup();
      t.setMode(mode);
      t.outbox.enqueueDelivery(1);
      t.outbox.enqueueDelivery(2);
      t.clock.advanceBy(7_000);
      expect(t.attempts).toEqual([0, 1000, 3000, 7000]);
      expect(t.delivered).toEqual([]);
      expect(t.dropped).toEqual([]);
      t.setMode(undefined);
      t.clock.advanceBy(8_000);
      expect(t.delivered).toEqual([1, 2]);
      expect(t.attempts).toHaveLength(6);
    });
  }

  it('an OpenADR 4xx refusal is terminal: dropped as rejected with its code, not sent again; the next report goes on', () => {
    const t = setup();
    t.setMode(updated('454', 'invalid data'));
    t.outbox.enqueueDelivery(1);
    expect(t.dropped).toEqual([[1, 'rejected', '454']]);
    t.setMode(undefined);
    t.outbox.enqueueDelivery(2);
    t.clock.advanceBy(60_000);
    expect(t.attempts).toEqual([0, 0]);
    expect(t.delivered).toEqual([2]);
  });

  it('463 waits for reconciliation: kept, nothing sent until the next registration kicks the outbox', () => {
    const t = setup();
    t.setMode(updated('463', 'not registered'));
    t.outbox.enqueueDelivery(1);
    t.outbox.enqueueDelivery(2);
    t.clock.advanceBy(600_000);
    expect(t.attempts).toEqual([0]);
    expect(t.reconciles).toEqual(['463']);
    expect(t.outbox.deliveries()).toEqual([1, 2]);
    t.setMode(undefined);
    t.outbox.kick();
    expect(t.delivered).toEqual([1, 2]);
    expect(t.dropped).toEqual([]);
  });

  it('hold keeps data reports back while control messages go', () => {
    const t = setup();
    t.outbox.hold(true);
    t.outbox.enqueueDelivery(1);
    t.outbox.enqueueControl(t.control('c1'));
    expect(t.sent).toEqual(['oadrResponse']);
    t.outbox.hold(false);
    expect(t.sent).toEqual(['oadrResponse', 'd1']);
  });

  it('stop keeps the message in flight queued for the next start', () => {
    const t = setup();
    t.setMode(down);
    t.outbox.enqueueDelivery(1);
    t.outbox.stop();
    expect(t.outbox.deliveries()).toEqual([1]);
    expect(t.clock.pending).toBe(0);
  });
});
