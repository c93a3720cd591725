import { decodeMessage, encodeMessage, type DecodeResult, type MessageOf, type OadrMessage } from '@rxadr/core';

/** Decoding and encoding for the VTN's busiest path, without repeating work on the same text. */
export interface VtnCodecMemo {
  /** `decodeMessage(xml)`; an oadrPoll seen before (the same text) is not decoded again. */
  decode(xml: string): DecodeResult;
  /**
   * `encodeMessage(message)`; an oadrResponse encoded before (the same fields) is not encoded
   * again, nor an oadrDistributeEvent that differs from the last one only in its requestID.
   */
  encode(message: OadrMessage): string;
}

/** Stands for the requestID in a distribution's text; a text that holds it elsewhere too is not kept. */
const REQUEST_ID_MARK = 'rxadr-request-id-mark';
/** A requestID the encoder writes as it is (nothing to escape). */
const PLAIN_ID = /^[\w.:-]*$/;

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);
/** The same values, or arrays of the same elements, or objects with the same field values (one level). */
const shallowSame = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};
/** Two distributions that encode to the same text but for the requestID (events compared by identity). */
const sameBesidesRequestID = (a: MessageOf<'oadrDistributeEvent'>, b: MessageOf<'oadrDistributeEvent'>): boolean => {
  const keys = Object.keys(a) as (keyof typeof a)[];
  return keys.length === Object.keys(b).length && keys.every((k) => k === 'requestID' || shallowSame(a[k], b[k]));
};

/**
 * Creates the memo. A fleet's idle polls are the same few hundred characters for each VEN, poll
 * after poll, and so is the oadrResponse 200 that answers them: both are kept, keyed by the text
 * (decoding is a pure function of it) and by every field of the response. Only those two kinds
 * are kept, so the memo holds at most `limit()` entries of each (the VTN passes a bound that
 * grows with the VENs it knows) and is emptied when it would hold more.
 *
 * An event distributed to a fleet is the same oadrDistributeEvent for every VEN but for its
 * requestID: with `distributions` on, the last one's text is kept in two pieces around the
 * requestID and the next one with the same events (the same objects), vtnID and eiResponse is
 * written by joining them, byte for byte what `encodeMessage` writes. Off for a VTN that signs
 * what it sends (signing reuses the canonical form the encoder notes for each text it writes).
 */
export function createVtnCodecMemo(limit: () => number, options: { readonly distributions?: boolean } = {}): VtnCodecMemo {
  const polls = new Map<string, DecodeResult>();
  const responses = new Map<string, string>();
  let template: { readonly message: MessageOf<'oadrDistributeEvent'>; readonly before: string; readonly after: string } | undefined;
  const distribution = (message: MessageOf<'oadrDistributeEvent'>): string => {
    if (!PLAIN_ID.test(message.requestID)) return encodeMessage(message);
    if (!template || !sameBesidesRequestID(template.message, message)) {
      const pieces = encodeMessage({ ...message, requestID: REQUEST_ID_MARK }).split(REQUEST_ID_MARK);
      template = pieces.length === 2 ? { message, before: pieces[0]!, after: pieces[1]! } : undefined;
      if (!template) return encodeMessage(message);
    }
    return template.before + message.requestID + template.after;
  };
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
      if (message.type === 'oadrDistributeEvent' && options.distributions) return distribution(message);
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
