import { describe, expect, it } from 'vitest';
import { createReports, createVen, telemetryUsage, type MessageOf } from '../src/index.js';
import { MIN, reportVenHooks, startVen, stopVen, type Running } from './report-helpers.js';

reportVenHooks();

const POLL = 10_000;
/** The METADATA offers the VTN took (attempts it failed are recorded with their fault). */
const offersTaken = (r: Running, from = 0) =>
  r.vtn.recorder.requests.slice(from).flatMap((q) => (!q.fault && q.message?.type === 'oadrRegisterReport' && q.message.reportRequestID === undefined ? [q.message] : []));

/** A VEN whose METADATA the VTN fails with HTTP 503 for a minute: stopped while the offer is still owed, and down for two minutes. */
async function stoppedOwingMetadata(name: string): Promise<{ first: Running; owed: MessageOf<'oadrRegisterReport'>; mark: number }> {
  const first = startVen(name, { before: (_side, vtn) => vtn.faults.inject({ kind: 'http-status', status: 503 }, { service: 'EiReport', type: 'oadrRegisterReport', forMs: MIN }) });
  first.run(20_000);
  const attempts = first.vtn.recorder.messages('oadrRegisterReport');
  expect(attempts.length).toBeGreaterThanOrEqual(2);
  expect(offersTaken(first)).toEqual([]);
  expect(first.ven.ledger.pending().map((r) => r.kind)).toEqual(['register-report']);
  await stopVen(first);
  first.vtn.faults.clear();
  // Down past the offer's next attempt: it is due at once on the restart.
  first.run(2 * MIN);
  return { first, owed: attempts[0]!, mark: first.vtn.recorder.requests.length };
}

describe('a METADATA offer owed at a restart (§5.3 step 1)', () => {
  // Regression: the restored offer went out before the resume's oadrQueryRegistration, and the resume then offered METADATA a second time.
  it('is sent again as it was (same requestID) and is the only offer of the new start', async () => {
    const { first, owed, mark } = await stoppedOwingMetadata('owed-metadata');
    const second = startVen('owed-metadata-2', { reuse: first });
    second.run(2 * POLL);
    expect(second.vtn.recorder.messages('oadrCreatePartyRegistration')).toHaveLength(1); // resumed, not registered again
    expect(offersTaken(second, mark)).toEqual([owed]);
    expect(second.ven.ledger.pending()).toEqual([]);
    // A re-registration later still offers METADATA again.
    second.vtn.model.requestReregistration(second.venID);
    second.run(POLL);
    expect(offersTaken(second, mark)).toHaveLength(2);
  });

  it('is replaced by a fresh offer when the offered reports changed across the restart: still one offer', async () => {
    const { first, mark } = await stoppedOwingMetadata('changed-metadata');
    const reports = createReports({ random: () => 0.5, reports: [telemetryUsage({ resourceId: 'meter-9', measurement: 'powerReal', unit: 'W', readings$: first.site.power$, samplingRate: { min: 'PT1S', max: 'PT1H' } })] });
    const ven = createVen({ venName: 'site-1', transport: first.vtn.transport(), scheduler: first.clock, reports, store: first.store, random: () => 0.5 });
    ven.start();
    first.clock.advanceBy(2 * POLL);
    const offers = offersTaken(first, mark);
    expect(offers.map((o) => o.oadrReport?.map((rep) => rep.oadrReportDescription?.map((d) => d.rID)))).toEqual([[['meter-9/powerReal']]]);
    expect(ven.ledger.pending()).toEqual([]);
    await ven.stop();
    expect(first.clock.pending).toBe(0);
  });
});
