import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, vi } from 'vitest';
import { createSchemaCheck, type HttpMockVtn } from '@rxadr/testing';

/** A VEN in a child process: what it printed (one JSON object a line), its stdin, and kill -9. */
export interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  readonly lines: Record<string, unknown>[];
  send(command: Record<string, unknown>): void;
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Registers a cleanup for the end of the current test (the test context's `onTestFinished`, so concurrent tests clean up their own). */
export type OnTestFinished = (cleanup: () => void | Promise<void>) => void;

/** The children and VTNs of one test: killed and closed when it finishes. */
export interface Kill9Test {
  /** Starts `node <script> <args…>` with the testing package as working folder. */
  runChild(script: string, args: readonly string[]): Child;
  /** Closes the VTN when the test finishes (its requests are collected first). */
  track(vtn: HttpMockVtn): HttpMockVtn;
}

/**
 * What the kill -9 tests share: a temp folder for state files, child VEN processes (the built
 * packages) killed when their test finishes, mock VTNs closed when their test finishes, and every
 * request a VTN received collected for one XSD check at the end of the file.
 */
export interface Kill9Harness {
  readonly dir: string;
  /** The scope of one test. */
  test(onTestFinished: OnTestFinished): Kill9Test;
  /** Adds every request the VTN received so far to the schema check (call before `recorder.clear()`). */
  collect(vtn: HttpMockVtn): void;
  /** Polls `condition` every 20 ms; a guard of 20 s, naming what it waited for and what the child said last. */
  waitFor(what: string, condition: () => boolean, child?: Child): Promise<void>;
  /** The ledger journal beside a state file (`<statePath>.ledger`), or '' before the first record. */
  journal(statePath: string): string;
  /** For `afterAll`: removes the folder, then every collected request must be XSD-valid (more than `minimum` of them). */
  afterAll(minimum: number): Promise<void>;
}

function runChild(script: string, args: readonly string[]): Child {
  const child = spawn(process.execPath, [script, ...args], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const part of parts) if (part.trim() !== '') lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL') lines.push({ crashed: code, stderr });
  });
  return {
    process: child,
    lines,
    send: (command) => child.stdin.write(`${JSON.stringify(command)}\n`),
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

export function createKill9Harness(label: string): Kill9Harness {
  const dir = mkdtempSync(join(tmpdir(), `rxadr-${label}-`));
  const schema = createSchemaCheck();
  let collected = 0;
  const collect = (vtn: HttpMockVtn): void => vtn.recorder.requests.forEach((r) => schema.add(`${label}#${collected++}:${r.message?.type ?? '?'}`, r.xml));

  return {
    dir,
    test(onTestFinished) {
      const children: Child[] = [];
      const vtns: HttpMockVtn[] = [];
      onTestFinished(async () => {
        await Promise.all(children.map((child) => child.kill()));
        for (const vtn of vtns) {
          collect(vtn);
          await vtn.close();
        }
      });
      return {
        runChild(script, args) {
          const child = runChild(script, args);
          children.push(child);
          return child;
        },
        track(vtn) {
          vtns.push(vtn);
          return vtn;
        },
      };
    },
    collect,
    waitFor: (what, condition, child) =>
      vi.waitFor(
        () => {
          if (!condition()) throw new Error(`still waiting for ${what}${child ? `; child said ${JSON.stringify(child.lines.slice(-5))}` : ''}`);
        },
        { timeout: 20_000, interval: 20 },
      ),
    journal: (statePath) => (existsSync(`${statePath}.ledger`) ? readFileSync(`${statePath}.ledger`, 'utf8') : ''),
    async afterAll(minimum) {
      rmSync(dir, { recursive: true, force: true });
      expect(schema.size).toBeGreaterThan(minimum);
      await schema.assertAllValid();
    },
  };
}
