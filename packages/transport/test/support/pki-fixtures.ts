import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTestCa, type KeyType, type TestCa, type TestIdentity } from '../../../testing/src/pki/pki.js';

/** A CA with a server identity for 127.0.0.1/localhost and a client identity, both of one key type. */
export interface Pki {
  readonly ca: TestCa;
  readonly server: TestIdentity;
  readonly client: TestIdentity;
}

/** Issues one CA with a loopback server certificate and a VEN/VTN client certificate. */
export async function createPki(keyType: KeyType, name: string = keyType): Promise<Pki> {
  const ca = await createTestCa({ commonName: `rxadr test root ${name}`, keyType });
  const server = await ca.issue({ commonName: `vtn-${name}`, keyType, hostnames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'both' });
  const client = await ca.issue({ commonName: `ven-${name}`, keyType, usage: 'both' });
  return { ca, server, client };
}

/** Runs `openssl` on files in a scratch directory and returns the named output file. */
export function withOpenssl(inputs: Record<string, string | Buffer>, args: string[], output: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'rxadr-openssl-'));
  try {
    for (const [file, content] of Object.entries(inputs)) writeFileSync(join(dir, file), content);
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    return readFileSync(join(dir, output));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The identity's key re-encrypted with `passphrase` (PKCS#8, AES-256-CBC). */
export function encryptedKeyPem(identity: TestIdentity, passphrase: string): string {
  return withOpenssl(
    { 'key.pem': identity.keyPem },
    ['pkcs8', '-topk8', '-in', 'key.pem', '-out', 'enc.pem', '-v2', 'aes-256-cbc', '-passout', `pass:${passphrase}`],
    'enc.pem',
  ).toString('utf8');
}

/** A PKCS#12 bundle of the identity protected by `passphrase`. */
export function pkcs12Of(identity: TestIdentity, passphrase: string): Buffer {
  return withOpenssl(
    { 'cert.pem': identity.certPem, 'key.pem': identity.keyPem },
    ['pkcs12', '-export', '-in', 'cert.pem', '-inkey', 'key.pem', '-out', 'id.p12', '-passout', `pass:${passphrase}`],
    'id.p12',
  );
}
