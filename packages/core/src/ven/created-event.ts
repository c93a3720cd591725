import type { MessageOf } from '../model/message.js';
import type { OptType } from '../model/model-exports.js';

/** One eventResponse to send (§3.3, §4.8). */
export interface EventAnswerLine {
  readonly eventID: string;
  readonly modificationNumber: number;
  readonly code: string;
  readonly description: string | undefined;
  readonly optType: OptType;
  /** The oadrDistributeEvent's requestID (rule 42). */
  readonly requestID: string;
}

/**
 * oadrCreatedEvent exactly per §4.8: overall 200 with an empty eiResponse requestID (rules 25,
 * 42), one eventResponse per line with the distribution's requestID and the answered
 * modificationNumber. Returns undefined for no lines: then nothing is sent (rule 62).
 */
export function createdEvent(venID: string, lines: readonly EventAnswerLine[]): MessageOf<'oadrCreatedEvent'> | undefined {
  if (lines.length === 0) return undefined;
  return {
    type: 'oadrCreatedEvent',
    eiCreatedEvent: {
      eiResponse: { responseCode: '200', responseDescription: 'OK', requestID: '' },
      eventResponses: lines.map((line) => ({
        responseCode: line.code,
        ...(line.description !== undefined ? { responseDescription: line.description } : {}),
        requestID: line.requestID,
        qualifiedEventID: { eventID: line.eventID, modificationNumber: line.modificationNumber },
        optType: line.optType,
      })),
      venID,
    },
  };
}

/**
 * oadrCreatedEvent refusing a whole distribution (wrong vtnID, §4.7, rule 35): the error code in
 * eiResponse, which echoes the distribution's requestID, and no eventResponses.
 */
export function refusedDistribution(venID: string, requestID: string, code: string, description: string): MessageOf<'oadrCreatedEvent'> {
  return {
    type: 'oadrCreatedEvent',
    eiCreatedEvent: { eiResponse: { responseCode: code, responseDescription: description, requestID }, venID },
  };
}
