import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, type OadrMessage } from '@rxadr/core';
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
});
