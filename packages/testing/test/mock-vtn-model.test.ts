import { firstValueFrom, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createVen, decodeMessage, encodeMessage, optIn, type OadrMessage, type OadrService } from '@rxadr/core';
import { createMockVtn, createSchemaValidator, createVirtualClock, schemaAvailable } from '@rxadr/testing';

/** The VTN side of every exchange (OPENADR.md §3–§6) driven by a real VEN, and every document the VTN sent checked against the XSD. */
describe('mock VTN model', () => {
  it('plays registration, events (several signals, targets, ramp-up, startafter, modify, cancel), opts, re-registration and cancellation, all schema-valid', async () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const vtn = createMockVtn({ scheduler: clock, pollFrequency: 'PT30S', vtnID: 'VTN-Upper-1' });
    const ven = createVen({ venName: 'model-ven', transport: vtn.transport(), scheduler: clock, random: () => 0.5, decide: (events$) => events$.pipe(map(optIn)) });
    ven.start();
    expect(ven.registration).toMatchObject({ vtnID: 'VTN-Upper-1', pollFrequencyMs: 30_000 });

    const eventID = vtn.model.createEvent({
      start: '2026-01-01T01:00:00Z',
      duration: 'PT1H',
      rampUp: 'PT15M',
      startafter: 'PT5M',
      priority: 1,
      targets: { resourceID: ['chiller-1'], groupID: ['feeder-12'] },
      signals: [
        { signalName: 'SIMPLE', signalType: 'level', intervals: [{ duration: 'PT30M', value: 1 }, { duration: 'PT30M', value: 2 }] },
        { signalName: 'ELECTRICITY_PRICE', signalType: 'price', itemBase: { type: 'currencyPerKWh', itemDescription: 'currencyPerKWh', itemUnits: 'USD', siScaleCode: 'none' }, intervals: [{ duration: 'PT1H', value: 0.42 }] },
      ],
    });
    const second = vtn.model.createEvent({ eventID: 'never-answered', start: '2026-01-01T02:00:00Z', responseRequired: 'never' });
    clock.advanceBy(30_000);
    // One answer per distribution, never for the `never` event (rule 62).
    expect(new Set(vtn.model.createdEvents.flatMap((c) => c.eiCreatedEvent.eventResponses ?? []).map((r) => r.qualifiedEventID.eventID))).toEqual(new Set([eventID]));
    const [distribution] = vtn.recorder.sent.filter((d) => d.xml.includes('oadrDistributeEvent')).slice(-1);
    const decoded = decodeMessage(distribution!.xml);
    expect(decoded.ok && decoded.message.type === 'oadrDistributeEvent' && decoded.message.oadrEvent?.map((e) => e.eiEvent.eiEventSignals.eiEventSignal.length)).toEqual([2, 1]);

    vtn.model.modifyEvent(eventID, { priority: 2 });
    clock.advanceBy(30_000);
    await expect(ven.createOpt({ optType: 'optOut', event: { eventID, modificationNumber: 1 }, targets: { resourceID: ['chiller-1'] } })).resolves.toBeDefined();
    expect(vtn.model.opts.size).toBe(1);
    vtn.model.cancelEvent(second);
    vtn.model.cancelEvent(eventID);
    clock.advanceBy(60_000);
    expect([...new Set(vtn.model.createdEvents.flatMap((c) => c.eiCreatedEvent.eventResponses ?? []).map((r) => `${r.qualifiedEventID.eventID}#${r.qualifiedEventID.modificationNumber}`))]).toEqual([`${eventID}#0`, `${eventID}#1`, `${eventID}#2`]);

    vtn.model.requestReregistration('VEN-1');
    clock.advanceBy(30_000);
    expect(vtn.recorder.messages('oadrCreatePartyRegistration').at(-1)).toMatchObject({ venID: 'VEN-1', registrationID: 'REG-2' });
    vtn.model.cancelRegistration('VEN-1');
    clock.advanceBy(30_000);
    expect(ven.status.state).toBe('cancelled');
    expect(vtn.model.vens.size).toBe(0);
    await ven.stop();
    expect(clock.pending).toBe(0);

    const send = (service: OadrService, m: OadrMessage) => firstValueFrom(vtn.transport().send({ service, body: encodeMessage(m) }));
    await send('EiOpt', { type: 'oadrQueryRegistration', requestID: 'wrong-service' });
    await send('OadrPoll', { type: 'oadrPoll', venID: 'VEN-1' });
    const answers = vtn.recorder.sent.map((d) => d.xml).filter((xml) => xml !== '');
    const types = new Set(answers.map((xml) => { const d = decodeMessage(xml); return d.ok ? d.message.type : 'bad'; }));
    expect([...types].sort()).toEqual(['oadrCreatedOpt', 'oadrCreatedPartyRegistration', 'oadrDistributeEvent', 'oadrRequestReregistration', 'oadrCancelPartyRegistration', 'oadrResponse'].sort());
    if (schemaAvailable()) await createSchemaValidator().assertValid(Object.fromEntries([...new Set(answers)].map((xml, i) => [`vtn#${i}`, xml])));
  });
});
