import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, type MessageOf, type OadrMessage } from '@rxadr/core';
import { authorEvent } from '../src/mock-vtn/event-authoring.js';
import { createVtnCodecMemo } from '../src/mock-vtn/vtn-codec-memo.js';

const response = (venID: string | undefined, code = '200', requestID = ''): OadrMessage => ({
  type: 'oadrResponse',
  eiResponse: { responseCode: code, responseDescription: code === '200' ? 'OK' : 'error', requestID },
  ...(venID !== undefined ? { venID } : {}),
});

describe('the mock VTN codec memo', () => {
  it('encodes each oadrResponse as encodeMessage does, one text per distinct set of fields', () => {
    const memo = createVtnCodecMemo(() => 100);
    const cases = [response('VEN-1'), response('VEN-2'), response(undefined), response('VEN-1', '463'), response('VEN-1', '200', 'req-1'), response('VEN-1')];
    for (const message of cases) expect(memo.encode(message)).toBe(encodeMessage(message));
    const poll: OadrMessage = { type: 'oadrPoll', venID: 'VEN-1' };
    expect(memo.encode(poll)).toBe(encodeMessage(poll));
  });

  it('decodes an oadrPoll seen before to the same result, and every other document as decodeMessage does', () => {
    const memo = createVtnCodecMemo(() => 2);
    const poll = encodeMessage({ type: 'oadrPoll', venID: 'VEN-1' });
    const first = memo.decode(poll);
    expect(first).toEqual(decodeMessage(poll));
    expect(memo.decode(poll)).toBe(first);
    const other = encodeMessage(response('VEN-1'));
    expect(memo.decode(other)).toEqual(decodeMessage(other));
    expect(memo.decode(other)).not.toBe(memo.decode(other)); // not kept
    const broken = poll.replace('</ei:venID>', '');
    expect(memo.decode(broken).ok).toBe(false);
    // Bounded: past `limit` entries the memo starts again, and answers stay right.
    for (const venID of ['VEN-2', 'VEN-3', 'VEN-4']) {
      const xml = encodeMessage({ type: 'oadrPoll', venID });
      const result = memo.decode(xml);
      expect(result.ok && result.message).toEqual({ type: 'oadrPoll', venID });
    }
  });

  it('writes each oadrDistributeEvent byte for byte as encodeMessage does, reusing the text of one that differs only in its requestID', () => {
    const memo = createVtnCodecMemo(() => 100, { distributions: true });
    const createdAt = new Date('2026-01-01T00:00:00Z');
    const e1 = authorEvent({ eventID: 'E1', start: '2026-01-01T01:00:00Z' }, 0, createdAt);
    const e2 = authorEvent({ eventID: 'E2', start: '2026-01-01T02:00:00Z', venIDs: ['VEN-2'] }, 1, createdAt);
    const distribution = (requestID: string, oadrEvent = [e1], extra: Partial<MessageOf<'oadrDistributeEvent'>> = {}): OadrMessage => ({ type: 'oadrDistributeEvent', requestID, vtnID: 'VTN-1', oadrEvent, ...extra });
    const cases = [
      distribution('dist-1'),
      distribution('dist-2'),
      distribution(''),
      distribution('a&b<c'), // escaped by the encoder: written in full
      distribution('dist-3', [e1, e2]),
      distribution('dist-4', [e2, e1]),
      distribution('dist-5', []),
      distribution('dist-6', [e1], { vtnID: 'VTN-2' }),
      distribution('dist-7', [e1], { eiResponse: { responseCode: '200', responseDescription: 'OK', requestID: 'req-1' } }),
      distribution('dist-8', [e1], { eiResponse: { responseCode: '200', responseDescription: 'OK', requestID: 'req-2' } }),
      distribution('dist-9', [{ ...e1 }]), // equal but not the same object: encoded again, still the same text
      distribution('rxadr-request-id-mark'),
      distribution('dist-10'),
    ];
    for (const message of cases) expect(memo.encode(message)).toBe(encodeMessage(message));
    // Off (a VTN that signs): every distribution is encoded afresh, with the same result.
    const plain = createVtnCodecMemo(() => 100);
    for (const message of cases) expect(plain.encode(message)).toBe(encodeMessage(message));
  });
});
