import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

// Node's webcrypto is the Web Crypto API @peculiar/x509 expects; its Node and DOM-lib typings differ in details.
x509.cryptoProvider.set(webcrypto as unknown as ReturnType<typeof x509.cryptoProvider.get>);

/** Key algorithm of a test identity: RSA 2048 or ECDSA P-256 (OPENADR.md §7.1). */
export type KeyType = 'rsa' | 'ec';

/** A certificate and its private key, both PEM (key in PKCS#8). */
export interface TestIdentity {
  /** The certificate alone. */
  readonly certPem: string;
  readonly keyPem: string;
  readonly keyType: KeyType;
  readonly commonName: string;
  /**
   * Only for identities issued by an intermediate ({@link TestCa.intermediate}): the certificate
   * followed by its intermediates up to, not including, the root, PEM concatenated, leaf first.
   * This is what a TLS peer sends (`cert: chainPem`) so that a trust store holding only the
   * root can build the chain (OPENADR.md §7.1: device certificates sit under intermediates).
   */
  readonly chainPem?: string;
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
  /**
   * extendedKeyUsage: serverAuth, clientAuth or both; default `'both'`. `'code-signing'` gives
   * codeSigning alone, a usage that does not allow signing OpenADR payloads (negative tests).
   */
  usage?: 'server' | 'client' | 'both' | 'code-signing';
  /**
   * For negative tests: a key below the OpenADR minimum instead of `keyType`'s, an RSA key of
   * 1024 bits or an EC key on P-192 (made with node:crypto, which Web Crypto cannot do).
   */
  weakKey?: 'rsa-1024' | 'ec-p192';
  /** keyUsage digitalSignature; default `true`. `false` leaves only keyEncipherment/keyAgreement (negative tests). */
  digitalSignature?: boolean;
}

/** What to put into an intermediate CA certificate issued by a {@link TestCa}. */
export interface IntermediateOptions {
  /** Subject CN. */
  commonName: string;
  /** Key algorithm of the intermediate; default `'rsa'` (2048 bit); `'ec'` is P-256. Ignored with `keyPem`. */
  keyType?: KeyType;
  /**
   * The intermediate's private key, PKCS#8 PEM; default a fresh key. Pass another TestCa's
   * `keyPem` to certify the same key and name again: a renewed intermediate, or one cross-signed
   * by a second root. What either version issues verifies under both.
   */
  keyPem?: string;
  /** Start of validity; default one hour ago. */
  notBefore?: Date;
  /** End of validity; default five years from now. May lie in the past to get an expired intermediate. */
  notAfter?: Date;
  /**
   * Default `true`. `false` gives the "intermediate" an end-entity certificate (basicConstraints
   * CA:false, no keyCertSign) that still signs what it issues: a leaf misused as an issuer, which
   * every verifier must reject. For negative tests only.
   */
  ca?: boolean;
}

/** A throw-away certificate authority for tests (OPENADR.md §7.1 stands in for the OpenADR PKI). */
export interface TestCa {
  /** This CA's own certificate. */
  readonly certPem: string;
  readonly keyPem: string;
  /** Issues an end-entity certificate signed by this CA. */
  issue(options: IssueOptions): Promise<TestIdentity>;
  /**
   * Issues an intermediate CA certificate (basicConstraints CA:true, keyCertSign) signed by this
   * CA and returns that intermediate as a CA of its own: what it issues chains to this CA through
   * it and carries {@link TestIdentity.chainPem}. Intermediates nest.
   *
   * @example
   * const root = await createTestCa({ commonName: 'Test Root' });
   * const vtnCa = await root.intermediate({ commonName: 'Test VTN CA' });
   * const vtn = await vtnCa.issue({ commonName: 'vtn', hostnames: ['localhost'] });
   * // server: { cert: vtn.chainPem, key: vtn.keyPem }; client trusts root.certPem only
   */
  intermediate(options: IntermediateOptions): Promise<TestCa>;
  /**
   * A CRL (RFC 5280 §5, PEM `X509 CRL`) signed by this CA, listing `revoked` (certificates it
   * issued, PEM) as revoked. Valid from one hour ago for `nextUpdateMs` (default a week).
   *
   * @example
   * const crlPem = await ca.crl([stolen.certPem]);
   */
  crl(revoked: readonly string[], options?: { nextUpdateMs?: number }): Promise<string>;
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

/** Imports a PKCS#8 RSA or P-256 key as a webcrypto key pair. */
async function importKeys(keyPem: string): Promise<{ keys: CryptoKeyPair; keyType: KeyType }> {
  const privateKey = createPrivateKey(keyPem);
  const keyType = privateKey.asymmetricKeyType === 'ec' ? 'ec' : 'rsa';
  const { generate } = algorithms(keyType);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, generate, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spki, generate, true, ['verify']),
  };
  return { keys, keyType };
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
    case 'code-signing':
      return [x509.ExtendedKeyUsage.codeSigning];
  }
}

/** A weak key pair for negative tests: the public key as SPKI DER (all `X509CertificateGenerator` needs) and the private key as PKCS#8 PEM. */
function weakKeys(kind: 'rsa-1024' | 'ec-p192'): { publicKey: ArrayBuffer; keyPem: string; keyType: KeyType } {
  const pair =
    kind === 'rsa-1024'
      ? generateKeyPairSync('rsa', { modulusLength: 1024 })
      : generateKeyPairSync('ec', { namedCurve: 'prime192v1' });
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  return {
    publicKey: spki.buffer.slice(spki.byteOffset, spki.byteOffset + spki.byteLength) as ArrayBuffer,
    keyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyType: kind === 'rsa-1024' ? 'rsa' : 'ec',
  };
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
  return caFrom(caCert, caKeys, caKeyType, []);
}

/**
 * A {@link TestCa} signing with `caKeys`. `chain` is what its issued identities append to their
 * own certificate: empty for a root, for an intermediate itself and the intermediates above it.
 */
async function caFrom(
  caCert: x509.X509Certificate,
  caKeys: CryptoKeyPair,
  caKeyType: KeyType,
  chain: readonly string[],
): Promise<TestCa> {
  const certPem = caCert.toString('pem');
  const sign = async (
    subject: string,
    publicKey: CryptoKey | ArrayBuffer,
    validity: { notBefore: Date; notAfter: Date },
    extensions: x509.Extension[],
  ): Promise<x509.X509Certificate> =>
    x509.X509CertificateGenerator.create({
      serialNumber: serialNumber(),
      subject,
      issuer: caCert.subject,
      ...validity,
      publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: algorithms(caKeyType).signing,
      extensions: [
        ...extensions,
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    });

  const issue = async (issue: IssueOptions): Promise<TestIdentity> => {
    const weak = issue.weakKey === undefined ? undefined : weakKeys(issue.weakKey);
    const keyType = weak?.keyType ?? issue.keyType ?? 'rsa';
    const keys = weak === undefined ? await generateKeys(keyType) : undefined;
    const publicKey = weak?.publicKey ?? keys?.publicKey;
    if (publicKey === undefined) throw new Error('no public key');
    const issuedAt = Date.now();
    const names: x509.JsonGeneralName[] = [
      ...(issue.hostnames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(issue.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ];
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(leafKeyUsage(keyType, issue.digitalSignature ?? true), true),
      new x509.ExtendedKeyUsageExtension(extendedKeyUsage(issue.usage), false),
    ];
    if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
    const validity = {
      notBefore: issue.notBefore ?? new Date(issuedAt - HOUR_MS),
      notAfter: issue.notAfter ?? new Date(issuedAt + YEAR_MS),
    };
    const leafPem = (await sign(cn(issue.commonName), publicKey, validity, extensions)).toString('pem');
    return {
      certPem: leafPem,
      keyPem: weak?.keyPem ?? (await pkcs8Pem((keys as CryptoKeyPair).privateKey)),
      keyType,
      commonName: issue.commonName,
      ...(chain.length > 0 && { chainPem: [leafPem, ...chain].join('\n') }),
    };
  };

  const intermediate = async (options: IntermediateOptions): Promise<TestCa> => {
    const { keys, keyType } =
      options.keyPem === undefined
        ? { keys: await generateKeys(options.keyType ?? 'rsa'), keyType: options.keyType ?? 'rsa' }
        : await importKeys(options.keyPem);
    const issuedAt = Date.now();
    const isCa = options.ca ?? true;
    const extensions: x509.Extension[] = isCa
      ? [
          new x509.BasicConstraintsExtension(true, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        ]
      : [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(leafKeyUsage(keyType), true),
        ];
    const cert = await sign(
      cn(options.commonName),
      keys.publicKey,
      {
        notBefore: options.notBefore ?? new Date(issuedAt - HOUR_MS),
        notAfter: options.notAfter ?? new Date(issuedAt + 5 * YEAR_MS),
      },
      extensions,
    );
    return caFrom(cert, keys, keyType, [cert.toString('pem'), ...chain]);
  };

  const crl = async (revoked: readonly string[], options: { nextUpdateMs?: number } = {}): Promise<string> => {
    const now = Date.now();
    const list = await x509.X509CrlGenerator.create({
      issuer: caCert.subject,
      thisUpdate: new Date(now - HOUR_MS),
      nextUpdate: new Date(now + (options.nextUpdateMs ?? 7 * 24 * HOUR_MS)),
      entries: revoked.map((pem) => ({ serialNumber: new x509.X509Certificate(pem).serialNumber, revocationDate: new Date(now - HOUR_MS) })),
      extensions: [await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey)],
      signingKey: caKeys.privateKey,
      signingAlgorithm: algorithms(caKeyType).signing,
    });
    return x509.PemConverter.encode(list.rawData, 'X509 CRL');
  };

  return { certPem, keyPem: await pkcs8Pem(caKeys.privateKey), issue, intermediate, crl };
}

function leafKeyUsage(keyType: KeyType, digitalSignature = true): x509.KeyUsageFlags {
  const base = keyType === 'rsa' ? x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.keyAgreement;
  return digitalSignature ? x509.KeyUsageFlags.digitalSignature | base : base;
}
