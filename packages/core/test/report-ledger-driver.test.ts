import { describe, expect, it } from 'vitest';
import { Observable } from 'rxjs';
import { createVirtualClock } from '@rxadr/testing';
import { TransportError, createLedger, type ExchangeVerdict, type OadrMessage, type Obligation } from '../src/index.js';
import { createLedgerDriver } from '../src/reports/ledger-driver.js';

/** What the VTN does with the next sends: fail, answer a chosen message, or accept. */
type Mode = { readonly fail: unknown } | { readonly answer: (message: OadrMessage) => OadrMessage | undefined } | undefined;

function setup(bounds: { maxRecords?: number } = {}) {
  const clock = createVirtualClock('2026-01-01T00:00:00Z');
  let mode: Mode;
  const attempts: number[] = [];
  const settled: string[] = [];
  const failed: Array<[string, string | undefined]> = [];
  let venID: string | undefined = 'VEN-1';
  const ok = (message: OadrMessage): OadrMessage =>
    message.type === 'oadrUpdateReport'
      ? { type: 'oadrUpdatedReport', eiResponse: { responseCode: '200', requestID: message.requestID } }
      : { type: 'oadrResponse', eiResponse: { responseCode: '200', requestID: '' } };
  const ledger = createLedger({ scheduler: clock, policy: { initialMs: 1000, factor: 2, maxMs: 8000, jitter: 0 }, random: () => 0.5, bounds });
  const label = (record: Obligation) => (record.message.type === 'oadrUpdateReport' ? record.message.requestID : record.message.type);
  const driver = createLedgerDriver(
    ledger,
    {
      scheduler: clock,
      venID: () => venID,
      send: (message) =>
        new Observable<OadrMessage | undefined>((subscriber) => {
          attempts.push(clock.now() - clock.epoch);
          if (mode && 'fail' in mode) return subscriber.error(mode.fail);
          subscriber.next(mode ? mode.answer(message) : ok(message));
          subscriber.complete();
        }),
    },
    () => ({
      settled: (record) => settled.push(label(record)),
      failed: (record, verdict: ExchangeVerdict) => failed.push([label(record), verdict.kind === 'terminal' ? verdict.responseCode : undefined]),
    }),
  );
  const deliver = (n: number) => {
    ledger.add({ kind: 'report-delivery', key: `delivery:d${n}`, subject: { reportRequestID: 'rr', fromMs: n, toMs: n + 1 }, message: { type: 'oadrUpdateReport', requestID: `d${n}`, venID: 'VEN-1' }, expects: 'oadrUpdatedReport' });
    driver.kick();
  };
  const control = () => {
    ledger.add({ kind: 'created-report', key: 'created-report:c1', subject: { requestID: 'c1' }, message: { type: 'oadrCreatedReport', eiResponse: { responseCode: '200', requestID: 'c1' }, oadrPendingReports: [], venID: 'VEN-1' }, expects: 'oadrResponse' });
    driver.kick();
  };
  return { clock, ledger, driver, attempts, settled, failed, deliver, control, setMode: (m: Mode) => void (mode = m), setVenID: (v: string | undefined) => void (venID = v) };
}

const down: Mode = { fail: new TransportError('connect', 'down') };
const updated = (code: string, description?: string): Mode => ({
  answer: (m) => ({ type: 'oadrUpdatedReport', eiResponse: { responseCode: code, ...(description ? { responseDescription: description } : {}), requestID: m.type === 'oadrUpdateReport' ? m.requestID : '' } }),
});

describe('the report ledger driver (one retry policy: classifyExchange + the ledger backoff)', () => {
  it('sends in order, nothing while unregistered', () => {
    const t = setup();
    t.setVenID(undefined);
    t.deliver(1);
    t.control();
    t.deliver(2);
    expect(t.attempts).toEqual([]);
    t.setVenID('VEN-1');
    t.driver.kick();
    expect(t.settled).toEqual(['d1', 'oadrCreatedReport', 'd2']);
    t.driver.stop();
  });

  it('keeps everything through an outage and delivers it in order after recovery, with backoff', () => {
    const t = setup();
    t.setMode(down);
    for (let n = 1; n <= 5; n++) t.deliver(n);
    t.clock.advanceBy(20_000);
    expect(t.attempts).toEqual([0, 1000, 3000, 7000, 15000]);
    expect(t.ledger.pending()).toHaveLength(5);
    t.setMode(undefined);
    t.clock.advanceBy(8000);
    expect(t.settled).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
    expect(t.failed).toEqual([]);
    expect(t.clock.pending).toBe(0);
  });

  it('300 waiting records drain in a loop, not by recursion', () => {
    const t = setup();
    t.setVenID(undefined);
    for (let n = 1; n <= 300; n++) t.deliver(n);
    t.setVenID('VEN-1');
    t.driver.kick();
    expect(t.settled).toHaveLength(300);
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
      t.deliver(1);
      t.deliver(2);
      t.clock.advanceBy(7_000);
      expect(t.attempts).toEqual([0, 1000, 3000, 7000]);
      expect(t.settled).toEqual([]);
      t.setMode(undefined);
      t.clock.advanceBy(8_000);
      expect(t.settled).toEqual(['d1', 'd2']);
      expect(t.attempts).toHaveLength(6);
      expect(t.failed).toEqual([]);
    });
  }

  it('an OpenADR 4xx refusal is terminal: failed with its code, not sent again; the next report goes on', () => {
    const t = setup();
    t.setMode(updated('454', 'invalid data'));
    t.deliver(1);
    expect(t.failed).toEqual([['d1', '454']]);
    t.setMode(undefined);
    t.deliver(2);
    t.clock.advanceBy(60_000);
    expect(t.attempts).toEqual([0, 0]);
    expect(t.settled).toEqual(['d2']);
  });

  it('463 is no failure: the record stays pending and is sent again', () => {
    const t = setup();
    t.setMode(updated('463', 'not registered'));
    t.deliver(1);
    t.clock.advanceBy(1000);
    expect(t.failed).toEqual([]);
    expect(t.ledger.pending()).toHaveLength(1);
    t.setMode(undefined);
    t.clock.advanceBy(2000);
    expect(t.settled).toEqual(['d1']);
  });

  it('the ledger bound drops the oldest report intervals first; answers are never dropped', () => {
    const t = setup({ maxRecords: 3 });
    t.setMode(down);
    t.control();
    for (let n = 1; n <= 5; n++) t.deliver(n);
    expect(t.ledger.counters.droppedOverflow).toBe(3);
    t.setMode(undefined);
    t.clock.advanceBy(10_000);
    expect(t.settled).toEqual(['oadrCreatedReport', 'd4', 'd5']);
  });

  it('stop leaves the record in flight pending and no timer behind', () => {
    const t = setup();
    t.setMode(down);
    t.deliver(1);
    t.driver.stop();
    expect(t.ledger.pending()).toHaveLength(1);
    expect(t.clock.pending).toBe(0);
  });
});
