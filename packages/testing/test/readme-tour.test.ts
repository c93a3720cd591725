// Runs the README's decision snippet as written, so the tour cannot drift into advice that opts out of everything.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { map } from 'rxjs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createVen, optIn, optOut, type Ven } from '@rxadr/core';
import { createMockVtn, createSchemaCheck, createVirtualClock } from '@rxadr/testing';

const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
const sent = createSchemaCheck();
afterAll(() => sent.assertAllValid());

/** The code block under a README heading. */
function snippet(heading: string): string {
  const section = readme.split(`### ${heading}`)[1];
  const code = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error(`README: no ts code block under "${heading}"`);
  return code;
}

describe('README tour', () => {
  it('"Decisions are an operator" opts in to a future event with a high interval and out of a low one', async () => {
    const code = snippet('Decisions are an operator');
    const clock = createVirtualClock('2026-07-01T12:00:00Z');
    const vtn = createMockVtn({ scheduler: clock });
    const ven: Ven = createVen({ venName: 'tour', transport: vtn.transport(), scheduler: clock });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      // The snippet's free names are exactly these: the VEN and the operators it imports.
      new Function('ven', 'map', 'optIn', 'optOut', code)(ven, map, optIn, optOut);
      ven.start();
      vtn.model.createEvent({ eventID: 'tomorrow-high', start: '2026-07-02T15:00:00Z', intervals: [{ duration: 'PT30M', value: 1 }, { duration: 'PT30M', value: 2 }], duration: 'PT1H' });
      vtn.model.createEvent({ eventID: 'tomorrow-low', start: '2026-07-02T15:00:00Z', intervals: [{ duration: 'PT1H', value: 1 }] });
      clock.advanceBy(20_000);
      const answers = vtn.recorder.messages('oadrCreatedEvent').flatMap((m) => m.eiCreatedEvent.eventResponses ?? []);
      expect(Object.fromEntries(answers.map((r) => [r.qualifiedEventID.eventID, r.optType]))).toEqual({ 'tomorrow-high': 'optIn', 'tomorrow-low': 'optOut' });
      expect(log).toHaveBeenCalledWith('tomorrow-high', 'far', undefined);
    } finally {
      log.mockRestore();
      await ven.stop();
      vtn.recorder.requests.forEach((r, i) => sent.add(`tour#${i}:${r.message?.type ?? '?'}`, r.xml));
    }
    expect(clock.pending).toBe(0);
  });
});
