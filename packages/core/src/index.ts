// End-user API: messages
export { decodeMessage, decodeElement, encodeMessage, encodeElement, isMessage, ofType, message, DecodeError } from './codec/decode-message.js';
export type { DecodeErrorKind, DecodeResult, DecodedMessage, DecodeOptions } from './codec/decode-message.js';
export { messageToJson, messageFromJson } from './codec/message-json.js';
export { Duration } from './codec/duration.js';
export type { DurationParts } from './codec/duration.js';
export { CodecEncodeError } from './codec/xml-codec.js';
export type { CodecIssue } from './codec/xml-codec.js';
export { MESSAGE_TYPES, payloadOptions, oadrPayloadCodec, signedObjectCodec } from './model/message.js';
export type { OadrMessage, OadrMessageType, MessageOf, MessageBody } from './model/message.js';
export * from './model/model-exports.js';

// Integrator API: transports
export { OADR_SERVICES } from './transport/transport.js';
export type { InboundExchange, OadrService, Transport, TransportRequest } from './transport/transport.js';
export { TransportError, isTransportError } from './transport/transport-error.js';
export type { TransportErrorCode, TransportErrorOptions } from './transport/transport-error.js';

// Integrator API: XML and codec building blocks
export { NS, canonicalPrefix } from './xml/namespaces.js';
export { readXml, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH } from './xml/read-xml.js';
export type { XmlReadLimits, XmlReadFailure, XmlReadResult } from './xml/read-xml.js';
export { writeXml } from './xml/write-xml.js';
export { xmlElement } from './xml/xml-node.js';
export type { XmlAttribute, XmlContent, XmlElement } from './xml/xml-node.js';
export { XmlCodec } from './codec/xml-codec.js';
