import { X509Certificate } from 'node:crypto';
import { SignatureError } from './signature-error.js';

/**
 * Ties XML signatures to the TLS connection (OPENADR.md §7.1, §7.3): the VTN that signs a payload
 * must be the VTN at the other end of the TLS connections this VEN uses. The transports report
 * each peer certificate they authenticate (`httpTransport({ tls: { onPeerCertificate } })` for the
 * VTN's server certificate, `httpPushServer({ tls: { onPeerCertificate } })` for the VTN's client
 * certificate); `xmlSignatures({ trust: { signerIsTlsPeer: binding } })` then accepts a signer only
 * if its certificate, or its public key, is one a peer presented.
 *
 * The binding is per connection, not per HTTP exchange: undici does not say which pooled socket
 * carried a response. Every socket of one pull client goes to the same VTN origin and passes the
 * same TLS checks, so a signer matching any of them is the authenticated VTN; a VTN that signs
 * with a separate certificate (allowed by OPENADR.md §7.3) cannot use this option.
 *
 * @example
 * const peers = createTlsPeerBinding();
 * const http = httpTransport({ vtnUrl, tls: { cert, key, ca, onPeerCertificate: peers.record } });
 * const signed = xmlSignatures({ identity, trust: { ca: [root], identity: { commonName: 'vtn' }, signerIsTlsPeer: peers } })(http);
 */
export interface TlsPeerBinding {
  /** Records a certificate a TLS peer presented (DER bytes or a parsed certificate). */
  readonly record: (certificate: Buffer | X509Certificate) => void;
  /** Whether `certificate` (or its public key) is one a TLS peer presented. */
  has(certificate: X509Certificate): boolean;
  /** Number of distinct peer certificates remembered. */
  readonly size: number;
}

/** Peer certificates remembered at most; older ones are forgotten first. */
const MAX_PEERS = 16;

/** Creates a {@link TlsPeerBinding}. */
export function createTlsPeerBinding(): TlsPeerBinding {
  const peers = new Map<string, string>();
  const spki = (certificate: X509Certificate): string =>
    certificate.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    record: (input) => {
      const certificate = input instanceof X509Certificate ? input : new X509Certificate(input);
      const der = certificate.raw.toString('base64');
      peers.delete(der);
      peers.set(der, spki(certificate));
      while (peers.size > MAX_PEERS) peers.delete(peers.keys().next().value as string);
    },
    has: (certificate) => {
      if (peers.has(certificate.raw.toString('base64'))) return true;
      const key = spki(certificate);
      return [...peers.values()].includes(key);
    },
    get size() {
      return peers.size;
    },
  };
}

/**
 * @throws SignatureError `identity-mismatch` when the signer was not a TLS peer
 */
export function checkTlsPeer(signer: X509Certificate, binding: TlsPeerBinding, checks: string[]): void {
  if (!binding.has(signer)) {
    throw new SignatureError(
      'identity-mismatch',
      `signer ${signer.subject.replace(/\n/g, ', ')} is not the TLS peer: ${binding.size === 0 ? 'no TLS peer certificate was recorded' : `none of the ${binding.size} TLS peer certificate(s) has its key`}`,
    );
  }
  checks.push('signer is the TLS peer');
}
