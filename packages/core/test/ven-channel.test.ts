import { of, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, type OadrMessage, type Transport, type TransportRequest } from '../src/index.js';
import { createVenChannel } from '../src/ven/ven-channel.js';
import { encodedSignedObject } from '../src/engine.js';

const ok = (venID: string, code = '200'): OadrMessage => ({ type: 'oadrResponse', eiResponse: { responseCode: code, responseDescription: 'OK', requestID: '' }, venID });

/** A transport that answers each request with the next body of `answers` and keeps what it was sent. */
function scripted(answers: string[], signsMessages?: boolean): Transport & { sent: TransportRequest[] } {
  const sent: TransportRequest[] = [];
  return {
    sent,
    ...(signsMessages !== undefined ? { signsMessages } : {}),
    send: (request): Observable<string> => (sent.push(request), of(answers.shift() ?? '')),
  };
}

const last = <T>(o: Observable<T>): T => {
  let value: T | undefined;
  let failed: { error: unknown } | undefined;
  o.subscribe({ next: (v) => (value = v), error: (error: unknown) => (failed = { error }) });
  if (failed) throw failed.error;
  return value as T;
};

describe('the VEN channel (encode, send, decode)', () => {
  it('sends the same oadrPoll text while the venID stays, a new one when it changes, and each is the encoder\'s document', () => {
    const transport = scripted([]);
    const channel = createVenChannel(transport, () => undefined);
    for (const venID of ['VEN-1', 'VEN-1', 'VEN-2']) last(channel.send('OadrPoll', { type: 'oadrPoll', venID }));
    const bodies = transport.sent.map((r) => r.body);
    expect(bodies[0]).toBe(encodeMessage({ type: 'oadrPoll', venID: 'VEN-1' }));
    expect(bodies[1]).toBe(bodies[0]);
    expect(bodies[2]).toBe(encodeMessage({ type: 'oadrPoll', venID: 'VEN-2' }));
    const second = decodeMessage(bodies[2]!);
    expect(second.ok && second.message).toEqual({ type: 'oadrPoll', venID: 'VEN-2' });
  });

  it('encodes every oadrPoll afresh over a signing transport (its signer reads what the encoder just wrote)', () => {
    const transport = scripted([], true);
    const channel = createVenChannel(transport, () => undefined);
    last(channel.send('OadrPoll', { type: 'oadrPoll', venID: 'VEN-1' }));
    // Other documents push the first poll out of the encoder's short memory …
    for (let i = 0; i < 10; i++) encodeMessage(ok(`OTHER-${i}`));
    expect(encodedSignedObject(transport.sent[0]!.body)).toBeUndefined();
    // … and the next poll is encoded again, so the signer finds its canonical bytes.
    last(channel.send('OadrPoll', { type: 'oadrPoll', venID: 'VEN-1' }));
    expect(transport.sent[1]!.body).toBe(transport.sent[0]!.body);
    expect(encodedSignedObject(transport.sent[1]!.body)).toBeDefined();
  });

  it('an oadrResponse repeated character for character is the same message, still seen by `inbound` each time; a different one is decoded', () => {
    const a = encodeMessage(ok('VEN-1'));
    const b = encodeMessage(ok('VEN-1', '463'));
    const transport = scripted([a, `${a}`, b, a]);
    const seen: OadrMessage[] = [];
    const channel = createVenChannel(transport, (m) => seen.push(m));
    const answers = [0, 1, 2, 3].map(() => last(channel.send('OadrPoll', { type: 'oadrPoll', venID: 'VEN-1' })));
    expect(answers.map((x) => x?.message)).toEqual([ok('VEN-1'), ok('VEN-1'), ok('VEN-1', '463'), ok('VEN-1')]);
    expect(seen).toHaveLength(4);
    expect(answers[1]).toBe(answers[0]);
    expect(answers[3]).not.toBe(answers[0]); // b came between: a was decoded again
  });

  it('an invalid answer still fails as a decode error after a remembered one', () => {
    const a = encodeMessage(ok('VEN-1'));
    const transport = scripted([a, a.replace('<ei:responseCode>200', '<ei:responseCode>2000')]);
    const channel = createVenChannel(transport, () => undefined);
    last(channel.send('OadrPoll', { type: 'oadrPoll', venID: 'VEN-1' }));
    expect(() => last(channel.send('OadrPoll', { type: 'oadrPoll', venID: 'VEN-1' }))).toThrow(/invalid document/);
  });
});
