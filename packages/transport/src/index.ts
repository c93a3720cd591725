// End-user API: the simpleHTTP pull client, the push server and the raw-XML tap (OPENADR.md §1, §7.1).
export { httpTransport } from './http-transport.js';
export { resolveHttpTransportOptions } from './http-transport-options.js';
export type {
  HttpTransportOptions,
  HttpTransportTlsOptions,
  ResolvedClientTls,
  ResolvedHttpTransportOptions,
} from './http-transport-options.js';
export { httpPushServer } from './http-push-server.js';
export type { PushServer } from './http-push-server.js';
export { resolveHttpPushServerOptions } from './http-push-server-options.js';
export type {
  HttpPushServerOptions,
  PushServerTlsOptions,
  ResolvedHttpPushServerOptions,
  ResolvedPushServerTls,
} from './http-push-server-options.js';
export { pushTransport } from './push-transport.js';
export { rawXmlTap } from './raw-xml-tap.js';
export type { RawXmlExchange } from './raw-xml-tap.js';
export type { TlsPeerIdentity, TlsPeerTrustOptions } from './peer-verification.js';
export type { VtnTrustOptions } from './vtn-trust.js';
export { TransportConfigError } from './transport-config-error.js';
export type { TransportConfigErrorCode } from './transport-config-error.js';
export type { TransportLogger } from './transport-logger.js';

// Integrator API: building blocks for custom transports and tools.
export { certificateFingerprint } from './fingerprint.js';
export { OADR_PATH_PREFIX, parseVtnUrl, serviceOfPath } from './service-path.js';
export type { VtnEndpoint } from './service-path.js';
export { OPENADR_CIPHERS, resolveTlsPolicy } from './tls-policy.js';
export type { ResolvedTlsPolicy, TlsPolicyOptions } from './tls-policy.js';
export { EXPIRY_WARNING_DAYS } from './tls-identity.js';
export { MIN_TLS_RSA_BITS } from './peer-verification.js';
export type { PemInput, TlsIdentityOptions } from './tls-identity.js';
export { toTransportError } from './map-transport-error.js';
export { isXmlContentType } from './xml-content-type.js';
