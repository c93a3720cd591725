import type { RequestRecord } from '../src/engine.js';

/** A periodic request (PT1M sampled, PT5M reported, open-ended) received and starting at `startMs`, with `fields` over it. */
export function requestRecord(startMs: number, fields: Partial<RequestRecord>): RequestRecord {
  return {
    reportRequestID: 'r',
    reportSpecifierID: 's',
    rIDs: ['a'],
    shape: 'periodic',
    metadata: false,
    granularityMs: 60_000,
    reportBackMs: 5 * 60_000,
    startMs,
    endMs: null,
    cursorMs: fields.startMs ?? startMs,
    receivedMs: startMs,
    toFollow: false,
    ...fields,
  };
}
