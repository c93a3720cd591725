import { decodeMessage, encodeMessage, type DecodeResult, type OadrMessage } from '@rxadr/core';

/** Decoding and encoding for the VTN's busiest path, without repeating work on the same text. */
export interface VtnCodecMemo {
  /** `decodeMessage(xml)`; an oadrPoll seen before (the same text) is not decoded again. */
  decode(xml: string): DecodeResult;
  /** `encodeMessage(message)`; an oadrResponse encoded before (the same fields) is not encoded again. */
  encode(message: OadrMessage): string;
}

/**
 * Creates the memo. A fleet's idle polls are the same few hundred characters for each VEN, poll
 * after poll, and so is the oadrResponse 200 that answers them: both are kept, keyed by the text
 * (decoding is a pure function of it) and by every field of the response. Only those two kinds
 * are kept, so the memo holds at most `limit()` entries of each (the VTN passes a bound that
 * grows with the VENs it knows) and is emptied when it would hold more.
 */
export function createVtnCodecMemo(limit: () => number): VtnCodecMemo {
  const polls = new Map<string, DecodeResult>();
  const responses = new Map<string, string>();
  return {
    decode(xml) {
      const known = polls.get(xml);
      if (known) return known;
      const result = decodeMessage(xml);
      if (result.ok && result.message.type === 'oadrPoll' && result.signature === undefined) {
        if (polls.size >= limit()) polls.clear();
        polls.set(xml, result);
      }
      return result;
    },
    encode(message) {
      if (message.type !== 'oadrResponse') return encodeMessage(message);
      const { responseCode, responseDescription, requestID } = message.eiResponse;
      // A separator no field can hold unescaped in XML text (NUL is not allowed in XML 1.0).
      const key = `${responseCode}\0${responseDescription ?? '\u0001'}\0${requestID}\0${message.venID ?? '\u0001'}`;
      const known = responses.get(key);
      if (known !== undefined) return known;
      const xml = encodeMessage(message);
      if (responses.size >= limit()) responses.clear();
      responses.set(key, xml);
      return xml;
    },
  };
}
