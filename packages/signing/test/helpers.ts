import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa } from '../../testing/src/pki/pki.js';
import type { KeyType, TestCa, TestIdentity } from '../../testing/src/pki/pki.js';

/** Reads `test/fixtures/<name>`. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** A fixed signing instant, far from the real clock, so no test depends on the system time. */
export const SIGNED_AT = new Date('2031-05-04T12:00:00.000Z');
export const at = (offsetMs: number): Date => new Date(SIGNED_AT.getTime() + offsetMs);

export interface TestPki {
  readonly ca: Record<KeyType, TestCa>;
  readonly vtn: Record<KeyType, TestIdentity>;
  /** Issued by an unrelated CA. */
  readonly stranger: TestIdentity;
  readonly strangerCa: TestCa;
  /** Valid only until 2030, so expired at {@link SIGNED_AT}. */
  readonly expired: TestIdentity;
  /** RSA, issued by the stranger CA. */
  readonly strangerRsa: TestIdentity;
  /** Another party's certificate under the same RSA CA as the VTN: a VEN, CN ven-2.test. */
  readonly otherVen: TestIdentity;
  /** Under the RSA CA with SAN DNS:vtn.example and DNS:UTILITY-VTN-1 (a vtnID binding). */
  readonly vtnSan: TestIdentity;
  /** Under the RSA CA with CN vtn-rsa.test but SAN DNS:evil.example. */
  readonly wrongSan: TestIdentity;
  /** Under the RSA CA, keyUsage without digitalSignature. */
  readonly noDigitalSignature: TestIdentity;
  /** Under the RSA CA, extendedKeyUsage codeSigning only. */
  readonly codeSigningOnly: TestIdentity;
  /** RSA-1024 under the RSA CA. */
  readonly rsa1024: TestIdentity;
  /** EC P-192 under the EC CA. */
  readonly p192: TestIdentity;
}

const VALID = { notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('2040-01-01T00:00:00Z') };

/** Real certificates for the signing tests: one RSA and one EC CA, each with a VTN identity. */
export async function createTestPki(): Promise<TestPki> {
  const [rsaCa, ecCa, strangerCa] = await Promise.all([
    createTestCa({ commonName: 'Test Root RSA' }),
    createTestCa({ commonName: 'Test Root EC', keyType: 'ec' }),
    createTestCa({ commonName: 'Stranger Root', keyType: 'ec' }),
  ]);
  const [vtnRsa, vtnEc, stranger, expired, strangerRsa, otherVen, vtnSan, wrongSan, noDigitalSignature, codeSigningOnly, rsa1024, p192] = await Promise.all([
    rsaCa.issue({ commonName: 'vtn-rsa.test', ...VALID }),
    ecCa.issue({ commonName: 'vtn-ec.test', keyType: 'ec', ...VALID }),
    strangerCa.issue({ commonName: 'vtn.stranger', keyType: 'ec', ...VALID }),
    rsaCa.issue({ commonName: 'vtn-expired.test', notBefore: new Date('2029-01-01T00:00:00Z'), notAfter: new Date('2030-01-01T00:00:00Z') }),
    strangerCa.issue({ commonName: 'vtn-rsa.stranger', ...VALID }),
    rsaCa.issue({ commonName: 'ven-2.test', usage: 'client', ...VALID }),
    rsaCa.issue({ commonName: 'vtn-san.test', hostnames: ['vtn.example', 'UTILITY-VTN-1'], ...VALID }),
    rsaCa.issue({ commonName: 'vtn-rsa.test', hostnames: ['evil.example'], ...VALID }),
    rsaCa.issue({ commonName: 'vtn-nods.test', digitalSignature: false, ...VALID }),
    rsaCa.issue({ commonName: 'vtn-codesign.test', usage: 'code-signing', ...VALID }),
    rsaCa.issue({ commonName: 'vtn-rsa1024.test', weakKey: 'rsa-1024', ...VALID }),
    ecCa.issue({ commonName: 'vtn-p192.test', weakKey: 'ec-p192', ...VALID }),
  ]);
  return {
    ca: { rsa: rsaCa, ec: ecCa },
    vtn: { rsa: vtnRsa, ec: vtnEc },
    stranger,
    strangerCa,
    expired,
    strangerRsa,
    otherVen,
    vtnSan,
    wrongSan,
    noDigitalSignature,
    codeSigningOnly,
    rsa1024,
    p192,
  };
}

/** Whether a command-line tool runs at all. */
export function hasTool(command: string, versionFlag = '--version'): boolean {
  const result = spawnSync(command, [versionFlag], { encoding: 'utf8' });
  return result.error === undefined && result.status === 0;
}

/**
 * Whether tests needing `command` should run: yes when it is installed, and also under `CI=true`
 * where a missing tool must fail the build rather than silently skip. Locally a missing tool
 * skips the tests with a warning saying what to install.
 */
export function shouldRunWith(command: string, install: string, versionFlag = '--version'): boolean {
  if (hasTool(command, versionFlag)) return true;
  if (process.env['CI'] === 'true') return true;
  console.warn(`${command} not found: skipping the tests that need it (install with: ${install})`);
  return false;
}

/** Runs a tool; returns exit status and output. */
export function run(command: string, args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', input });
  if (result.error !== undefined) throw new Error(`${command} could not be started: ${result.error.message}`);
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Gives `body` a temporary directory, removed afterwards. */
export function withTempDir<T>(body: (dir: string, write: (name: string, content: string) => string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'rxadr-signing-'));
  try {
    return body(dir, (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
