import { checkServerIdentity as nodeCheckServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { asyncScheduler, type SchedulerLike } from 'rxjs';

import { resolveVtnTrust, type VtnTrustOptions } from './vtn-trust.js';
import { parseVtnUrl, type VtnEndpoint } from './service-path.js';
import { checkCaBundle, checkTlsIdentity, tlsIdentityFields, type PemInput, type TlsIdentityOptions } from './tls-identity.js';
import { assertSecureContext, resolveTlsPolicy, type ResolvedTlsPolicy, type TlsPolicyOptions } from './tls-policy.js';
import { TransportConfigError } from './transport-config-error.js';
import { silentLogger, type TransportLogger } from './transport-logger.js';

/**
 * TLS settings of the pull client (OPENADR.md §7.1): the VEN's client identity, the trust
 * store for the VTN's server certificate and the protocol policy.
 */
export interface HttpTransportTlsOptions extends TlsIdentityOptions, TlsPolicyOptions, VtnTrustOptions {
  /**
   * Trusted roots for the VTN certificate (the OpenADR PKI roots, or the operator's CA). Without
   * `ca`, a pin (`pinnedFingerprints`, `pinnedPublicKeys`) or `trustSystemRoots: true` is required.
   */
  readonly ca?: PemInput | readonly PemInput[];
  /** SNI and the name checked against the VTN certificate. Default: the host of `vtnUrl` (no SNI for IP addresses). */
  readonly servername?: string;
  /**
   * Verify that the VTN certificate names the host of `vtnUrl` (or `servername`). Default `true`.
   * `false` still verifies the chain against `ca`; use only for VTNs addressed by a name their
   * certificate lacks.
   */
  readonly checkServerIdentity?: boolean;
}

/** Options of {@link httpTransport}. Only `vtnUrl` is required. */
export interface HttpTransportOptions {
  /**
   * The VTN base URL, with or without the `/OpenADR2/Simple/2.0b` prefix (OPENADR.md §1.3):
   * `https://vtn.example.com` and `https://vtn.example.com/OpenADR2/Simple/2.0b/` are the same.
   * `http://` is accepted for tests only and cannot carry TLS settings.
   */
  readonly vtnUrl: string;
  /** Client certificate, trust store and cipher policy. Default: no client certificate, Node roots, OpenADR TLS 1.2 profile. */
  readonly tls?: HttpTransportTlsOptions;
  /**
   * Milliseconds to establish TCP and, for https, the TLS handshake. Default `5000` (OPENADR.md §1.4).
   * undici checks its timers about twice a second, so a timeout may fire up to ~0.5 s late.
   */
  readonly connectTimeout?: number;
  /** Milliseconds to wait for the response headers, and between body chunks. Default `10000` (OPENADR.md §1.4); same timer resolution as `connectTimeout`. */
  readonly readTimeout?: number;
  /**
   * Overall deadline of one exchange in milliseconds: any wait for a free connection, connect,
   * TLS handshake, request, response headers and the whole body. Default `30000`. A VTN that trickles its answer a few bytes at
   * a time never trips `readTimeout` (which only bounds the gap between chunks), so without it
   * one slow answer would hold the VEN's polls and reports; past the deadline the exchange fails
   * with `TransportError('timeout')`, which is retryable. Measured in real time (the sockets are
   * real), not on `scheduler`; at most 2^31−1.
   */
  readonly deadlineMs?: number;
  /** Most sockets kept open to the VTN at once. Default `4`. */
  readonly maxConnections?: number;
  /** Largest response body accepted, in bytes; larger answers fail with `protocol`. Default 8 MiB. */
  readonly maxResponseBytes?: number;
  /** Receives warnings (near-expiry certificate, non-XML content type). Default: silent. */
  readonly logger?: TransportLogger;
  /** Source of "now" for the certificate validity checks. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** {@link HttpTransportOptions} after validation: what the client actually uses. */
export interface ResolvedHttpTransportOptions {
  readonly endpoint: VtnEndpoint;
  readonly connectTimeout: number;
  readonly readTimeout: number;
  readonly deadlineMs: number;
  readonly maxConnections: number;
  readonly maxResponseBytes: number;
  readonly logger: TransportLogger;
  /** Options for `tls.connect`; `undefined` for http. */
  readonly tls: ResolvedClientTls | undefined;
}

/** The `tls.connect` options derived from {@link HttpTransportTlsOptions}. */
export interface ResolvedClientTls extends ResolvedTlsPolicy {
  readonly cert?: PemInput;
  readonly key?: PemInput;
  readonly passphrase?: string;
  readonly pfx?: Buffer;
  readonly ca?: PemInput | PemInput[];
  /** CRLs for the handshake's chain check (Node's `crl` option); only with `ca`. */
  readonly crl?: PemInput[];
  readonly servername?: string;
  /** `false` only with pins and no `ca`: the pins, checked by `verifyPeer`, are then the trust. */
  readonly rejectUnauthorized: boolean;
  readonly checkServerIdentity: (hostname: string, cert: PeerCertificate) => Error | undefined;
  /** Checks of the VTN certificate Node's TLS layer does not make (pins, validity in pins-only mode, key size, CRL-less identity); a reason refuses the connection. */
  readonly verifyPeer: (socket: TLSSocket) => string | undefined;
}

/**
 * Validates {@link HttpTransportOptions} once and fills in defaults (STYLE.md rule 13).
 *
 * Fails with a {@link TransportConfigError} for: an unusable URL; TLS settings with an
 * `http://` URL; a certificate without key (or the reverse); an unreadable or wrong-passphrase
 * key; a key that does not match its certificate; an expired or not-yet-valid client
 * certificate; a client key below RSA 2048 / EC P-256 (`weak-key`); an https URL with neither
 * `ca`, a pin nor `trustSystemRoots: true` (`no-vtn-trust`); settings Node's TLS layer rejects. Warns through `logger` when the client
 * certificate expires within 30 days.
 *
 * @example
 * const resolved = resolveHttpTransportOptions({ vtnUrl: 'https://vtn.example.com', tls: { cert, key, ca } });
 */
export function resolveHttpTransportOptions(options: HttpTransportOptions): ResolvedHttpTransportOptions {
  const endpoint = parseVtnUrl(options.vtnUrl);
  const logger = options.logger ?? silentLogger;
  const scheduler = options.scheduler ?? asyncScheduler;
  const tlsOptions = options.tls;
  if (endpoint.protocol === 'http:' && tlsOptions !== undefined) {
    const identity = tlsOptions.cert !== undefined || tlsOptions.key !== undefined || tlsOptions.pfx !== undefined;
    throw new TransportConfigError(
      'tls-over-http',
      identity ? 'tls.cert' : 'tls',
      `${identity ? 'a client certificate' : 'TLS settings'} cannot be used with the http:// URL ${options.vtnUrl}; ` +
        'use an https:// URL (OpenADR requires TLS, OPENADR.md §7.1) or drop the tls option',
    );
  }
  return {
    endpoint,
    connectTimeout: positive(options.connectTimeout, 5_000, 'connectTimeout'),
    readTimeout: positive(options.readTimeout, 10_000, 'readTimeout'),
    deadlineMs: timerDelay(options.deadlineMs, 30_000, 'deadlineMs'),
    maxConnections: positive(options.maxConnections, 4, 'maxConnections'),
    maxResponseBytes: positive(options.maxResponseBytes, 8 * 1024 * 1024, 'maxResponseBytes'),
    logger,
    tls: endpoint.protocol === 'https:' ? resolveClientTls(tlsOptions ?? {}, scheduler.now(), logger) : undefined,
  };
}

function resolveClientTls(options: HttpTransportTlsOptions, now: number, logger: TransportLogger): ResolvedClientTls {
  const policy = resolveTlsPolicy(options, 'tls');
  checkTlsIdentity(options, 'tls', now, logger);
  const ca = checkCaBundle(options.ca, 'tls.ca');
  const trust = resolveVtnTrust(options, ca);
  const resolved: ResolvedClientTls = {
    ...policy,
    ...tlsIdentityFields(options, ca),
    ...(trust.crl !== undefined && { crl: trust.crl }),
    ...(options.servername !== undefined && { servername: options.servername }),
    rejectUnauthorized: trust.rejectUnauthorized,
    checkServerIdentity: options.checkServerIdentity === false ? () => undefined : nodeCheckServerIdentity,
    verifyPeer: trust.verifyPeer,
  };
  const { checkServerIdentity: _check, rejectUnauthorized: _reject, servername: _name, verifyPeer: _verify, ...contextOptions } = resolved;
  assertSecureContext(contextOptions, 'tls');
  return resolved;
}

/** A positive finite number, or the default. */
export function positive(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new TransportConfigError('invalid-option', option, `expected a positive number, got ${String(value)}`);
  }
  return value;
}

/** Node timers hold at most 2^31−1 ms; a longer delay would fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A positive number a Node timer can hold, or the default. */
export function timerDelay(value: number | undefined, fallback: number, option: string): number {
  const delay = positive(value, fallback, option);
  if (delay > MAX_TIMER_MS) {
    throw new TransportConfigError('invalid-option', option, `expected at most ${MAX_TIMER_MS} ms (the longest Node timer), got ${String(value)}`);
  }
  return delay;
}
