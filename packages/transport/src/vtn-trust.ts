import type { TLSSocket } from 'node:tls';

import { checkCrlOption, isPinned, peerCertificateOf, peerProblem, resolvePeerPolicy, type TlsPeerTrustOptions } from './peer-verification.js';
import type { PemInput } from './tls-identity.js';
import { TransportConfigError } from './transport-config-error.js';

/** How the pull client decides that the server it reached is the VTN (OPENADR.md §7.1). */
export interface VtnTrustOptions extends TlsPeerTrustOptions {
  /**
   * Accept a VTN certificate from any root Node ships (the public web PKI) when no `ca` is given.
   * Default `false`: an OpenADR VTN's certificate comes from the OpenADR PKI or the operator's
   * own CA, so without `ca` or a pin the client refuses to start (`no-vtn-trust`).
   */
  readonly trustSystemRoots?: boolean;
}

/** What {@link resolveVtnTrust} derives for `tls.connect`. */
export interface ResolvedVtnTrust {
  readonly rejectUnauthorized: boolean;
  readonly crl: PemInput[] | undefined;
  readonly verifyPeer: (socket: TLSSocket) => string | undefined;
}

/**
 * Trust of the VTN's server certificate:
 * - `ca`: Node verifies the chain and the host name; pins, when given, must match as well;
 * - pins without `ca`: the pinned certificate (or key) is the trust; its validity and key size are
 *   checked here because the TLS layer is told not to judge the chain, and the host name is not
 *   checked (the pin names the VTN more precisely than a DNS name);
 * - neither: refused unless `trustSystemRoots: true`, which uses Node's bundled roots.
 * Every mode refuses an expired or not-yet-valid certificate and a key below RSA 2048 / EC P-256.
 */
export function resolveVtnTrust(options: VtnTrustOptions, ca: PemInput | PemInput[] | undefined): ResolvedVtnTrust {
  const policy = resolvePeerPolicy(options, 'tls');
  const systemRoots = options.trustSystemRoots === true;
  if (systemRoots && ca !== undefined) {
    throw new TransportConfigError('invalid-option', 'tls.trustSystemRoots', 'give either ca (the VTN’s roots) or trustSystemRoots: true, not both');
  }
  if (ca === undefined && !isPinned(policy) && !systemRoots) {
    throw new TransportConfigError(
      'no-vtn-trust',
      'tls.ca',
      'nothing says who the VTN is: set tls.ca (the OpenADR root or your CA), pin the VTN certificate with ' +
        'tls.pinnedFingerprints or tls.pinnedPublicKeys, or set tls.trustSystemRoots: true to accept any public web CA (not recommended)',
    );
  }
  const crl = checkCrlOption(options.crl, ca, 'tls');
  return {
    rejectUnauthorized: ca !== undefined || systemRoots || !isPinned(policy),
    crl,
    // The system clock, not the scheduler (STYLE.md rule 7 does not fit here): OpenSSL judges the
    // chain by the system clock in the same handshake, and both verdicts must agree.
    verifyPeer: (socket) => peerProblem(peerCertificateOf(socket), policy, Date.now()),
  };
}
