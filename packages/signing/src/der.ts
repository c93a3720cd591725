/**
 * A minimal DER reader (X.690) for the few X.509 fields Node's `X509Certificate` does not expose:
 * the keyUsage bits of a certificate and the revoked serial numbers of a CRL (RFC 5280 §4.2.1.3,
 * §5.1). Definite lengths only, as DER requires; anything else is a typed `DerError`.
 */

/** One tag-length-value element: `tag` is the first identifier octet; content is `bytes[start, end)`. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
  /** Offset of the identifier octet, so `bytes[offset, end)` is the whole element. */
  readonly offset: number;
}

/** Thrown for bytes that are not the DER structure expected. */
export class DerError extends Error {
  override readonly name = 'DerError';
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  /** `[0]` constructed, context-specific. */
  CONTEXT_0: 0xa0,
  /** `[3]` constructed, context-specific: the extensions of a TBSCertificate. */
  CONTEXT_3: 0xa3,
} as const;

/** Reads the element at `offset` and checks it ends within `limit`. */
export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv {
  if (offset + 2 > limit) throw new DerError(`truncated element at ${offset}`);
  const tag = bytes[offset] ?? 0;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte tag at ${offset}`);
  let length = bytes[offset + 1] ?? 0;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError(`unsupported length at ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  if (end > limit) throw new DerError(`element at ${offset} overruns its container`);
  return { tag, start, end, offset };
}

/** Reads an element and checks its tag. */
export function expectTlv(bytes: Uint8Array, offset: number, tag: number, limit = bytes.length): Tlv {
  const tlv = readTlv(bytes, offset, limit);
  if (tlv.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)} at ${offset}, found 0x${tlv.tag.toString(16)}`);
  return tlv;
}

/** The elements directly inside a constructed element. */
export function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const result: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end; ) {
    const child = readTlv(bytes, offset, parent.end);
    result.push(child);
    offset = child.end;
  }
  return result;
}

/** Dotted text of an OBJECT IDENTIFIER's content. */
export function oidText(bytes: Uint8Array, tlv: Tlv): string {
  const arcs: number[] = [];
  let value = 0;
  for (let i = tlv.start; i < tlv.end; i++) {
    const byte = bytes[i] ?? 0;
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/** An INTEGER's magnitude as upper-case hex without leading zeros (how certificate serials are compared). */
export function integerHex(bytes: Uint8Array, tlv: Tlv): string {
  return normalizeSerial(Buffer.from(bytes.subarray(tlv.start, tlv.end)).toString('hex'));
}

/** Serial number text in one form: upper case, no separators, no leading zeros. */
export function normalizeSerial(hex: string): string {
  return hex.replace(/[^0-9a-fA-F]/g, '').toUpperCase().replace(/^0+(?=.)/, '');
}

/** A UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5: always UTC, `Z`). */
export function readTime(bytes: Uint8Array, tlv: Tlv): Date {
  const text = Buffer.from(bytes.subarray(tlv.start, tlv.end)).toString('latin1');
  const match = tlv.tag === TAG.UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) throw new DerError(`'${text}' is not a DER time`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const year = tlv.tag === TAG.UTC_TIME ? (y >= 50 ? 1900 + y : 2000 + y) : y;
  return new Date(Date.UTC(year, mo - 1, d, h, mi, s));
}
