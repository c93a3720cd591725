import { describe, expect, it } from 'vitest';
import { createSchemaValidator, schemaAvailable } from '@rxadr/testing';
import { MESSAGE_TYPES, decodeMessage, encodeMessage, messageFromJson, messageToJson } from '../src/index.js';
import { corpus } from './corpus.js';

const requireSchema = process.env['CI'] === 'true' || schemaAvailable();

describe('message corpus', () => {
  it('covers all 23 payloads with several variants', () => {
    const types = new Set(Object.values(corpus).map((m) => m.type));
    expect([...types].sort()).toEqual([...MESSAGE_TYPES].sort());
    expect(MESSAGE_TYPES).toHaveLength(23);
    expect(Object.keys(corpus).length).toBeGreaterThanOrEqual(50);
  });
});

describe('encode → decode round trip', () => {
  for (const [name, message] of Object.entries(corpus)) {
    it(`${name} decodes to the message it was encoded from`, () => {
      const xml = encodeMessage(message);
      const result = decodeMessage(xml);
      if (!result.ok) throw result.error;
      expect(result.message).toEqual(message);
      expect(result.signedObjectId).toBe('oadrSignedObject');
    });
    it(`${name} survives the JSON form`, () => {
      const json = JSON.parse(JSON.stringify(messageToJson(message)));
      expect(messageFromJson(json)).toEqual(message);
    });
  }
});

describe.runIf(requireSchema)('every encoded message is valid against oadr_20b.xsd', () => {
  it('validates the whole corpus with a real XSD validator', async () => {
    const validator = createSchemaValidator();
    const documents = Object.fromEntries(Object.entries(corpus).map(([name, m]) => [name, encodeMessage(m)]));
    const results = await validator.validate(documents);
    expect(results.filter((r) => !r.valid)).toEqual([]);
    expect(results).toHaveLength(Object.keys(corpus).length);
  });
  it('the validator rejects a schema-invalid document (it can fail)', async () => {
    const validator = createSchemaValidator();
    const xml = encodeMessage(corpus['oadrPoll.minimal']!).replace('ei:schemaVersion', 'schemaVersion');
    const [result] = await validator.validate({ bad: xml });
    expect(result?.valid).toBe(false);
  });
});
