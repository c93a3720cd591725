import { describe, expect, it } from 'vitest';
import { createHttpMockVtn, parseVenConfig, startVenSimulator, type SimLogEntry } from '@rxadr/testing';
import { formatVenLine, summaryEntry } from '../src/cli/ven-cli.js';

describe('rxadr ven: problems', () => {
  it('logs a refused registration once, with the OpenADR code and text, and counts it in the summary', async () => {
    const vtn = await createHttpMockVtn({ pollFrequency: 'PT1S' });
    vtn.model.refuseRegistration = '452';
    const entries: SimLogEntry[] = [];
    let sawError: () => void = () => undefined;
    const errorSeen = new Promise<void>((resolve) => (sawError = resolve));
    const sim = startVenSimulator(parseVenConfig({ vtnUrl: vtn.url, venName: 'refused', logXml: false }, '.', () => ''), (entry) => {
      entries.push(entry);
      if (entry.kind === 'error') sawError();
    });
    try {
      await errorSeen;
    } finally {
      await sim.stop();
      await vtn.close();
    }
    const errors = entries.filter((e) => e.kind === 'error');
    expect(errors).toEqual([expect.objectContaining({ code: 'registration-rejected', responseCode: '452', message: 'the VTN refused the registration: 452 refused' })]);
    expect(entries.filter((e) => e.kind === 'log' && String(e['message']).includes('refused'))).toEqual([]); // not twice
    expect(formatVenLine(errors[0]!)).toMatch(/^\d\d:\d\d:\d\d error registration-rejected \[OpenADR 452\]: the VTN refused the registration: 452 refused$/);
    expect(summaryEntry(sim.summary())).toEqual({ kind: 'summary', eventsAnswered: 0, reports: null, errors: 1, status: 'stopped' });
  });
});
