import { enumeration, xsBoolean, xsString } from '../codec/scalars.js';
import { many, one, opt, some } from '../codec/fields.js';
import { sequence } from '../codec/sequence.js';
import type { TypeOf } from '../codec/xml-codec.js';
import { NS } from '../xml/namespaces.js';
import { durationProp, eiResponseCodec } from './common.js';

const { oadr, ei, pyld } = NS;

export const PROFILE_NAMES = ['2.0a', '2.0b'] as const;
export const TRANSPORT_NAMES = ['simpleHttp', 'xmpp'] as const;
export const SERVICE_NAMES = ['EiEvent', 'EiOpt', 'EiReport', 'EiRegisterParty', 'OadrPoll'] as const;

const profileName = enumeration('oadrProfileName', PROFILE_NAMES, false);
const transportName = enumeration('oadrTransportName', TRANSPORT_NAMES, false);

export const oadrInfoCodec = sequence('oadrInfo', {
  oadrKey: one(oadr, 'oadrKey', xsString),
  oadrValue: one(oadr, 'oadrValue', xsString),
});

/** oadrQueryRegistration (VEN → VTN, OPENADR.md §3.1). */
export const queryRegistrationCodec = sequence('oadrQueryRegistration', {
  requestID: one(pyld, 'requestID', xsString),
});

/** oadrCreatePartyRegistration (VEN → VTN). */
export const createPartyRegistrationCodec = sequence('oadrCreatePartyRegistration', {
  requestID: one(pyld, 'requestID', xsString),
  registrationID: opt(ei, 'registrationID', xsString),
  venID: opt(ei, 'venID', xsString),
  oadrProfileName: one(oadr, 'oadrProfileName', profileName),
  oadrTransportName: one(oadr, 'oadrTransportName', transportName),
  oadrTransportAddress: opt(oadr, 'oadrTransportAddress', xsString),
  oadrReportOnly: one(oadr, 'oadrReportOnly', xsBoolean),
  oadrXmlSignature: one(oadr, 'oadrXmlSignature', xsBoolean),
  oadrVenName: opt(oadr, 'oadrVenName', xsString),
  oadrHttpPullModel: opt(oadr, 'oadrHttpPullModel', xsBoolean),
});

export const profileCodec = sequence('oadrProfile', {
  oadrProfileName: one(oadr, 'oadrProfileName', profileName),
  oadrTransports: one(oadr, 'oadrTransports', wrapperList()),
});

function wrapperList() {
  return sequence('oadrTransports', {
    oadrTransport: some(oadr, 'oadrTransport', sequence('oadrTransport', { oadrTransportName: one(oadr, 'oadrTransportName', transportName) })),
  });
}

/** oadrCreatedPartyRegistration (VTN → VEN): venID, registrationID, vtnID, poll frequency. */
export const createdPartyRegistrationCodec = sequence('oadrCreatedPartyRegistration', {
  eiResponse: one(ei, 'eiResponse', eiResponseCodec),
  registrationID: opt(ei, 'registrationID', xsString),
  venID: opt(ei, 'venID', xsString),
  vtnID: one(ei, 'vtnID', xsString),
  oadrProfiles: one(oadr, 'oadrProfiles', sequence('oadrProfiles', { oadrProfile: some(oadr, 'oadrProfile', profileCodec) })),
  oadrRequestedOadrPollFreq: opt(oadr, 'oadrRequestedOadrPollFreq', durationProp),
  oadrServiceSpecificInfo: opt(
    oadr,
    'oadrServiceSpecificInfo',
    sequence('oadrServiceSpecificInfo', {
      oadrService: many(
        oadr,
        'oadrService',
        sequence('oadrService', {
          oadrServiceName: one(oadr, 'oadrServiceName', enumeration('oadrServiceName', SERVICE_NAMES, false)),
          oadrInfo: some(oadr, 'oadrInfo', oadrInfoCodec),
        }),
      ),
    }),
  ),
  oadrExtensions: opt(
    oadr,
    'oadrExtensions',
    sequence('oadrExtensions', {
      oadrExtension: many(
        oadr,
        'oadrExtension',
        sequence('oadrExtension', {
          oadrExtensionName: one(oadr, 'oadrExtensionName', xsString),
          oadrInfo: many(oadr, 'oadrInfo', oadrInfoCodec),
        }),
      ),
    }),
  ),
});
export type CreatedPartyRegistration = TypeOf<typeof createdPartyRegistrationCodec>;

export const cancelPartyRegistrationCodec = sequence('oadrCancelPartyRegistration', {
  requestID: one(pyld, 'requestID', xsString),
  registrationID: one(ei, 'registrationID', xsString),
  venID: opt(ei, 'venID', xsString),
});

export const canceledPartyRegistrationCodec = sequence('oadrCanceledPartyRegistration', {
  eiResponse: one(ei, 'eiResponse', eiResponseCodec),
  registrationID: opt(ei, 'registrationID', xsString),
  venID: opt(ei, 'venID', xsString),
});

export const requestReregistrationCodec = sequence('oadrRequestReregistration', {
  venID: one(ei, 'venID', xsString),
});

/** oadrPoll (VEN → VTN, OadrPoll). */
export const pollCodec = sequence('oadrPoll', { venID: one(ei, 'venID', xsString) });

/** oadrResponse: the generic acknowledgement (and "nothing queued" as a poll answer). */
export const responseCodec = sequence('oadrResponse', {
  eiResponse: one(ei, 'eiResponse', eiResponseCodec),
  venID: opt(ei, 'venID', xsString),
});


