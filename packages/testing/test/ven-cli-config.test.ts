import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventSnapshot } from '@rxadr/core';
import { VenConfigError, decideByPolicy, parseVenConfig, ruleMatches, simulatedReports, type DecisionPolicy } from '@rxadr/testing';
import { runCli } from '../src/cli/cli.js';
import { configIssues } from './config-issues.js';

const dir = mkdtempSync(join(tmpdir(), 'rxadr-ven-cli-'));
writeFileSync(join(dir, 'ven.crt'), 'CERT');
writeFileSync(join(dir, 'ven.key'), 'KEY');
const read = (path: string): string => readFileSync(path, 'utf8');
const parse = (json: unknown) => parseVenConfig(json, dir, read);
const issues = configIssues(parse);

function event(values: number[], extra: Partial<EventSnapshot> = {}): EventSnapshot {
  const at = new Date('2026-01-01T00:00:00Z');
  return {
    eventID: 'e1', modificationNumber: 0, marketContext: 'http://mc', priority: 0, status: 'far', vtnStatus: 'far', testEvent: false, cancelled: false,
    scheduledStart: at, start: at, end: undefined, nearFrom: undefined, randomOffsetMs: 0, resources: ['ven'], responseRequired: 'always', optType: undefined, at,
    signals: [{ signalName: 'SIMPLE', signalType: 'level', signalID: 's', itemBase: undefined, currentInterval: undefined, currentValue: undefined, resources: ['ven'],
      intervals: values.map((value, index) => ({ index, uid: String(index), start: at, end: undefined, value })) }],
    event: undefined as never,
    ...extra,
  };
}

describe('rxadr ven configuration', () => {
  it('accepts a minimal file with defaults: policy optIn, XML logged, no reports', () => {
    expect(parse({ vtnUrl: 'http://127.0.0.1:8080', venName: 'sim' })).toMatchObject({ policy: 'optIn', logXml: true, reports: [], signing: undefined, tls: undefined });
  });

  it('loads TLS and signing files relative to the config file and resolves the state file', () => {
    const config = parse({
      vtnUrl: 'https://vtn.example.com', venName: 'sim', stateFile: 'state.json',
      tls: { cert: 'ven.crt', key: 'ven.key' },
      signing: { cert: 'ven.crt', key: 'ven.key', vtnFingerprints: ['E6:0C:FE:2F:56:53:64:EA:EC:35'] },
    });
    expect(config.tls).toEqual({ cert: 'CERT', key: 'KEY' });
    expect(config.signing).toMatchObject({ certPem: 'CERT', keyPem: 'KEY', vtnFingerprints: ['E6:0C:FE:2F:56:53:64:EA:EC:35'] });
    expect(config.stateFile).toBe(join(dir, 'state.json'));
  });

  it('lists every problem with its path', () => {
    expect(issues({ vtnUrl: 'ftp://x', venname: 'typo', policy: { rules: [{ signalName: 'SIMPLE', decision: 'maybe' }] }, tls: { cert: 'missing.crt' }, pollJitter: 2 })).toEqual([
      '$.venname: unknown setting (known: vtnUrl, venName, venId, tls, signing, stateFile, policy, reports, marketContexts, resources, pollJitter, logXml)',
      '$.vtnUrl: expected an http:// or https:// URL, found "ftp://x"',
      expect.stringMatching(/^\$\.tls\.cert: cannot read .*missing\.crt/),
      '$.tls: give both cert and key, or neither',
      '$.venName: expected a non-empty string, found nothing',
      '$.policy.rules[0].decision: expected one of "optIn", "optOut", found "maybe"',
      '$.policy.default: expected one of "optIn", "optOut", found nothing',
      '$.pollJitter: must be a fraction in [0, 1)',
    ]);
  });

  it('refuses signing without a VTN to trust, and TLS over http', () => {
    expect(issues({ vtnUrl: 'http://h', venName: 'v', tls: {}, signing: { cert: 'ven.crt', key: 'ven.key' } })).toEqual([
      '$.tls: TLS settings need an https:// vtnUrl',
      '$.signing: name the VTN to trust with vtnFingerprints or vtnCa: signatures are verified whenever signing is on (fail closed)',
    ]);
  });

  it('checks reports: simulated ranges, kinds, and what the report builders refuse', () => {
    expect(issues({ vtnUrl: 'http://h', venName: 'v', reports: [{ kind: 'telemetryUsage', resourceId: 'm', reading: { simulated: { min: 5, max: 1 } } }, { kind: 'meter' }] })).toEqual([
      '$.reports[0].reading.simulated.max: must be ≥ min (5)',
      '$.reports[1].kind: expected one of "telemetryUsage", "telemetryStatus", found "meter"',
      '$.reports[1].resourceId: expected a non-empty string, found nothing',
    ]);
    const config = parse({ vtnUrl: 'http://h', venName: 'v', reports: [{ kind: 'telemetryUsage', resourceId: 'm', measurement: 'powerReal', unit: 'parsecs', reading: { constant: 1 } }] });
    expect(() => simulatedReports(config.reports)).toThrow(VenConfigError);
    expect(() => simulatedReports(config.reports)).toThrow(/\$\.reports\[0\]/);
  });
});

describe('decision policies', () => {
  const policy: DecisionPolicy = { rules: [{ testEvent: true, decision: 'optOut' }, { signalName: 'SIMPLE', minLevel: 2, decision: 'optIn' }], default: 'optOut' };

  it('takes the first matching rule, else the default', () => {
    expect(decideByPolicy(policy, event([1, 3]))).toBe('optIn');
    expect(decideByPolicy(policy, event([1, 1]))).toBe('optOut');
    expect(decideByPolicy(policy, event([3], { testEvent: true }))).toBe('optOut');
    expect(decideByPolicy('optIn', event([0]))).toBe('optIn');
  });

  it('matches signal names, levels and market contexts', () => {
    expect(ruleMatches({ signalName: 'ELECTRICITY_PRICE', decision: 'optIn' }, event([5]))).toBe(false);
    expect(ruleMatches({ maxLevel: 1, decision: 'optIn' }, event([0, 1]))).toBe(true);
    expect(ruleMatches({ marketContext: 'http://other', decision: 'optIn' }, event([1]))).toBe(false);
    expect(ruleMatches({ decision: 'optIn' }, event([]))).toBe(true);
  });
});

describe('rxadr ven command line', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), readFile: read } };
  };

  it('--check validates and summarises the configuration', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify({ vtnUrl: 'http://127.0.0.1:1', venName: 'sim', policy: 'optOut' }));
    const { out, io: cli } = io();
    expect(await runCli(['ven', '--config', file, '--check'], cli)).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({ kind: 'config', ok: true, vtnUrl: 'http://127.0.0.1:1', venName: 'sim', reports: 0, signing: false });
  });

  it('exits 1 with the issues for a bad file and 2 without --config', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ "vtnUrl": 1 }');
    const bad = io();
    expect(await runCli(['ven', '--config', file], bad.io)).toBe(1);
    expect(bad.err.join('')).toContain('$.vtnUrl: expected a non-empty string, found 1');
    const usage = io();
    expect(await runCli(['ven'], usage.io)).toBe(2);
    expect(usage.err.join('')).toContain('usage: rxadr ven --config FILE');
  });
});
