import type { VenSimConfig } from './ven-config.js';

/** Below this, honest clock skew and HTTP timeouts make genuine messages fail the window (see SECURITY.md). */
export const SHORT_REPLAY_WINDOW_MS = 10_000;

/** One weakness of a configuration: `check` names it for scripts, `message` says what to change. */
export interface ConfigWarning {
  readonly check: 'plain-http' | 'no-vtn-trust' | 'system-roots' | 'no-server-identity' | 'no-signatures' | 'signatures-without-identity' | 'short-replay-window' | 'replay-cache-in-memory';
  readonly message: string;
}

/**
 * The weak spots of a simulator configuration that `rxadr ven --check` reports (SECURITY.md):
 * plain HTTP, a VTN TLS certificate nobody vouches for, system roots, signatures that trust a
 * whole CA, a replay window too short for real clocks, and a nonce cache a restart forgets.
 */
export function configWarnings(config: VenSimConfig): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  const tls = config.tls;
  if (config.vtnUrl.startsWith('http://')) {
    warnings.push({ check: 'plain-http', message: `${config.vtnUrl} is plain HTTP: nothing is encrypted and the VTN is not authenticated; OpenADR requires TLS (OPENADR.md §7.1)` });
  } else if (tls?.trustSystemRoots === true) {
    warnings.push({ check: 'system-roots', message: 'tls.trustSystemRoots accepts a VTN certificate from any public web CA; set tls.ca to the OpenADR root or your CA, or pin the VTN' });
  } else if (tls?.ca === undefined && (tls?.pinnedFingerprints ?? []).length === 0 && (tls?.pinnedPublicKeys ?? []).length === 0) {
    warnings.push({ check: 'no-vtn-trust', message: 'nothing says who the VTN is at the TLS layer (no tls.ca, no pin): the VEN will refuse to start' });
  } else if (tls?.checkServerIdentity === false && (tls.pinnedFingerprints ?? []).length === 0 && (tls.pinnedPublicKeys ?? []).length === 0) {
    warnings.push({ check: 'no-server-identity', message: 'tls.checkServerIdentity is false and no pin is set: any certificate the CA issued is accepted as the VTN' });
  }
  const signing = config.signing;
  if (signing === undefined) {
    warnings.push({ check: 'no-signatures', message: 'XML signatures are off: payloads are authenticated by TLS alone (OPENADR.md §7.3)' });
    return warnings;
  }
  if (signing.vtnFingerprints.length === 0 && signing.vtnCa.length > 0 && signing.vtnIdentity === undefined) {
    warnings.push({
      check: 'signatures-without-identity',
      message:
        signing.anyCertificateFromCa === true
          ? 'signing.anyCertificateFromCa accepts any signer the CA issued, other VENs included; set signing.vtnIdentity or signing.vtnFingerprints'
          : 'signing.vtnCa without signing.vtnIdentity or signing.vtnFingerprints trusts the whole CA: the VEN will refuse to start',
    });
  }
  if (signing.replayWindowMs !== undefined && signing.replayWindowMs < SHORT_REPLAY_WINDOW_MS) {
    warnings.push({
      check: 'short-replay-window',
      message: `signing.replayWindowMs ${signing.replayWindowMs} is under ${SHORT_REPLAY_WINDOW_MS} ms: clock skew and HTTP timeouts will reject genuine messages`,
    });
  }
  if (signing.replayStore === undefined) {
    warnings.push({
      check: 'replay-cache-in-memory',
      message: 'accepted nonces are kept in memory only, so a restart reopens the replay window; set stateFile or signing.replayStore',
    });
  }
  return warnings;
}
