import { beforeAll, describe, expect, it } from 'vitest';
import { SignatureError, createReplayCache, signPayload, verifyPayload } from '@rxadr/signing';
import { collectedHeap as heapUsed } from '@rxadr/testing';
import type { TrustOptions } from '@rxadr/signing';
import { SIGNED_AT, at, createTestPki, fixture } from './helpers.js';
import type { TestPki } from './helpers.js';

let pki: TestPki;
let trust: TrustOptions;
beforeAll(async () => {
  pki = await createTestPki();
  trust = { ca: [pki.ca.ec.certPem] };
});

const poll = fixture('oadrPoll.unsigned.xml');
const sign = (nonce: string, when: Date = SIGNED_AT): string => signPayload(poll, pki.vtn.ec, { now: () => when, nonce: () => nonce });

describe('replay window (both directions)', () => {
  it.each([
    [-60_000, 'timestamp 60 s in the future, window 60 s'],
    [-12_000, 'timestamp 12 s in the future, window 60 s'],
    [0, 'timestamp 0 s old, window 60 s'],
    [59_500, 'timestamp 59.5 s old, window 60 s'],
    [60_000, 'timestamp 60 s old, window 60 s'],
  ])('accepts a message checked %i ms after signing', (offset, check) => {
    const result = verifyPayload(sign('a'), trust, { now: at(offset) });
    expect(result.ok).toBe(true);
    expect(result.checks).toContain(check);
  });

  it('rejects a stale message, saying how far outside the window it is', () => {
    expect(verifyPayload(sign('a'), trust, { now: at(172_000) })).toMatchObject({
      ok: false,
      reason: 'stale',
      message: 'timestamp 2031-05-04T12:00:00.000Z is 172 s old, 112 s outside the 60 s window',
    });
  });

  it('rejects a message from the future, saying how far outside the window it is', () => {
    expect(verifyPayload(sign('a'), trust, { now: at(-60_001) })).toMatchObject({
      ok: false,
      reason: 'future',
      message: 'timestamp 2031-05-04T12:00:00.000Z is 60.001 s in the future, 0.001 s outside the 60 s window',
    });
  });

  it('honours a configured window', () => {
    expect(verifyPayload(sign('a'), trust, { now: at(6_000), replayWindowMs: 5_000 })).toMatchObject({ ok: false, reason: 'stale' });
    expect(verifyPayload(sign('a'), trust, { now: at(4_000), replayWindowMs: 5_000 }).ok).toBe(true);
  });

  it('checks the window only after the signature, so a forged timestamp is a digest failure', () => {
    const forged = sign('a').replace('2031-05-04T12:00:00.000Z', '2031-05-04T13:00:00.000Z');
    expect(verifyPayload(forged, trust, { now: at(3_600_000) })).toMatchObject({ ok: false, reason: 'digest-mismatch' });
  });
});

describe('replay cache', () => {
  it('rejects the same (timestamp, nonce) a second time within the window', () => {
    const replayCache = createReplayCache();
    const message = sign('nonce-1');
    expect(verifyPayload(message, trust, { now: at(1_000), replayCache })).toMatchObject({ ok: true });
    expect(verifyPayload(message, trust, { now: at(3_000), replayCache })).toMatchObject({
      ok: false,
      reason: 'replayed',
      message: 'nonce nonce-1 with timestamp 2031-05-04T12:00:00.000Z was already accepted 2 s ago',
    });
  });

  it('accepts the same nonce with another timestamp, and another nonce with the same timestamp', () => {
    const replayCache = createReplayCache();
    for (const message of [sign('n'), sign('n', at(1)), sign('m')]) {
      expect(verifyPayload(message, trust, { now: at(10), replayCache }).ok).toBe(true);
    }
    expect(replayCache.size).toBe(3);
  });

  it('does not remember rejected messages', () => {
    const replayCache = createReplayCache();
    const message = sign('x');
    expect(verifyPayload(message, { ca: [pki.ca.rsa.certPem] }, { now: SIGNED_AT, replayCache }).ok).toBe(false);
    expect(replayCache.size).toBe(0);
    expect(verifyPayload(message, trust, { now: SIGNED_AT, replayCache }).ok).toBe(true);
  });

  it('lets entries expire with the window and stays within maxEntries', () => {
    const cache = createReplayCache({ maxEntries: 3 });
    const t0 = SIGNED_AT;
    expect(cache.remember(t0, 'a', t0, 1_000).replayed).toBe(false);
    expect(cache.remember(t0, 'a', at(1_000), 1_000).replayed).toBe(true);
    // After timestamp + window the entry is gone (and the window check would refuse the message anyway).
    expect(cache.remember(t0, 'a', at(1_001), 1_000).replayed).toBe(false);
    for (const nonce of ['b', 'c', 'd', 'e']) cache.remember(at(1_001), nonce, at(1_001), 1_000);
    expect(cache.size).toBe(3);
  });

  it('validates maxEntries', () => {
    expect(() => createReplayCache({ maxEntries: 0 })).toThrow(SignatureError);
  });
});

describe('what verification keeps', () => {
  it('the replay cache keeps the nonces, not the 40 one-megabyte messages they came in', async () => {
    const replayCache = createReplayCache();
    const padding = 'x'.repeat(1024 * 1024);
    // Each message built, verified and dropped inside this function, so none stays on the stack.
    const verifyPadded = (i: number): boolean => {
      const signed = sign(`a-nonce-long-enough-to-be-sliced-${i}`);
      // A comment before the root: outside what is signed, so the signature still verifies.
      const root = signed.indexOf('<oadr:oadrPayload');
      const body = `${signed.slice(0, root)}<!--${padding}${i}-->${signed.slice(root)}`;
      return verifyPayload(body, trust, { now: at(1_000), replayCache }).ok;
    };
    // One small message first, so what verifying sets up once (compiled code, parsed certificates) is not counted.
    expect(verifyPayload(sign('warm-up'), trust, { now: at(1_000), replayCache }).ok).toBe(true);
    const before = heapUsed();
    for (let i = 0; i < 40; i++) expect(verifyPadded(i)).toBe(true);
    expect(replayCache.size).toBe(41);
    // Were the remembered nonces views into their messages, the 40 messages (40 MB or more) would stay alive.
    expect(heapUsed() - before).toBeLessThan(4 * 1024 * 1024);
  });
});
