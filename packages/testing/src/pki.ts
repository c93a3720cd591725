import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

// Node's webcrypto is the Web Crypto API @peculiar/x509 expects; its Node and DOM-lib typings differ in details.
x509.cryptoProvider.set(webcrypto as unknown as ReturnType<typeof x509.cryptoProvider.get>);

/** Key algorithm of a test identity: RSA 2048 or ECDSA P-256 (OPENADR.md §7.1). */
export type KeyType = 'rsa' | 'ec';

/** A certificate and its private key, both PEM (key in PKCS#8). */
export interface TestIdentity {
  readonly certPem: string;
  readonly keyPem: string;
  readonly keyType: KeyType;
  readonly commonName: string;
}

/** What to put into a certificate issued by a {@link TestCa}. */
export interface IssueOptions {
  /** Subject CN. */
  commonName: string;
  /** Key algorithm; default `'rsa'` (2048 bit); `'ec'` is P-256. */
  keyType?: KeyType;
  /** DNS subjectAltNames, e.g. `['localhost']` for a server certificate. */
  hostnames?: string[];
  /** IP subjectAltNames, e.g. `['127.0.0.1']`. */
  ipAddresses?: string[];
  /** Start of validity; default one hour ago. */
  notBefore?: Date;
  /** End of validity; default one year from now. May lie in the past to get an expired certificate. */
  notAfter?: Date;
  /** extendedKeyUsage: serverAuth, clientAuth or both; default `'both'`. */
  usage?: 'server' | 'client' | 'both';
}

/** A throw-away certificate authority for tests (OPENADR.md §7.1 stands in for the OpenADR PKI). */
export interface TestCa {
  readonly certPem: string;
  readonly keyPem: string;
  /** Issues an end-entity certificate signed by this CA. */
  issue(options: IssueOptions): Promise<TestIdentity>;
}

const HOUR_MS = 3_600_000;
const YEAR_MS = 365 * 24 * HOUR_MS;

interface Algorithms {
  readonly generate: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams;
  readonly signing: webcrypto.Algorithm | webcrypto.EcdsaParams;
}

function algorithms(keyType: KeyType): Algorithms {
  return keyType === 'ec'
    ? { generate: { name: 'ECDSA', namedCurve: 'P-256' }, signing: { name: 'ECDSA', hash: 'SHA-256' } }
    : {
        generate: {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        },
        signing: { name: 'RSASSA-PKCS1-v1_5' },
      };
}

async function generateKeys(keyType: KeyType): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithms(keyType).generate, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** A positive 16-byte serial number (high bit cleared so DER needs no sign byte). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f | 0x01;
  return bytes.toString('hex');
}

/** Escapes characters that are special in an RFC 4514 distinguished name. */
function cn(commonName: string): string {
  return `CN=${commonName.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)}`;
}

function extendedKeyUsage(usage: IssueOptions['usage']): x509.ExtendedKeyUsage[] {
  switch (usage ?? 'both') {
    case 'server':
      return [x509.ExtendedKeyUsage.serverAuth];
    case 'client':
      return [x509.ExtendedKeyUsage.clientAuth];
    case 'both':
      return [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth];
  }
}

/**
 * Creates a self-signed test root CA with a fresh key (default RSA 2048, CN `rxadr test CA`).
 * Certificates it issues chain to `certPem` and work for TLS (OPENADR.md §7.1) and XML signatures (§7.3).
 *
 * @example
 * const ca = await createTestCa();
 * const vtn = await ca.issue({ commonName: 'vtn', hostnames: ['localhost'], ipAddresses: ['127.0.0.1'] });
 * const ven = await ca.issue({ commonName: 'ven', keyType: 'ec', usage: 'client' });
 */
export async function createTestCa(options: { commonName?: string; keyType?: KeyType } = {}): Promise<TestCa> {
  const caKeyType = options.keyType ?? 'rsa';
  const caName = cn(options.commonName ?? 'rxadr test CA');
  const caKeys = await generateKeys(caKeyType);
  const now = Date.now();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: caName,
    keys: caKeys,
    notBefore: new Date(now - HOUR_MS),
    notAfter: new Date(now + 10 * YEAR_MS),
    signingAlgorithm: algorithms(caKeyType).signing,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const caKeyPem = await pkcs8Pem(caKeys.privateKey);

  const issue = async (issue: IssueOptions): Promise<TestIdentity> => {
    const keyType = issue.keyType ?? 'rsa';
    const keys = await generateKeys(keyType);
    const issuedAt = Date.now();
    const names: x509.JsonGeneralName[] = [
      ...(issue.hostnames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(issue.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ];
    const keyUsage =
      keyType === 'rsa'
        ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
        : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement;
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(keyUsage, true),
      new x509.ExtendedKeyUsageExtension(extendedKeyUsage(issue.usage), false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ];
    if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialNumber(),
      subject: cn(issue.commonName),
      issuer: caCert.subject,
      notBefore: issue.notBefore ?? new Date(issuedAt - HOUR_MS),
      notAfter: issue.notAfter ?? new Date(issuedAt + YEAR_MS),
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: algorithms(caKeyType).signing,
      extensions,
    });
    return {
      certPem: cert.toString('pem'),
      keyPem: await pkcs8Pem(keys.privateKey),
      keyType,
      commonName: issue.commonName,
    };
  };

  return { certPem: caCert.toString('pem'), keyPem: caKeyPem, issue };
}
