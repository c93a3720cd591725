import { createSecureContext, DEFAULT_CIPHERS, type SecureContextOptions, type SecureVersion } from 'node:tls';

import { TransportConfigError } from './transport-config-error.js';

/**
 * The two cipher suites OpenADR 2.0b names (OPENADR.md §7.1), in OpenSSL notation:
 * TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 and TLS_RSA_WITH_AES_128_CBC_SHA256.
 */
export const OPENADR_CIPHERS = 'ECDHE-ECDSA-AES128-SHA256:AES128-SHA256';

/** Protocol version and cipher settings shared by the pull client and the push server. */
export interface TlsPolicyOptions {
  /**
   * OpenSSL cipher list. Default: {@link OPENADR_CIPHERS} only; with `relaxOpenAdrSuites`,
   * the OpenADR suites first, then Node's defaults.
   */
  readonly ciphers?: string;
  /** Lowest TLS version. Default `'TLSv1.2'` (OPENADR.md §7.1). */
  readonly minVersion?: SecureVersion;
  /**
   * Highest TLS version. Default `'TLSv1.2'`: a cipher list alone does not stop TLS 1.3, whose
   * suites are configured separately, so the OpenADR profile also caps the version.
   * With `relaxOpenAdrSuites` the default becomes `'TLSv1.3'`.
   */
  readonly maxVersion?: SecureVersion;
  /**
   * Leave the strict OpenADR profile: allow TLS 1.3 and Node's default suites after the two
   * OpenADR ones. For VTNs that do not offer the OpenADR suites (common in test labs).
   * Default `false`.
   */
  readonly relaxOpenAdrSuites?: boolean;
}

/** The policy after defaults: every field set. */
export interface ResolvedTlsPolicy {
  readonly ciphers: string;
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion;
}

const VERSIONS: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Applies the OpenADR defaults (OPENADR.md §7.1) and checks the version range. */
export function resolveTlsPolicy(options: TlsPolicyOptions, prefix: string): ResolvedTlsPolicy {
  const relaxed = options.relaxOpenAdrSuites === true;
  const policy: ResolvedTlsPolicy = {
    ciphers: options.ciphers ?? (relaxed ? `${OPENADR_CIPHERS}:${DEFAULT_CIPHERS}` : OPENADR_CIPHERS),
    minVersion: options.minVersion ?? 'TLSv1.2',
    maxVersion: options.maxVersion ?? (relaxed ? 'TLSv1.3' : 'TLSv1.2'),
  };
  for (const key of ['minVersion', 'maxVersion'] as const) {
    if (!VERSIONS.includes(policy[key])) {
      throw new TransportConfigError('invalid-option', `${prefix}.${key}`, `use one of ${VERSIONS.join(', ')}`);
    }
  }
  if (VERSIONS.indexOf(policy.minVersion) > VERSIONS.indexOf(policy.maxVersion)) {
    throw new TransportConfigError(
      'invalid-option',
      `${prefix}.minVersion`,
      `${policy.minVersion} is above maxVersion ${policy.maxVersion}; lower minVersion or raise maxVersion`,
    );
  }
  return policy;
}

/**
 * Builds a throw-away secure context so that Node's TLS layer checks the OPENADR.md §7.1
 * settings (cipher list, CA bundle, key material) once, at construction.
 */
export function assertSecureContext(options: SecureContextOptions, prefix: string): void {
  try {
    createSecureContext(options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TransportConfigError(
      'invalid-tls',
      prefix,
      `Node's TLS layer rejected these settings (${reason}); check ciphers, ca, cert/key or pfx`,
      { cause: error },
    );
  }
}
