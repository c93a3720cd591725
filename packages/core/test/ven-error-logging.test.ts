import { describe, expect, it } from 'vitest';
import { createVen } from '@rxadr/core';
import { createMockVtn, createVirtualClock } from '@rxadr/testing';

describe('VEN errors reach the logger', () => {
  it('logs every error of errors$ once through logger.warn, with the code and the OpenADR response code', async () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const vtn = createMockVtn({ scheduler: clock });
    vtn.model.refuseRegistration = '452';
    const warnings: Array<{ message: string; data: Record<string, unknown> | undefined }> = [];
    const ven = createVen({
      venName: 'logged-ven',
      transport: vtn.transport(),
      scheduler: clock,
      random: () => 0.5,
      logger: { warn: (message, data) => void warnings.push({ message, data }) },
    });
    const errors: string[] = [];
    ven.errors$.subscribe((e) => errors.push(e.message));
    ven.start();
    clock.advanceBy(5_000); // the backoff's second attempt is refused too
    await ven.stop();
    expect(errors).toHaveLength(2);
    expect(warnings.map((w) => w.message)).toEqual(errors);
    expect(warnings[0]?.data).toEqual({ code: 'registration-rejected', responseCode: '452' });
    expect(warnings[0]?.message).toContain('452');
    expect(clock.pending).toBe(0);
  });
});
