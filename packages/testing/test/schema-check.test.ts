import { describe, expect, it } from 'vitest';
import { encodeMessage, message } from '@rxadr/core';
import { createSchemaCheck, schemaAvailable } from '../src/schema/schema-validator.js';

describe.runIf(process.env['CI'] === 'true' || schemaAvailable())('createSchemaCheck', () => {
  it('validates each distinct document once and fails on an invalid one, naming it', async () => {
    const check = createSchemaCheck();
    const poll = encodeMessage(message('oadrPoll', { venID: 'v' }));
    check.add('poll', poll);
    check.add('poll again', poll);
    expect(check.size).toBe(1);
    await expect(check.assertAllValid()).resolves.toBeUndefined();
    check.add('broken poll', poll.replace('ei:schemaVersion', 'schemaVersion'));
    await expect(check.assertAllValid()).rejects.toThrow(/broken poll/);
  });

  it('fails under CI when the schema folder is missing', async () => {
    const check = createSchemaCheck('/nonexistent-schema-folder');
    const ci = process.env['CI'];
    process.env['CI'] = 'true';
    try {
      await expect(check.assertAllValid()).rejects.toThrow(/OpenADR schema missing/);
    } finally {
      if (ci === undefined) delete process.env['CI'];
      else process.env['CI'] = ci;
    }
  });
});
