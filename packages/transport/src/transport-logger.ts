/**
 * Where the transport reports things worth a human's attention that do not fail a request:
 * a certificate close to expiry (OPENADR.md §7.1), a VTN answering with a non-XML content type, an answer that
 * arrived after a push exchange was already settled. Defaults to silence.
 */
export interface TransportLogger {
  warn(message: string): void;
}

/** The default logger: drops every message. */
export const silentLogger: TransportLogger = { warn: () => undefined };
