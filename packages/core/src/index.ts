// End-user API

// Integrator API: transports
export { OADR_SERVICES } from './transport/transport.js';
export type { InboundExchange, OadrService, Transport, TransportRequest } from './transport/transport.js';
export { TransportError, isTransportError } from './transport/transport-error.js';
export type { TransportErrorCode, TransportErrorOptions } from './transport/transport-error.js';
