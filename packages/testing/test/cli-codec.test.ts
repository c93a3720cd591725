import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMessage } from '@rxadr/core';
import { runCli } from '../src/cli/cli.js';
import type { CliIo } from '../src/cli/cli-io.js';

const examples = join(process.cwd(), '..', 'shared', 'oadr-examples');

function io(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readFile: (p) => {
      const f = files[p];
      if (f === undefined) throw new Error(`ENOENT: ${p}`);
      return f;
    },
  };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

describe('rxadr decode / encode', () => {
  it.each(['oadrDistributeEvent.xml', 'oadrCreateReport.xml', 'oadrUpdateReport.xml'])('encode(decode(%s)) decodes to the same message', async (name) => {
    const xml = readFileSync(join(examples, name), 'utf8');
    const a = io({ 'in.xml': xml });
    expect(await runCli(['decode', 'in.xml'], a.cli)).toBe(0);
    const json = JSON.parse(a.out());
    expect(typeof json.type).toBe('string');
    const b = io({ 'in.json': a.out() });
    expect(await runCli(['encode', 'in.json'], b.cli)).toBe(0);
    const original = decodeMessage(xml);
    const again = decodeMessage(b.out());
    expect(original.ok && again.ok).toBe(true);
    if (original.ok && again.ok) expect(again.message).toEqual(original.message);
  });

  it('prints dates and durations as ISO strings', async () => {
    const a = io({ x: readFileSync(join(examples, 'oadrCreateReport.xml'), 'utf8') });
    await runCli(['decode', 'x'], a.cli);
    const json = JSON.parse(a.out());
    expect(json.oadrReportRequest[0].reportSpecifier.granularity).toBe('PT1M');
    expect(json.oadrReportRequest[0].reportSpecifier.reportInterval.dtstart).toBe('2024-07-16T12:00:00Z');
  });

  it('exits 1 with path, expected and found on stderr for invalid XML', async () => {
    const a = io({ bad: '<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"><oadr:oadrSignedObject><oadr:oadrPoll/></oadr:oadrSignedObject></oadr:oadrPayload>' });
    expect(await runCli(['decode', 'bad'], a.cli)).toBe(1);
    expect(a.err()).toContain('at oadrPayload/oadrSignedObject/oadrPoll: expected element <venID>, found end of element');
    expect(a.out()).toBe('');
  });

  it('exits 1 with the issues for invalid JSON messages', async () => {
    const a = io({ j: JSON.stringify({ type: 'oadrCreatedOpt', eiResponse: { responseCode: '2000', requestID: '' } }) });
    expect(await runCli(['encode', 'j'], a.cli)).toBe(1);
    expect(a.err()).toMatch(/eiResponse\/responseCode: expected three-digit response code/);
    expect(a.err()).toMatch(/optID: expected a value, found nothing/);
    const b = io({ j: '{not json' });
    expect(await runCli(['encode', 'j'], b.cli)).toBe(1);
  });

  it('runs as the built bin, reading standard input', () => {
    const bin = join(process.cwd(), 'packages', 'testing', 'dist', 'cli', 'cli.js');
    const xml = readFileSync(join(examples, 'oadrCreateReport.xml'), 'utf8');
    const json = execFileSync(process.execPath, [bin, 'decode', '-'], { input: xml, encoding: 'utf8' });
    expect(JSON.parse(json).type).toBe('oadrCreateReport');
    const bad = spawnSync(process.execPath, [bin, 'decode', '-'], { input: 'nope', encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('not-xml');
  });
});
