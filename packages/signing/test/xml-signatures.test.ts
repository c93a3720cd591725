import { Subject, firstValueFrom, lastValueFrom, map, of, timer } from 'rxjs';
import type { Observable, SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '@rxadr/core';
import type { InboundExchange, Transport, TransportRequest } from '@rxadr/core';
import { SignatureError, fingerprint, signPayload, verifyPayload, xmlSignatures } from '@rxadr/signing';
import type { TestIdentity } from '../../testing/src/pki/pki.js';
import { SIGNED_AT, createTestPki, fixture } from './helpers.js';
import type { TestPki } from './helpers.js';

let pki: TestPki;
let ven: TestIdentity;
let vtn: TestIdentity;
beforeAll(async () => {
  pki = await createTestPki();
  ven = pki.vtn.ec;
  vtn = pki.vtn.rsa;
});

const poll = fixture('oadrPoll.unsigned.xml');
const distribute = fixture('oadrDistributeEvent.unsigned.xml');
const request: TransportRequest = { service: 'OadrPoll', body: poll };

/** A scheduler whose clock reads SIGNED_AT plus `base.now()`: virtual time in protocol years. */
function clockAt(base: SchedulerLike = { now: () => 0, schedule: () => { throw new Error('not used'); } }): SchedulerLike {
  return { now: () => SIGNED_AT.getTime() + base.now(), schedule: base.schedule.bind(base) };
}

/** A VTN on the other side of the wire: records request bodies, answers each with `answer()`. */
function fakeVtn(answer: (body: string) => Observable<string>): Transport & { readonly received: string[] } {
  const received: string[] = [];
  return { received, send: (req) => { received.push(req.body); return answer(req.body); } };
}

const signedByVtn = (xml: string, at: Date = SIGNED_AT, nonce?: string): string =>
  signPayload(xml, vtn, nonce === undefined ? { now: () => at } : { now: () => at, nonce: () => nonce });

async function failure(observable: Observable<string>): Promise<TransportError> {
  try {
    await lastValueFrom(observable);
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  }
  return expect.fail('expected the send to fail');
}

describe('xmlSignatures: requests and responses', () => {
  const options = () => ({ identity: ven, trust: { fingerprints: [fingerprint(vtn.certPem)] }, scheduler: clockAt() });

  it('signs requests at scheduler time and hands on only the verified signed object', async () => {
    const inner = fakeVtn(() => of(signedByVtn(distribute)));
    const response = await firstValueFrom(xmlSignatures(options())(inner).send(request));
    const sent = verifyPayload(inner.received[0] ?? '', { certificates: [ven.certPem] }, { now: SIGNED_AT });
    expect(sent).toMatchObject({ ok: true, timestamp: SIGNED_AT });
    expect(response).toMatch(/^<oadr:oadrPayload xmlns:oadr="[^"]+"><oadr:oadrSignedObject /);
    expect(response).toContain('<ei:eventID>evt-1</ei:eventID>');
    expect(response).not.toContain('ds:Signature');
  });

  it.each([
    ['unsigned', () => poll, 'unsigned'],
    ['tampered', () => signedByVtn(poll).replace('VEN-1', 'VEN-2'), 'digest-mismatch'],
    ['signed by a stranger', () => signPayload(poll, pki.stranger, { now: () => SIGNED_AT }), 'fingerprint-mismatch'],
  ] as const)('errors the send with a protocol TransportError for a %s response', async (_name, body, reason) => {
    const error = await failure(xmlSignatures(options())(fakeVtn(() => of(body()))).send(request));
    expect(error.code).toBe('protocol');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBeInstanceOf(SignatureError);
    expect((error.cause as SignatureError).reason).toBe(reason);
    expect(error.message).toMatch(new RegExp(`^OadrPoll response rejected \\(${reason}\\): `));
  });

  it('rejects a response replayed within the window', async () => {
    const response = signedByVtn(poll, SIGNED_AT, 'once');
    const transport = xmlSignatures(options())(fakeVtn(() => of(response)));
    await firstValueFrom(transport.send(request));
    const error = await failure(transport.send(request));
    expect((error.cause as SignatureError).reason).toBe('replayed');
  });

  it('passes an empty 200 body through (OPENADR.md §1.5)', async () => {
    expect(await firstValueFrom(xmlSignatures(options())(fakeVtn(() => of(''))).send(request))).toBe('');
  });

  it('passes responses through unverified when no trust is configured, and can skip signing', async () => {
    const inner = fakeVtn(() => of(poll));
    const transport = xmlSignatures({ identity: ven, sign: false, scheduler: clockAt() })(inner);
    expect(await firstValueFrom(transport.send(request))).toBe(poll);
    expect(inner.received).toEqual([poll]);
  });

  it('fails the send with a protocol error when the request cannot be signed', async () => {
    const error = await failure(xmlSignatures(options())(fakeVtn(() => of(''))).send({ service: 'EiEvent', body: '<x/>' }));
    expect(error.message).toMatch(/^cannot sign EiEvent request: /);
    expect(error.cause).toBeInstanceOf(SignatureError);
  });

  it('checks the replay window in scheduler time, in both directions', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ expectObservable }) => {
      const clock = clockAt(testScheduler);
      // The VTN signs when the request arrives; the answer then takes `delay` to come back.
      const slowVtn = (delay: number): Transport =>
        fakeVtn(() => { const signedAt = new Date(clock.now()); return timer(delay).pipe(map(() => signedByVtn(poll, signedAt))); });
      const transport = (delay: number): Transport =>
        xmlSignatures({ identity: ven, trust: { certificates: [vtn.certPem] }, scheduler: clock })(slowVtn(delay));
      expectObservable(transport(59_000).send(request).pipe(map((body) => body.includes('VEN-1')))).toBe('59s (a|)', { a: true });
      expectObservable(transport(61_000).send(request)).toBe('61s #', undefined, expect.objectContaining({
        code: 'protocol',
        message: 'OadrPoll response rejected (stale): timestamp 2031-05-04T12:00:00.000Z is 61 s old, 1 s outside the 60 s window',
      }));
    });
  });
});

describe('xmlSignatures: pushed requests', () => {
  interface Recorded { readonly exchange: InboundExchange; readonly answers: string[]; readonly rejections: [number, string][] }
  function exchange(body: string): Recorded {
    const answers: string[] = [];
    const rejections: [number, string][] = [];
    return { answers, rejections, exchange: { service: 'EiEvent', body, respond: (b) => answers.push(b), reject: (s, r) => rejections.push([s, r]) } };
  }

  it('passes verified pushes on with a signing respond, and answers rejected ones with 403', () => {
    const pushes = new Subject<InboundExchange>();
    const transport = xmlSignatures({ identity: ven, trust: { ca: [pki.ca.rsa.certPem], identity: { commonName: vtn.commonName } }, scheduler: clockAt() })({
      send: () => of(''),
      inbound$: pushes,
      pushAddress: 'https://ven.test/',
    });
    const seen: InboundExchange[] = [];
    const seenAgain: InboundExchange[] = [];
    const subscriptions = [transport.inbound$?.subscribe((e) => seen.push(e)), transport.inbound$?.subscribe((e) => seenAgain.push(e))];

    const good = exchange(signedByVtn(distribute));
    const forged = exchange(signedByVtn(distribute).replace('evt-1', 'evt-2'));
    pushes.next(good.exchange);
    pushes.next(forged.exchange);
    subscriptions.forEach((subscription) => subscription?.unsubscribe());

    expect(transport.pushAddress).toBe('https://ven.test/');
    expect(seen).toHaveLength(1);
    expect(seenAgain).toHaveLength(1); // verified once, shared: the nonce is not seen as a replay
    expect(seen[0]?.body).toContain('<ei:eventID>evt-1</ei:eventID>');
    expect(seen[0]?.body).not.toContain('ds:Signature');
    expect(forged.rejections).toEqual([[403, expect.stringMatching(/^signature rejected \(digest-mismatch\): reference #oadrSignedObject digest mismatch/)]]);

    seen[0]?.respond(poll);
    expect(good.answers).toHaveLength(1);
    expect(verifyPayload(good.answers[0] ?? '', { certificates: [ven.certPem] }, { now: SIGNED_AT })).toMatchObject({ ok: true });
    seen[0]?.respond('');
    expect(good.answers[1]).toBe('');
  });

  it('answers 500 instead of throwing when the answer cannot be signed', () => {
    const pushes = new Subject<InboundExchange>();
    const transport = xmlSignatures({ identity: ven, scheduler: clockAt() })({ send: () => of(''), inbound$: pushes });
    const received: InboundExchange[] = [];
    const subscription = transport.inbound$?.subscribe((e) => received.push(e));
    const push = exchange(poll);
    pushes.next(push.exchange);
    expect(received[0]?.body).toBe(poll);
    expect(() => received[0]?.respond('not xml')).not.toThrow();
    expect(push.rejections[0]?.[0]).toBe(500);
    subscription?.unsubscribe();
  });

  it('leaves inbound$ undefined for pull transports', () => {
    expect(xmlSignatures({ identity: ven })({ send: () => of('') }).inbound$).toBeUndefined();
  });
});

describe('xmlSignatures: options are validated at construction', () => {
  it.each([
    ['sign without identity', () => xmlSignatures({ sign: true }), /sign is true but no identity was given/],
    ['a key that does not match', () => xmlSignatures({ identity: { certPem: vtn.certPem, keyPem: ven.keyPem } }), /does not match identity\.certPem/],
    ['a key that is not a key', () => xmlSignatures({ identity: { certPem: vtn.certPem, keyPem: 'nope' } }), /identity\.keyPem is not a private key/],
    ['a bad fingerprint', () => xmlSignatures({ trust: { fingerprints: ['xyz'] } }), /trust\.fingerprints\[0\] 'xyz' is not a fingerprint/],
    ['a bad window', () => xmlSignatures({ identity: ven, replayWindowMs: -1 }), /replayWindowMs must be a positive number/],
  ])('rejects %s', (_name, create, message) => {
    expect(create).toThrow(message);
    try {
      create();
    } catch (error) {
      expect(error).toBeInstanceOf(SignatureError);
      expect((error as SignatureError).reason).toBe('invalid-options');
    }
  });
});
