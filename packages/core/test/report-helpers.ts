import { Observable, type SchedulerLike } from 'rxjs';
import { createSchemaValidator, schemaAvailable } from '@rxadr/testing';
import { encodeMessage, type OadrMessage, type ReportHost } from '../src/index.js';

/** Schema tests run when the XSD folder is present, and must run (and fail without it) under CI. */
export const requireSchema = process.env['CI'] === 'true' || schemaAvailable();

/** Validates every message in one XSD call; names each by its index and type. */
export async function assertSchemaValid(messages: readonly OadrMessage[]): Promise<void> {
  const documents = Object.fromEntries(messages.map((m, i) => [`${i}-${m.type}`, encodeMessage(m)]));
  await createSchemaValidator().assertValid(documents);
}

/** A report host in memory: `answer` decides what the VTN says (throw a TransportError to fail). */
export function createTestHost(scheduler: SchedulerLike, answer: (message: OadrMessage) => OadrMessage | undefined, venID = 'VEN-1') {
  const sent: OadrMessage[] = [];
  let slot: unknown;
  let id: string | undefined = venID;
  const host: ReportHost & { readonly sent: OadrMessage[]; slot: unknown; setVenID(v: string | undefined): void } = {
    scheduler,
    sent,
    get slot() {
      return slot;
    },
    set slot(value: unknown) {
      slot = value;
    },
    setVenID: (v) => void (id = v),
    send: (message) =>
      new Observable<OadrMessage | undefined>((subscriber) => {
        // Encode as the engine would: an invalid message fails here.
        encodeMessage(message);
        try {
          const reply = answer(message);
          sent.push(message);
          subscriber.next(reply);
          subscriber.complete();
        } catch (error) {
          subscriber.error(error);
        }
      }),
    venID: () => id,
    load: () => (slot === undefined ? undefined : JSON.parse(JSON.stringify(slot))),
    save: (value) => void (slot = value),
  };
  return host;
}

/** The VTN answers of a cooperative VTN. */
export function okAnswer(message: OadrMessage): OadrMessage | undefined {
  const ok = (requestID: string) => ({ responseCode: '200', responseDescription: 'OK', requestID });
  switch (message.type) {
    case 'oadrUpdateReport':
      return { type: 'oadrUpdatedReport', eiResponse: ok(message.requestID) };
    case 'oadrRegisterReport':
      return { type: 'oadrRegisteredReport', eiResponse: ok(message.requestID) };
    case 'oadrCreateReport':
      return { type: 'oadrCreatedReport', eiResponse: ok(message.requestID), oadrPendingReports: [] };
    case 'oadrCancelReport':
      return { type: 'oadrCanceledReport', eiResponse: ok(message.requestID), oadrPendingReports: [] };
    default:
      return { type: 'oadrResponse', eiResponse: ok('') };
  }
}
