import type { MessageOf } from '../model/message.js';
import type { NewObligation } from '../ledger/obligation.js';
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

/**
 * The ledger record for an oadrCreatedEvent (DESIGN.md "the ledger"): an answer about one event
 * is keyed by its eventID, so a later answer for the same event (a change of mind, rule 17, or a
 * newer modification) supersedes one still pending; an answer covering several events is keyed
 * by its distribution. It is settled by an oadrResponse with a 2xx code.
 */
export function createdEventObligation(message: MessageOf<'oadrCreatedEvent'>): NewObligation {
  const responses = message.eiCreatedEvent.eventResponses ?? [];
  const only = responses.length === 1 ? responses[0] : undefined;
  const requestID = responses[0]?.requestID ?? message.eiCreatedEvent.eiResponse.requestID;
  return {
    kind: 'created-event',
    key: only ? `event:${only.qualifiedEventID.eventID}` : `distribution:${requestID}`,
    subject: only ? { eventID: only.qualifiedEventID.eventID, modificationNumber: only.qualifiedEventID.modificationNumber, requestID } : { requestID },
    message,
    expects: 'oadrResponse',
  };
}
