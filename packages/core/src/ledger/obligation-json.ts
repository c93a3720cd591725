import { messageFromJson, messageToJson } from '../codec/message-json.js';
import { MESSAGE_TYPES, type OadrMessageType } from '../model/message.js';
import { VenError } from '../ven/ven-error.js';
import type { LedgerCounters, Obligation, ObligationKind, ObligationState } from './obligation.js';

const KINDS: readonly ObligationKind[] = [
  'created-event',
  'create-opt',
  'cancel-opt',
  'created-report',
  'canceled-report',
  'create-report',
  'cancel-report',
  'register-report',
  'report-delivery',
  'canceled-party-registration',
];

type Json = Record<string, unknown>;
const isObject = (u: unknown): u is Json => typeof u === 'object' && u !== null && !Array.isArray(u);

/** The stored form of a record: the record with its message in the codecs' JSON form (ISO dates, duration texts). */
export function obligationToJson(record: Obligation): Json {
  const { message, bytes: _bytes, lastError, ...rest } = record;
  return { ...rest, message: messageToJson(message), ...(lastError ? { lastError } : {}) };
}

/**
 * About how many characters `JSON.stringify(json)` writes, without writing them: a string counts
 * its characters and two quotes (escapes not counted), an integer its digits, any other number
 * 8, every key, separator and bracket as written. A record's size for the ledger's byte bound:
 * several times cheaper than stringifying, which every record added would otherwise pay just to
 * be measured.
 */
export function storedSize(json: unknown): number {
  switch (typeof json) {
    case 'string':
      return json.length + 2;
    case 'number':
      return Number.isInteger(json) ? digits(json) : 8;
    case 'boolean':
      return 5;
    case 'object': {
      if (json === null) return 4;
      let size = 2;
      if (Array.isArray(json)) {
        for (let i = 0; i < json.length; i++) size += storedSize(json[i]) + 1;
        return size;
      }
      const fields = json as Json;
      for (const key in fields) {
        const value = fields[key];
        if (value !== undefined) size += key.length + 4 + storedSize(value);
      }
      return size;
    }
    default:
      return 0;
  }
}

function digits(integer: number): number {
  let count = integer < 0 ? 2 : 1;
  for (let rest = Math.abs(integer); rest >= 10 && count < 22; rest /= 10) count++;
  return count;
}

/** Reads a stored record back; throws `VenError('store')` naming what is wrong (never a silent loss). */
export function obligationFromJson(json: unknown, source: string): Obligation {
  const bad = (what: string): never => {
    throw new VenError('store', `${source}: corrupt obligations ledger (${what})`);
  };
  if (!isObject(json) || typeof json['id'] !== 'string') return bad('a record without an id');
  const where = `record ${json['id']}`;
  if (!KINDS.includes(json['kind'] as ObligationKind)) bad(`${where}: kind`);
  if (typeof json['key'] !== 'string' || !isObject(json['subject'])) bad(`${where}: key or subject`);
  if (!(MESSAGE_TYPES as readonly string[]).includes(json['expects'] as string)) bad(`${where}: expects`);
  for (const field of ['attempts', 'nextAttemptAt', 'createdAt', 'updatedAt']) if (typeof json[field] !== 'number') bad(`${where}: ${field}`);
  let message;
  try {
    message = messageFromJson(json['message']);
  } catch (cause) {
    throw new VenError('store', `${source}: corrupt obligations ledger (${where}: message: ${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
  const lastError = isObject(json['lastError']) ? (json['lastError'] as unknown as Obligation['lastError']) : undefined;
  return {
    id: json['id'],
    kind: json['kind'] as ObligationKind,
    key: json['key'] as string,
    subject: json['subject'] as Obligation['subject'],
    message,
    expects: json['expects'] as OadrMessageType,
    needsRegistration: json['needsRegistration'] !== false,
    state: (json['state'] as ObligationState | undefined) ?? 'pending',
    attempts: json['attempts'] as number,
    nextAttemptAt: json['nextAttemptAt'] as number,
    createdAt: json['createdAt'] as number,
    updatedAt: json['updatedAt'] as number,
    ...(lastError ? { lastError } : {}),
    bytes: storedSize(json),
  };
}

/** Counters all zero. */
export const ZERO_COUNTERS: LedgerCounters = { pending: 0, settled: 0, failed: 0, superseded: 0, droppedOverflow: 0, droppedRequestEnded: 0, retries: 0 };

/** Reads stored counters leniently (a missing field is 0). */
export function countersFromJson(json: unknown): LedgerCounters {
  const source = isObject(json) ? json : {};
  const read = (name: keyof LedgerCounters): number => (typeof source[name] === 'number' ? (source[name] as number) : 0);
  return { pending: 0, settled: read('settled'), failed: read('failed'), superseded: read('superseded'), droppedOverflow: read('droppedOverflow'), droppedRequestEnded: read('droppedRequestEnded'), retries: read('retries') };
}
