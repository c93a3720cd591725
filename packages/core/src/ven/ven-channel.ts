import { Observable } from 'rxjs';
import { decodeMessage, encodeMessage } from '../codec/decode-message.js';
import type { OadrMessage } from '../model/message.js';
import type { OadrService, Transport } from '../transport/transport.js';
import { serviceOfMessage } from '../transport/service-of-message.js';
import { isTransportError } from '../transport/transport-error.js';
import { decodeDistribution, type RejectedEvent } from './decode-distribution.js';
import { VenError } from './ven-error.js';
import { namesOtherVen } from './foreign-ven.js';

/** A decoded VTN document: the message, plus the events that had to be set aside (rule 19). */
export interface Inbound {
  readonly message: OadrMessage;
  readonly rejected: readonly RejectedEvent[];
}

/** The engine's side of the transport: encode, send, decode; every failure a `VenError`. */
export interface VenChannel {
  /** Sends one message; emits the decoded answer (undefined for an empty 200) once and completes. */
  send(service: OadrService, message: OadrMessage): Observable<Inbound | undefined>;
  /** Decodes a VTN document (leniently per event for oadrDistributeEvent); throws `VenError('decode')`. */
  decode(xml: string): Inbound;
}

/** The service a VEN posts each message type to (§3.0). */
export function serviceOf(message: OadrMessage): OadrService {
  return serviceOfMessage(message.type);
}

/**
 * Rule 21 (§4.7): an answer that names another venID than the request did settles nothing of this
 * VEN's; it fails like an invalid document (`VenError('foreign-id')`), so it is retried as one.
 * Not checked: the registration answer (it assigns the venID, §3.1) and poll answers (VTN requests,
 * refused with 452 by the dispatcher).
 */
function checkAnswerVenID(service: OadrService, request: OadrMessage, answer: Inbound | undefined): Inbound | undefined {
  if (!answer || service === 'OadrPoll' || answer.message.type === 'oadrCreatedPartyRegistration') return answer;
  const own = 'venID' in request && typeof request.venID === 'string' ? request.venID : '';
  if (!namesOtherVen(answer.message, own)) return answer;
  const foreign = 'venID' in answer.message ? String(answer.message.venID) : '';
  throw new VenError('foreign-id', `${service} ${request.type}: the answer ${answer.message.type} is for venID ${foreign}, not this VEN's ${own}`, { responseCode: '452' });
}

/** Answers at most this long are remembered decoded (an idle poll's oadrResponse is a few hundred characters). */
const MEMO_MAX_CHARACTERS = 2_048;

/**
 * Creates the channel; `inbound` sees every decoded VTN message (it feeds `ven.messages$`).
 *
 * An idle VEN sends the same oadrPoll and gets the same oadrResponse every poll, so the channel
 * keeps the encoded poll of the current venID (unless the transport signs: its signer reads the
 * canonical bytes the encoder has just written) and the last small oadrResponse it decoded with
 * its document: the same text, character for character, is not decoded again. Decoding is a pure
 * function of the text, so the result is the same message; `inbound` still sees it each time.
 */
export function createVenChannel(transport: Transport, inbound: (message: OadrMessage) => void): VenChannel {
  let pollVenID: string | undefined;
  let pollBody = '';
  let memoBody: string | undefined;
  let memoAnswer: Inbound | undefined;
  const decode = (xml: string): Inbound => {
    if (xml === memoBody && memoAnswer) {
      inbound(memoAnswer.message);
      return memoAnswer;
    }
    const result = decodeMessage(xml);
    if (result.ok) {
      inbound(result.message);
      const answer: Inbound = { message: result.message, rejected: [] };
      if (result.message.type === 'oadrResponse' && xml.length <= MEMO_MAX_CHARACTERS) {
        memoBody = xml;
        memoAnswer = answer;
      }
      return answer;
    }
    const lenient = decodeDistribution(xml);
    if (lenient) {
      inbound(lenient.result.message);
      return lenient.result;
    }
    throw new VenError('decode', `the VTN sent an invalid document: ${result.error.message}`, { cause: result.error });
  };
  const encode = (message: OadrMessage): string => {
    if (message.type !== 'oadrPoll' || transport.signsMessages === true) return encodeMessage(message);
    if (message.venID !== pollVenID) {
      pollBody = encodeMessage(message);
      pollVenID = message.venID;
    }
    return pollBody;
  };
  const toAnswer = (body: string): Inbound | undefined => (body.trim() === '' ? undefined : decode(body));
  return {
    decode,
    // One subscriber between the transport and the engine (not a catchError and a map per message):
    // a transport failure becomes VenError('transport'); an answer is decoded and checked (rule 21),
    // and what that throws is the observable's error.
    send: (service, message) => {
      const reply = transport.send({ service, body: encode(message) });
      return new Observable<Inbound | undefined>((subscriber) =>
        reply.subscribe({
          next: (body) => {
            let answer: Inbound | undefined;
            try {
              answer = checkAnswerVenID(service, message, toAnswer(body));
            } catch (error: unknown) {
              subscriber.error(error);
              return;
            }
            subscriber.next(answer);
          },
          error: (error: unknown) =>
            subscriber.error(isTransportError(error) ? new VenError('transport', `${service} ${message.type}: ${error.message}`, { cause: error }) : error),
          complete: () => subscriber.complete(),
        }),
      );
    },
  };
}
