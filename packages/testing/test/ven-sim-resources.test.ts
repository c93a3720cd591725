import { describe, expect, it, vi } from 'vitest';
import { createHttpMockVtn, parseVenConfig, startVenSimulator, type SimLogEntry } from '@rxadr/testing';
import { formatVenLine } from '../src/cli/ven-cli.js';
import { configIssues } from './config-issues.js';

const base = { vtnUrl: 'http://127.0.0.1:1', venName: 'site' };
const parse = (resources: unknown) => parseVenConfig({ ...base, resources }, '.', () => '');
const issues = configIssues(parse);

describe('rxadr ven configuration: resources (§4.4)', () => {
  it('takes names, and names with the target kinds and market contexts that name each resource', () => {
    expect(parse(['meter-1', { resourceID: 'battery-1', targets: { groupID: ['north'], endDeviceAsset: ['Storage'] }, marketContexts: ['http://mc/dr'] }]).resources).toEqual([
      { resourceID: 'meter-1' },
      { resourceID: 'battery-1', targets: { groupID: ['north'], endDeviceAsset: ['Storage'] }, marketContexts: ['http://mc/dr'] },
    ]);
  });

  it('names every problem with its path: a missing ID, an unknown target kind, a duplicate', () => {
    expect(issues([{ targets: { groupID: ['a'] } }, { resourceID: 'b', targets: { group: ['x'] } }, 'b', 7])).toEqual([
      '$.resources[0].resourceID: expected a non-empty string, found nothing',
      expect.stringMatching(/^\$\.resources\[1\]\.targets\.group: unknown setting \(known: groupID, groupName, partyID/),
      expect.stringMatching(/^\$\.resources\[3\]: expected an object, found 7/),
      '$.resources[2]: resourceID "b" is listed twice',
    ]);
  });
});

describe('rxadr ven: the value in force per resource', () => {
  it('logs a control line per resource: the one in the targeted group goes active, the other stays normal', async () => {
    const vtn = await createHttpMockVtn({ pollFrequency: 'PT1S' });
    const start = new Date(Date.now() - 60_000).toISOString();
    vtn.model.createEvent({ eventID: 'north-shed', start, targets: { groupID: ['north'] }, intervals: [{ duration: 'PT1H', value: 2 }] });
    const entries: SimLogEntry[] = [];
    const config = parseVenConfig({ vtnUrl: vtn.url, venName: 'two-resources', logXml: false, resources: ['meter-1', { resourceID: 'battery-1', targets: { groupID: ['north'] } }] }, '.', () => '');
    const sim = startVenSimulator(config, (entry) => entries.push(entry));
    try {
      await vi.waitFor(() => expect(entries.some((e) => e.kind === 'control' && e['phase'] === 'active')).toBe(true), { timeout: 15_000, interval: 20 });
    } finally {
      await sim.stop();
      await vtn.close();
    }
    const control = entries.filter((e) => e.kind === 'control');
    const last = (id: string) => control.filter((e) => e['resourceID'] === id).at(-1);
    expect(last('battery-1')).toMatchObject({ signalName: 'SIMPLE', phase: 'active', value: 2, eventID: 'north-shed' });
    expect(control.filter((e) => e['resourceID'] === 'meter-1' && e['phase'] !== 'normal')).toEqual([]);
    expect(vtn.recorder.messages('oadrCreatedEvent').flatMap((m) => m.eiCreatedEvent.eventResponses ?? []).map((r) => [r.qualifiedEventID.eventID, r.responseCode, r.optType])).toEqual([['north-shed', '200', 'optIn']]);
    expect(formatVenLine(last('battery-1')!)).toMatch(/ control resourceID=battery-1 signalName=SIMPLE phase=active value=2 eventID=north-shed until=/);
  });
});
