import { attribute, choice, one, opt, type ChoiceOf } from '../codec/fields.js';
import { sequence } from '../codec/sequence.js';
import { xsString } from '../codec/scalars.js';
import { rawElement } from '../codec/xml-codec.js';
import { NS } from '../xml/namespaces.js';
import { createdEventCodec, distributeEventCodec, requestEventCodec } from './event.js';
import { cancelOptCodec, canceledOptCodec, createOptCodec, createdOptCodec } from './opt.js';
import {
  cancelPartyRegistrationCodec,
  canceledPartyRegistrationCodec,
  createPartyRegistrationCodec,
  createdPartyRegistrationCodec,
  pollCodec,
  queryRegistrationCodec,
  requestReregistrationCodec,
  responseCodec,
} from './registration.js';
import {
  cancelReportCodec,
  canceledReportCodec,
  createReportCodec,
  createdReportCodec,
  registerReportCodec,
  registeredReportCodec,
  updateReportCodec,
  updatedReportCodec,
} from './report.js';

const { oadr, ds } = NS;

/** The 23 payloads of profile B, keyed by element name (OPENADR.md §3). */
export const payloadOptions = {
  oadrQueryRegistration: [oadr, 'oadrQueryRegistration', queryRegistrationCodec],
  oadrCreatePartyRegistration: [oadr, 'oadrCreatePartyRegistration', createPartyRegistrationCodec],
  oadrCreatedPartyRegistration: [oadr, 'oadrCreatedPartyRegistration', createdPartyRegistrationCodec],
  oadrCancelPartyRegistration: [oadr, 'oadrCancelPartyRegistration', cancelPartyRegistrationCodec],
  oadrCanceledPartyRegistration: [oadr, 'oadrCanceledPartyRegistration', canceledPartyRegistrationCodec],
  oadrRequestReregistration: [oadr, 'oadrRequestReregistration', requestReregistrationCodec],
  oadrResponse: [oadr, 'oadrResponse', responseCodec],
  oadrPoll: [oadr, 'oadrPoll', pollCodec],
  oadrRequestEvent: [oadr, 'oadrRequestEvent', requestEventCodec],
  oadrDistributeEvent: [oadr, 'oadrDistributeEvent', distributeEventCodec],
  oadrCreatedEvent: [oadr, 'oadrCreatedEvent', createdEventCodec],
  oadrCreateOpt: [oadr, 'oadrCreateOpt', createOptCodec],
  oadrCreatedOpt: [oadr, 'oadrCreatedOpt', createdOptCodec],
  oadrCancelOpt: [oadr, 'oadrCancelOpt', cancelOptCodec],
  oadrCanceledOpt: [oadr, 'oadrCanceledOpt', canceledOptCodec],
  oadrRegisterReport: [oadr, 'oadrRegisterReport', registerReportCodec],
  oadrRegisteredReport: [oadr, 'oadrRegisteredReport', registeredReportCodec],
  oadrCreateReport: [oadr, 'oadrCreateReport', createReportCodec],
  oadrCreatedReport: [oadr, 'oadrCreatedReport', createdReportCodec],
  oadrUpdateReport: [oadr, 'oadrUpdateReport', updateReportCodec],
  oadrUpdatedReport: [oadr, 'oadrUpdatedReport', updatedReportCodec],
  oadrCancelReport: [oadr, 'oadrCancelReport', cancelReportCodec],
  oadrCanceledReport: [oadr, 'oadrCanceledReport', canceledReportCodec],
} as const;

/** Any OpenADR 2.0b payload; `type` is the payload's element name. */
export type OadrMessage = ChoiceOf<typeof payloadOptions>;
/** The payload element names. */
export type OadrMessageType = OadrMessage['type'];
/** The member of the message union with the given type. */
export type MessageOf<T extends OadrMessageType> = Extract<OadrMessage, { type: T }>;
/** A payload without its `type` tag, for building messages: `message('oadrPoll', { venID })`. */
export type MessageBody<T extends OadrMessageType> = Omit<MessageOf<T>, 'type'>;

export const MESSAGE_TYPES = Object.keys(payloadOptions) as OadrMessageType[];

/** `oadr:oadrSignedObject`: `oadr:Id` and exactly one payload. */
export const signedObjectCodec = sequence('oadrSignedObject', {
  id: attribute('opt', oadr, 'Id', xsString),
  message: choice('one', payloadOptions),
});

/** `oadr:oadrPayload`: the envelope of every message; the signature is kept raw for `@rxadr/signing`. */
export const oadrPayloadCodec = sequence('oadrPayload', {
  signature: opt(ds, 'Signature', rawElement),
  oadrSignedObject: one(oadr, 'oadrSignedObject', signedObjectCodec),
});
