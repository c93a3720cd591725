import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createSchemaCheck } from '@rxadr/testing';
import { Duration, decodeMessage, message } from '../src/index.js';
import { SIZES, vtnDistributeEvent } from '../../../bench/messages.mjs';

// The decode and verify fixtures kept in bench/fixtures/ (written by `node bench/fixtures.mjs
// --write`): each is valid against the XSD, is written as a VTN writes documents (indented,
// namespaces declared below the root), and decodes to the message it was generated from.

const core = { Duration, message };
const FILES = ['distribute-event-1x3.xml', 'distribute-event-10x24.xml', 'distribute-event-100x96.xml'];
const schema = createSchemaCheck();
afterAll(() => schema.assertAllValid(), 120_000);

describe('stored benchmark fixtures', () => {
  SIZES.forEach(({ label, events, intervals }, i) => {
    const file = FILES[i]!;
    it(`${file} (${label}) decodes to its message and goes to the XSD check`, () => {
      const xml = readFileSync(new URL(`../../../bench/fixtures/${file}`, import.meta.url), 'utf8');
      const root = /^<\?xml[^>]*>\n(<[^>]*>)/.exec(xml)?.[1];
      expect(root).toBe('<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07">');
      expect(xml).toContain('\n\t\t\t<oadr:oadrEvent xmlns:emix=');
      expect(xml.match(/<ei:interval>/g)).toHaveLength(events * intervals);
      const decoded = decodeMessage(xml);
      if (!decoded.ok) throw decoded.error;
      expect(decoded.message).toEqual(vtnDistributeEvent(core, events, intervals));
      schema.add(`bench/fixtures/${file}`, xml);
    });
  });
});
