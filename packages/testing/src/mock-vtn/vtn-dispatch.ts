import { Duration, type EiResponse, type MessageOf, type OadrMessage, type OadrService } from '@rxadr/core';
import type { VtnModel } from './vtn-model.js';
import { eiResponse as ok, type VtnAnswer, type VtnVen } from './vtn-types.js';
import { VEN_REPORT_TYPES, type VenReportMessage } from './vtn-report-hooks.js';
import { acceptedBy, venIdOf } from './vtn-services.js';

const response = (code: string, description: string, venID?: string): MessageOf<'oadrResponse'> => ({
  type: 'oadrResponse',
  eiResponse: ok('', code, description),
  ...(venID !== undefined ? { venID } : {}),
});

/**
 * The VTN's answer to one VEN request (OPENADR.md §3.0), in this order:
 * 1. a message posted to the wrong service → oadrResponse 459 ([OL], §1.3);
 * 2. a venID the VTN does not know (also in EiReport payloads that name one) → 463 (§8) or, by
 *    policy, oadrRequestReregistration to a poll; a registration naming unknown IDs is
 *    registered fresh or, by `unknownRegistration`, answered 463;
 * 3. EiReport payloads → `model.reports` (the report side's hook);
 * 4. registration (query, create, VEN-side cancel and canceled), oadrRequestEvent (all
 *    current events, rule 50), oadrPoll (next queued item, else oadrResponse 200),
 *    oadrCreatedEvent (recorded, oadrResponse 200), opts (oadrCreatedOpt / oadrCanceledOpt),
 *    a bare oadrResponse (empty HTTP 200, as [OL], §1.5).
 */
export function handleVenMessage(model: VtnModel, message: OadrMessage, service?: OadrService): VtnAnswer {
  if (service !== undefined && !acceptedBy(service, message.type)) return response('459', `${message.type} is not accepted by ${service}`);
  const venID = venIdOf(message);
  if (venID !== undefined && !model.vens.has(venID)) {
    if (message.type === 'oadrPoll' && model.unknownVen === 'request-reregistration') return { type: 'oadrRequestReregistration', venID };
    return response('463', `venID ${venID} is not registered`, venID);
  }
  if (VEN_REPORT_TYPES.has(message.type)) {
    const report = message as VenReportMessage;
    const reporter = report.venID !== undefined && model.vens.has(report.venID) ? report.venID : undefined;
    return model.reports.handle(report, model.reportContext(reporter));
  }
  switch (message.type) {
    case 'oadrQueryRegistration':
      return created(model, ok(message.requestID));
    case 'oadrCreatePartyRegistration':
      return register(model, message);
    case 'oadrCancelPartyRegistration': {
      const ven = message.venID !== undefined ? model.vens.get(message.venID) : undefined;
      const own = ven !== undefined && ven.registrationID === message.registrationID;
      if (own) model.vens.delete(ven.venID);
      const code = own ? ok(message.requestID) : ok(message.requestID, '452', `registrationID ${message.registrationID} unknown`);
      return { type: 'oadrCanceledPartyRegistration', eiResponse: code, registrationID: message.registrationID, ...(message.venID ? { venID: message.venID } : {}) };
    }
    case 'oadrCanceledPartyRegistration':
      if (message.eiResponse.responseCode === '200') model.vens.delete(message.venID ?? '');
      return { type: 'oadrResponse', eiResponse: ok(message.eiResponse.requestID) };
    case 'oadrRequestEvent':
      return model.distribution(message.eiRequestEvent.venID, message.eiRequestEvent.requestID);
    case 'oadrPoll': {
      const item = model.vens.get(message.venID)?.queue.shift();
      if (!item) return { type: 'oadrResponse', eiResponse: ok(''), venID: message.venID };
      return 'raw' in item ? item : item.message;
    }
    case 'oadrCreatedEvent':
      model.createdEvents.push(message);
      return { type: 'oadrResponse', eiResponse: ok(''), venID: message.eiCreatedEvent.venID };
    case 'oadrCreateOpt': {
      const code = model.optResponseCode;
      if (code === '200') model.opts.set(message.optID, message);
      return { type: 'oadrCreatedOpt', eiResponse: ok(message.requestID, code, code === '200' ? 'OK' : 'refused'), optID: message.optID };
    }
    case 'oadrCancelOpt': {
      const code = model.opts.delete(message.optID) ? model.optResponseCode : '452';
      return { type: 'oadrCanceledOpt', eiResponse: ok(message.requestID, code, code === '200' ? 'OK' : 'refused'), optID: message.optID };
    }
    case 'oadrResponse':
      return { raw: '' }; // as [OL] does (OPENADR.md §1.5)
    default:
      return response('451', `${message.type} is not sent by a VEN`);
  }
}

/** oadrCreatePartyRegistration: a new VEN gets fresh venID and registrationID; a known registrationID keeps both (§3.1). */
function register(model: VtnModel, message: MessageOf<'oadrCreatePartyRegistration'>): VtnAnswer {
  if (model.refuseRegistration) return created(model, ok(message.requestID, model.refuseRegistration, 'refused'));
  const unknownVen = message.venID !== undefined && !model.vens.has(message.venID);
  const unknownRegistration = message.registrationID !== undefined && ![...model.vens.values()].some((v) => v.registrationID === message.registrationID);
  if (model.unknownRegistration === 'answer-463' && (unknownVen || unknownRegistration)) {
    return created(model, ok(message.requestID, '463', `venID ${message.venID ?? '-'} / registrationID ${message.registrationID ?? '-'} not registered`));
  }
  const known = message.registrationID !== undefined ? [...model.vens.values()].find((v) => v.registrationID === message.registrationID) : undefined;
  const push = message.oadrHttpPullModel === false && message.oadrTransportAddress !== undefined;
  const ven: VtnVen = {
    venID: known?.venID ?? model.nextId('VEN'),
    registrationID: known?.registrationID ?? model.nextId('REG'),
    venName: message.oadrVenName ?? known?.venName,
    queue: known?.queue ?? [],
    transportAddress: push ? message.oadrTransportAddress : undefined,
    pull: !push,
  };
  model.vens.set(ven.venID, ven);
  model.reports.registered?.(ven.venID, model.reportContext(ven.venID));
  return created(model, ok(message.requestID), ven);
}

function created(model: VtnModel, eiResponse: EiResponse, ven?: VtnVen): MessageOf<'oadrCreatedPartyRegistration'> {
  return {
    type: 'oadrCreatedPartyRegistration',
    eiResponse,
    ...(ven ? { registrationID: ven.registrationID, venID: ven.venID } : {}),
    vtnID: model.vtnID,
    oadrProfiles: { oadrProfile: [{ oadrProfileName: '2.0b', oadrTransports: { oadrTransport: [{ oadrTransportName: 'simpleHttp' }] } }] },
    oadrRequestedOadrPollFreq: Duration.parse(model.pollFrequency) ?? Duration.of({ seconds: 10 }),
  };
}
