import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Duration, decodeMessage, encodeMessage, isMessage, type DecodeErrorKind } from '../src/index.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const example = (name: string): string =>
  readFileSync(join(process.env['OADR_EXAMPLES_DIR'] ?? join(process.cwd(), '..', 'shared', 'oadr-examples'), name), 'utf8');

function decodeOk(xml: string) {
  const result = decodeMessage(xml);
  if (!result.ok) throw result.error;
  return result;
}

describe('decoding messages written the way other implementations write them', () => {
  it('reads a default namespace instead of prefixes', () => {
    const { message, signedObjectId } = decodeOk(fixture('oadrPoll.default-namespace.xml'));
    expect(message).toEqual({ type: 'oadrPoll', venID: 'ven-1' });
    expect(signedObjectId).toBeUndefined();
  });

  it('reads any prefixes, without an XML declaration', () => {
    const { message, signedObjectId } = decodeOk(fixture('oadrPoll.other-prefixes.xml'));
    expect(message).toEqual({ type: 'oadrPoll', venID: 'ven-1' });
    expect(signedObjectId).toBe('x1');
  });

  it('ignores comments and processing instructions, reads CDATA, trims token whitespace', () => {
    const { message } = decodeOk(fixture('oadrResponse.comments-cdata.xml'));
    expect(message).toEqual({
      type: 'oadrResponse',
      eiResponse: { responseCode: '200', responseDescription: 'OK <fine> & dandy', requestID: '' },
      venID: 'ven-1',
    });
  });

  it('reads numeric offsets, zone-less times (as UTC), weeks, fractional seconds and INF', () => {
    const { message } = decodeOk(fixture('oadrDistributeEvent.local-times.xml'));
    if (!isMessage(message, 'oadrDistributeEvent')) throw new Error('wrong type');
    const event = message.oadrEvent![0]!.eiEvent;
    expect(event.eventDescriptor.createdDateTime.toISOString()).toBe('2024-07-16T10:00:00.000Z');
    expect(event.eiActivePeriod.properties.dtstart.toISOString()).toBe('2024-07-16T14:00:00.123Z');
    expect(event.eiActivePeriod.properties.duration.text).toBe('P7D');
    expect(event.eiActivePeriod.properties.duration.toMillis()).toBe(7 * 86_400_000);
    const interval = event.eiEventSignals.eiEventSignal[0]!.intervals[0]!;
    expect(interval.duration!.toMillis()).toBe(1500);
    expect(interval.streamPayloadBase[0]).toEqual({ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: -Infinity } });
    // written back in the only forms the schema accepts
    const xml = encodeMessage(message);
    expect(xml).toContain('<ei:createdDateTime>2024-07-16T10:00:00Z</ei:createdDateTime>');
    expect(xml).toContain('<xcal:date-time>2024-07-16T14:00:00.123Z</xcal:date-time>');
    expect(xml).toContain('<xcal:duration>P7D</xcal:duration>');
    expect(xml).toContain('<xcal:duration>PT2S</xcal:duration>');
    expect(xml).toContain('<ei:value>-INF</ei:value>');
  });

  it.each(['oadrDistributeEvent.xml', 'oadrCreateReport.xml', 'oadrUpdateReport.xml'])('decodes the shared example %s and re-encodes it to the same message', (name) => {
    const { message } = decodeOk(example(name));
    expect(decodeOk(encodeMessage(message)).message).toEqual(message);
  });

  it('decodes the examples to the documented values', () => {
    const distribute = decodeOk(example('oadrDistributeEvent.xml')).message;
    if (!isMessage(distribute, 'oadrDistributeEvent')) throw new Error('wrong type');
    expect(distribute.requestID).toBe('dist-9c1e77');
    expect(distribute.oadrEvent?.map((e) => [e.eiEvent.eventDescriptor.eventID, e.oadrResponseRequired])).toEqual([
      ['evt-20240716-peak', 'always'],
      ['evt-20240715-dispatch', 'never'],
    ]);
    const report = decodeOk(example('oadrCreateReport.xml')).message;
    if (!isMessage(report, 'oadrCreateReport')) throw new Error('wrong type');
    expect(report.oadrReportRequest.map((r) => r.reportRequestID)).toEqual(['rr-usage-001', 'rr-status-001']);
    expect(report.oadrReportRequest[0]!.reportSpecifier.granularity.equals(Duration.parse('PT1M')!)).toBe(true);
  });
});

interface BrokenCase {
  readonly file: string;
  readonly kind: DecodeErrorKind;
  readonly path?: string;
  readonly expected?: RegExp;
  readonly found?: RegExp;
  readonly limits?: { maxBytes?: number; maxDepth?: number };
}

const broken: BrokenCase[] = [
  { file: 'broken.not-xml.xml', kind: 'not-xml' },
  { file: 'broken.truncated.xml', kind: 'not-xml' },
  { file: 'broken.wrong-root.xml', kind: 'wrong-root', found: /oadrPoll/ },
  { file: 'broken.wrong-namespace.xml', kind: 'wrong-root', found: /2\.0a/ },
  { file: 'broken.unknown-payload.xml', kind: 'unknown-payload', found: /oadrFrobnicate/ },
  { file: 'broken.two-payloads.xml', kind: 'invalid', path: 'oadrPayload/oadrSignedObject', expected: /end of element/, found: /oadrPoll/ },
  { file: 'broken.missing-required.xml', kind: 'invalid', path: 'oadrPayload/oadrSignedObject/oadrCreatedOpt', expected: /<optID>/, found: /end of element/ },
  { file: 'broken.wrong-enum.xml', kind: 'invalid', path: 'oadrPayload/oadrSignedObject/oadrCreatedEvent/eiCreatedEvent/eventResponses/eventResponse[0]/optType', expected: /optIn\|optOut/, found: /maybe/ },
  { file: 'broken.non-numeric.xml', kind: 'invalid', path: 'oadrPayload/oadrSignedObject/oadrRequestEvent/eiRequestEvent/replyLimit', expected: /unsignedInt/, found: /ten/ },
  { file: 'broken.bad-response-code.xml', kind: 'invalid', path: 'oadrPayload/oadrSignedObject/oadrResponse/eiResponse/responseCode', expected: /three-digit/, found: /"20"/ },
  { file: 'broken.bad-date-time.xml', kind: 'invalid', path: 'oadrPayload/oadrSignedObject/oadrCreateOpt/createdDateTime', expected: /date-time/, found: /2024-13-45/ },
  { file: 'broken.bad-duration.xml', kind: 'invalid', path: 'oadrPayload/oadrSignedObject/oadrCreatedPartyRegistration/oadrRequestedOadrPollFreq/duration', expected: /duration/, found: /every ten seconds/ },
  { file: 'broken.wrong-child-namespace.xml', kind: 'invalid', path: 'oadrPayload/oadrSignedObject/oadrPoll', expected: /<venID>/, found: /urn:other/ },
  { file: 'broken.doctype-xxe.xml', kind: 'doctype' },
  { file: 'broken.entity-bomb.xml', kind: 'doctype' },
  { file: 'broken.undeclared-entity.xml', kind: 'not-xml', found: /entity/i },
  { file: 'broken.over-size.xml', kind: 'too-large', limits: { maxBytes: 100_000 } },
  { file: 'broken.over-deep.xml', kind: 'too-deep' },
];

describe('broken and hostile input is refused with a typed error', () => {
  it.each(broken)('$file → $kind', ({ file, kind, path, expected, found, limits }) => {
    const result = decodeMessage(fixture(file), limits);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.name).toBe('DecodeError');
    expect(result.error.kind).toBe(kind);
    expect(result.error.issues.length).toBeGreaterThan(0);
    const issue = path ? result.error.issues.find((i) => i.path === path) : result.error.issues[0];
    expect(issue, JSON.stringify(result.error.issues)).toBeDefined();
    if (expected) expect(issue!.expected).toMatch(expected);
    if (found) expect(issue!.found).toMatch(found);
  });

  it('lists every problem, not just the first', () => {
    const xml = encodeMessage({ type: 'oadrCancelReport', requestID: 'r', reportRequestID: ['a'], reportToFollow: true, venID: 'v' })
      .replace('<pyld:reportToFollow>true</pyld:reportToFollow>', '<pyld:reportToFollow>perhaps</pyld:reportToFollow>')
      .replace('<pyld:requestID>r</pyld:requestID>', '<pyld:requestID><b>r</b></pyld:requestID>');
    const result = decodeMessage(xml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues.map((i) => i.path)).toEqual([
      'oadrPayload/oadrSignedObject/oadrCancelReport/requestID',
      'oadrPayload/oadrSignedObject/oadrCancelReport/reportToFollow',
    ]);
  });

  it('accepts the over-size document under the default limit and the over-deep one under a raised limit', () => {
    expect(decodeMessage(fixture('broken.over-size.xml')).ok).toBe(true);
    const deep = decodeMessage(fixture('broken.over-deep.xml'), { maxDepth: 1000 });
    expect(deep.ok ? 'ok' : deep.error.kind).toBe('invalid');
  });
});
