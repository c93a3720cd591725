import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CodecEncodeError, Duration, encodeMessage, message } from '../src/index.js';
import { SIZES, distributeEvent, updateReport, vtnDistributeEvent } from '../../../bench/messages.mjs';
import { corpus } from './corpus.js';
import { extras } from './corpus-extras.js';

// The encoder's exact bytes, pinned by SHA-256: a faster encoder must write the same document
// character for character (signing digests these bytes below the root, see XmlWriter). The
// hashes were taken from the encoder before its fast paths were added.

const core = { Duration, message };
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('encoder bytes', () => {
  const pinned: Array<[string, () => ReturnType<typeof distributeEvent>, number, string]> = [
    ...SIZES.map(({ label, events, intervals }, i) => [
      `benchmark oadrDistributeEvent ${label}`,
      () => distributeEvent(core, events, intervals),
      [2796, 71242, 2412492][i]!,
      ['3e4f3b64ca26fe83e00b7c031009e274c70d50968b0f98ae9e3b1fa909a6cda7', 'd92dd33a4a1682f2e80affc21791d9b7c65a2bcecd287408e8b30943a62d5cd2', 'b695ca94fd3844ddf102f46b46572a9bef32cbaf567119b4d3fd677c2ca709ac'][i]!,
    ] as [string, () => ReturnType<typeof distributeEvent>, number, string]),
    ...SIZES.map(({ label, events, intervals }, i) => [
      `VTN-style oadrDistributeEvent ${label}`,
      () => vtnDistributeEvent(core, events, intervals),
      [3524, 77689, 2501658][i]!,
      ['5b4cff1b1e06d8c7e14def701bf1af8c034174ef36375918033368260e129f60', 'f2450955ca0b300e26c000ac66afa86f37b5c01f308801c14a017c810715cd11', 'b1a9b8c582d3def0d5f7df05a950170c2de3d77220b2de640ec1f2f3198e36eb'][i]!,
    ] as [string, () => ReturnType<typeof distributeEvent>, number, string]),
    ['8 MB oadrUpdateReport, 530 rIDs x 60 intervals', () => updateReport(core), 8046510, '45f42360fd237639972d2eb71f9853c8836cd35e777cda74c38e9229bb87ed6f'],
  ];
  for (const [name, build, length, hash] of pinned) {
    it(`${name}: ${length} characters, SHA-256 ${hash.slice(0, 12)}…`, () => {
      const xml = encodeMessage(build());
      expect(xml.length).toBe(length);
      expect(sha256(xml)).toBe(hash);
    });
  }

  it('every corpus message (all 23 payloads, their variants and the extras) encodes to the pinned bytes', () => {
    const all = Object.entries({ ...corpus, ...extras }).map(([name, m]) => `${name}\n${encodeMessage(m)}\n`);
    expect(all.length).toBeGreaterThan(50);
    expect(sha256(all.join(''))).toBe('2403280baa9935f77caaefc7197644dd009067818e25833280e6eabc7eb405b8');
  });

  it('an invalid value deep in a large message is reported with its full element path', () => {
    const report = updateReport(core, 3, 2) as { oadrReport: Array<{ intervals: Array<{ streamPayloadBase: Array<{ confidence: number }> }> }> };
    report.oadrReport[0]!.intervals[1]!.streamPayloadBase[2]!.confidence = 101;
    let error: unknown;
    try {
      encodeMessage(report as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CodecEncodeError);
    expect((error as CodecEncodeError).issues).toEqual([
      {
        path: 'oadrPayload/oadrSignedObject/message/oadrReport[0]/intervals/interval[1]/streamPayloadBase[2]/confidence',
        expected: 'integer 0-100',
        found: '101',
      },
    ]);
  });
});
