import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/cli.js';
import type { CliIo } from '../src/cli/cli-io.js';

// Spawns the BUILT command line (`pnpm test` builds first), as a user's shell runs it.
const BIN = fileURLToPath(new URL('../dist/cli/cli.js', import.meta.url));
const FINGERPRINT_BIN = fileURLToPath(new URL('../dist/cli/fingerprint-cli.js', import.meta.url));
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const COMMANDS = ['decode', 'encode', 'sign', 'verify', 'fingerprint', 'ven', 'mock-vtn'];

/** The same command line in-process (the spawned cases above prove it is the bin's behaviour). */
async function inProcess(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readFile: (path) => {
      throw new Error(`ENOENT: ${path}`);
    },
  };
  const status = await runCli(args, io);
  return { status, stdout, stderr };
}

function rxadr(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input: '', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('rxadr --help, help and usage errors (built bin)', () => {
  it.each(COMMANDS)('rxadr %s --help (spawned) and -h print usage, options and an example, exit 0', async (command) => {
    expect(rxadr(command, '--help')).toEqual(await inProcess(command, '--help'));
    for (const flag of ['--help', '-h']) {
      const run = await inProcess(command, flag);
      expect(run.status, `${command} ${flag}`).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`usage: rxadr ${command} `);
      expect(run.stdout).toContain('options:\n');
      expect(run.stdout).toContain('-h, --help');
      expect(run.stdout).toMatch(new RegExp(`examples?:\\n  rxadr ${command}`));
    }
    expect(await inProcess('help', command)).toEqual(await inProcess(command, '--help'));
  });

  it('rxadr decode --no-such-option (spawned) is a one-line error plus the usage, exit 2', () => {
    const run = rxadr('decode', '--no-such-option');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').slice(0, 2)).toEqual(['rxadr decode: unknown option --no-such-option', 'usage: rxadr decode [file|-]']);
  });

  it.each(COMMANDS)('rxadr %s --no-such-option is a one-line error plus the usage, exit 2', async (command) => {
    const run = await inProcess(command, '--no-such-option');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const [first, second] = run.stderr.split('\n');
    expect(first).toBe(`rxadr ${command}: unknown option --no-such-option`);
    expect(second).toMatch(new RegExp(`^usage: rxadr ${command} `));
  });

  it.each([
    [['sign'], 'rxadr sign: missing <file>'],
    [['sign', 'poll.xml', '--cert'], 'rxadr sign: --cert needs a value'],
    [['verify'], 'rxadr verify: missing <file>'],
    [['fingerprint'], 'rxadr fingerprint: missing <cert.pem>'],
    [['ven'], 'rxadr ven: missing --config FILE'],
    [['ven', '--config', 'ven.json', '--duration', 'soon'], "rxadr ven: --duration 'soon' is not a positive number"],
    [['mock-vtn', '--port'], 'rxadr mock-vtn: --port needs a value'],
    [['mock-vtn', '--port', '70000'], 'rxadr mock-vtn: --port must be 0–65535'],
    [['mock-vtn', 'extra'], 'rxadr mock-vtn: unexpected argument extra'],
    [['decode', 'a.xml', 'b.xml'], 'rxadr decode: unexpected argument b.xml'],
    [['mock-vtn', '--vtn-id', 'A', '--vtn-id', 'B'], 'rxadr mock-vtn: --vtn-id given more than once'],
  ])('rxadr %j: exit 2 with "%s" and the usage', async (args, message) => {
    const run = await inProcess(...args);
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(run.stderr).toContain(`usage: rxadr ${args[0] ?? ''}`);
  });

  it('mock-vtn documents --vtn-id', async () => {
    expect((await inProcess('mock-vtn', '--help')).stdout).toMatch(/--vtn-id ID +the vtnID/);
  });

  it('rxadr --version prints the package version; rxadr help and --help list every command, exit 0', async () => {
    expect(rxadr('--version')).toEqual({ status: 0, stdout: `rxadr ${VERSION}\n`, stderr: '' });
    for (const run of [rxadr('help'), await inProcess('--help')]) {
      expect(run.status).toBe(0);
      for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`\\n  ${command} +\\S`));
    }
  });

  it('no command, an unknown command and help for an unknown command exit 2 with the command list', async () => {
    for (const [args, first] of [[[], 'usage: rxadr <command> [options]'], [['frobnicate'], 'rxadr: unknown command frobnicate'], [['help', 'frobnicate'], 'rxadr help: unknown command frobnicate']] as const) {
      const run = await inProcess(...args);
      expect(run.status).toBe(2);
      expect(run.stderr.split('\n')[0]).toBe(first);
      expect(run.stderr).toContain('  mock-vtn ');
    }
  });

  it('the rxadr-fingerprint bin answers --help and usage errors the same way', () => {
    const help = spawnSync(process.execPath, [FINGERPRINT_BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: rxadr-fingerprint <cert.pem>...');
    const bad = spawnSync(process.execPath, [FINGERPRINT_BIN, '--pem'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('rxadr-fingerprint: unknown option --pem');
  });
});
