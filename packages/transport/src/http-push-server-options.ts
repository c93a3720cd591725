import { asyncScheduler, type SchedulerLike } from 'rxjs';

import { checkCrlOption, isPinned, resolvePeerPolicy, type ResolvedPeerPolicy, type TlsPeerIdentity, type TlsPeerTrustOptions } from './peer-verification.js';
import { positive, timerDelay } from './http-transport-options.js';
import { checkCaBundle, checkTlsIdentity, tlsIdentityFields, type PemInput, type TlsIdentityOptions } from './tls-identity.js';
import { assertSecureContext, resolveTlsPolicy, type ResolvedTlsPolicy, type TlsPolicyOptions } from './tls-policy.js';
import { TransportConfigError } from './transport-config-error.js';
import { silentLogger, type TransportLogger } from './transport-logger.js';

/**
 * TLS settings of the push server (OPENADR.md §1.7, §7.1): the VEN's server identity and how
 * the VTN's client certificate is checked. A client certificate is always required; at least
 * one of `ca` and `pinnedFingerprints` must be given.
 */
export interface PushServerTlsOptions extends TlsIdentityOptions, TlsPolicyOptions, TlsPeerTrustOptions {
  /** Roots the VTN's client certificate must chain to; checked during the handshake. */
  readonly ca?: PemInput | readonly PemInput[];
  /**
   * Fingerprints (OPENADR.md §7.2) the VTN's client certificate must match; checked per
   * request, a mismatch is answered with HTTP 403. Without `ca`, a pin is the only check.
   */
  readonly pinnedFingerprints?: readonly string[];
  /**
   * Who the VTN is (subject CN, subjectAltName), checked on every client certificate, pins or
   * not. With `ca` and no pin it is required: the CA also issues other VENs' certificates.
   */
  readonly vtnIdentity?: TlsPeerIdentity;
  /** Accept any client certificate that chains to `ca`, without pin or `vtnIdentity`. Default `false`. */
  readonly anyCertificateFromCa?: boolean;
}

/** Options of {@link httpPushServer}. Every field is optional. */
export interface HttpPushServerOptions {
  /** Interface to listen on. Default `'127.0.0.1'`; use `'0.0.0.0'` or `'::'` to be reachable. */
  readonly host?: string;
  /** Port; `0` picks a free one. Default `0`. */
  readonly port?: number;
  /**
   * The base URL the VTN reaches this server at (register it as `oadrTransportAddress`),
   * e.g. behind NAT. Default: `<scheme>://<host>:<bound port>`.
   */
  readonly publicUrl?: string;
  /** Server identity and VTN client-certificate check. Omitted: plain HTTP, for tests only. */
  readonly tls?: PushServerTlsOptions;
  /** Milliseconds a pushed request may wait for `respond`/`reject` before it is answered 503. Default `9000`, below the usual 10 s VTN read timeout. */
  readonly answerTimeout?: number;
  /**
   * Milliseconds the VTN may take to send one whole request, headers and body; a slower one
   * (e.g. trickled a few bytes at a time) is answered 408 and its connection closed, so it
   * cannot hold a socket. Default `10000`; real time (checked about every quarter of it, at most
   * once a second), at most 2^31−1.
   */
  readonly requestTimeout?: number;
  /** Largest request body accepted, in bytes; larger requests get 413. Default 8 MiB. */
  readonly maxBodyBytes?: number;
  /** Receives warnings (near-expiry certificate, late answers). Default: silent. */
  readonly logger?: TransportLogger;
  /** Timer for the answer timeout and "now" for certificate checks. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** {@link HttpPushServerOptions} after validation. */
export interface ResolvedHttpPushServerOptions {
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string | undefined;
  readonly answerTimeout: number;
  readonly requestTimeout: number;
  readonly maxBodyBytes: number;
  readonly logger: TransportLogger;
  readonly scheduler: SchedulerLike;
  readonly tls: ResolvedPushServerTls | undefined;
}

/** `https.createServer` options plus the canonical pins. */
export interface ResolvedPushServerTls extends ResolvedTlsPolicy {
  readonly cert?: PemInput;
  readonly key?: PemInput;
  readonly passphrase?: string;
  readonly pfx?: Buffer;
  readonly ca?: PemInput | PemInput[];
  readonly requestCert: true;
  /** `true` when `ca` is set: the handshake itself rejects unknown VTN certificates. */
  readonly rejectUnauthorized: boolean;
  /** CRLs for the handshake's chain check (Node's `crl` option); only with `ca`. */
  readonly crl?: PemInput[];
  readonly pinnedFingerprints: readonly string[];
  /** Checked on every request's client certificate: validity, key size, pins, `vtnIdentity`. */
  readonly peer: ResolvedPeerPolicy;
}

/**
 * Validates {@link HttpPushServerOptions} once (STYLE.md rule 13). Throws a
 * `TransportConfigError` for a missing server identity, no way to check the VTN's client
 * certificate, `ca` without a pin or `vtnIdentity` (`no-vtn-trust`), a malformed pin, a bad public URL, and the identity problems listed at
 * `resolveHttpTransportOptions`.
 */
export function resolveHttpPushServerOptions(options: HttpPushServerOptions = {}): ResolvedHttpPushServerOptions {
  const logger = options.logger ?? silentLogger;
  const scheduler = options.scheduler ?? asyncScheduler;
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new TransportConfigError('invalid-option', 'port', `expected 0–65535, got ${String(port)}`);
  }
  if (options.publicUrl !== undefined && !/^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(options.publicUrl)) {
    throw new TransportConfigError('invalid-url', 'publicUrl', `"${options.publicUrl}" must be an absolute http(s) URL without query`);
  }
  return {
    host: options.host ?? '127.0.0.1',
    port,
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    answerTimeout: positive(options.answerTimeout, 9_000, 'answerTimeout'),
    requestTimeout: timerDelay(options.requestTimeout, 10_000, 'requestTimeout'),
    maxBodyBytes: positive(options.maxBodyBytes, 8 * 1024 * 1024, 'maxBodyBytes'),
    logger,
    scheduler,
    tls: options.tls === undefined ? undefined : resolveServerTls(options.tls, scheduler.now(), logger),
  };
}

function resolveServerTls(options: PushServerTlsOptions, now: number, logger: TransportLogger): ResolvedPushServerTls {
  const policy = resolveTlsPolicy(options, 'tls');
  if (options.pfx === undefined && options.cert === undefined && options.key === undefined) {
    throw new TransportConfigError('incomplete-identity', 'tls.cert', 'a push server needs its own certificate; set cert + key or pfx');
  }
  checkTlsIdentity(options, 'tls', now, logger);
  const peer = resolvePeerPolicy(options, 'tls');
  if (options.ca === undefined && !isPinned(peer)) {
    throw new TransportConfigError(
      'invalid-option',
      'tls.ca',
      "the VTN's client certificate must be checked (OPENADR.md §7.1); set ca (the OpenADR roots) and/or pinnedFingerprints",
    );
  }
  if (options.ca !== undefined && !isPinned(peer) && peer.identity === undefined && options.anyCertificateFromCa !== true) {
    throw new TransportConfigError(
      'no-vtn-trust',
      'tls.vtnIdentity',
      'tls.ca alone accepts every client certificate that CA issued, other VENs\' included; say who the VTN is with ' +
        'tls.vtnIdentity ({ commonName, subjectAltName }) or pin it (tls.pinnedFingerprints, tls.pinnedPublicKeys), ' +
        'or set tls.anyCertificateFromCa: true for a CA that issues to the VTN alone',
    );
  }
  const ca = checkCaBundle(options.ca, 'tls.ca');
  const crl = checkCrlOption(options.crl, ca, 'tls');
  const resolved: ResolvedPushServerTls = {
    ...policy,
    ...tlsIdentityFields(options, ca),
    ...(crl !== undefined && { crl }),
    requestCert: true,
    rejectUnauthorized: ca !== undefined,
    pinnedFingerprints: peer.fingerprints,
    peer,
  };
  const { requestCert: _r, rejectUnauthorized: _u, pinnedFingerprints: _p, peer: _peer, ...contextOptions } = resolved;
  assertSecureContext(contextOptions, 'tls');
  return resolved;
}
