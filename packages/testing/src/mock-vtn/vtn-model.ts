import { Duration, type EiResponse, type MessageOf, type OadrEvent, type OadrMessage } from '@rxadr/core';
import { authorEvent, type EventSpec } from './event-authoring.js';
import { VEN_REPORT_TYPES, createDefaultVtnReports, type VenReportMessage, type VtnReportContext, type VtnReportHooks } from './vtn-report-hooks.js';

/** Something waiting in a VEN's poll queue: a message, or raw XML for malformed-input tests. */
export type QueuedItem = { readonly message: OadrMessage } | { readonly raw: string };

/** The VTN's answer to one request: a message, or a raw body ('' = empty HTTP 200). */
export type VtnAnswer = OadrMessage | { readonly raw: string };

/** One VEN as the VTN knows it. */
export interface VtnVen {
  readonly venID: string;
  readonly registrationID: string;
  readonly venName: string | undefined;
  readonly queue: QueuedItem[];
}

/** An authored event with its current version. */
export interface AuthoredEvent {
  readonly spec: EventSpec & { readonly eventID: string };
  readonly event: OadrEvent;
}

export interface VtnModelOptions {
  /** Default `MOCK-VTN-1` (upper case on purpose, OPENADR.md §9). */
  readonly vtnID?: string;
  /** `oadrRequestedOadrPollFreq`; default `PT10S`. */
  readonly pollFrequency?: string;
  readonly now: () => Date;
}

const ok = (requestID: string, code = '200', description = 'OK'): EiResponse => ({ responseCode: code, responseDescription: description, requestID });

/**
 * The VTN side of the mock, independent of any front door: registrations, per-VEN poll
 * queues, authored events (every distribution lists all current events, rule 50), opts, and
 * what the VENs answered. `handle` turns one VEN request into the VTN's answer.
 */
export function createVtnModel(options: VtnModelOptions) {
  let counter = 0;
  const next = (prefix: string): string => `${prefix}-${++counter}`;
  const vens = new Map<string, VtnVen>();
  const events = new Map<string, AuthoredEvent>();
  const opts = new Map<string, MessageOf<'oadrCreateOpt'>>();
  const createdEvents: MessageOf<'oadrCreatedEvent'>[] = [];

  const model = {
    vtnID: options.vtnID ?? 'MOCK-VTN-1',
    pollFrequency: options.pollFrequency ?? 'PT10S',
    /** When set, oadrCreatePartyRegistration is answered with this code and no registrationID. */
    refuseRegistration: undefined as string | undefined,
    /** The code oadrCreateOpt/oadrCancelOpt get. */
    optResponseCode: '200',
    /** The report side (OPENADR.md §5); replace it to request and check reports. Default {@link createDefaultVtnReports}. */
    reports: createDefaultVtnReports() as VtnReportHooks,
    vens,
    events,
    opts,
    createdEvents,

    registered(): VtnVen[] {
      return [...vens.values()];
    },

    distribution(venID: string, answering?: string): MessageOf<'oadrDistributeEvent'> {
      const list = [...events.values()].filter((e) => !e.spec.venIDs || e.spec.venIDs.includes(venID)).map((e) => e.event);
      return { type: 'oadrDistributeEvent', ...(answering !== undefined ? { eiResponse: ok(answering) } : {}), requestID: next('dist'), vtnID: model.vtnID, oadrEvent: list };
    },

    enqueue(venID: string, item: QueuedItem): void {
      vens.get(venID)?.queue.push(item);
    },

    distribute(spec: EventSpec): void {
      for (const ven of vens.values()) if (!spec.venIDs || spec.venIDs.includes(ven.venID)) ven.queue.push({ message: model.distribution(ven.venID) });
    },

    createEvent(spec: EventSpec): string {
      const full = { ...spec, eventID: spec.eventID ?? next('event') };
      events.set(full.eventID, { spec: full, event: authorEvent(full, 0, options.now()) });
      model.distribute(full);
      return full.eventID;
    },

    modifyEvent(eventID: string, changes: Partial<EventSpec>, distribute = true): void {
      const current = events.get(eventID);
      if (!current) throw new Error(`mock VTN: no event ${eventID}`);
      const spec = { ...current.spec, ...changes, eventID };
      events.set(eventID, { spec, event: authorEvent(spec, current.event.eiEvent.eventDescriptor.modificationNumber + 1, options.now()) });
      if (distribute) model.distribute(spec);
    },

    cancelEvent(eventID: string): void {
      model.modifyEvent(eventID, { status: 'cancelled' });
    },

    /** Drops an event without telling anyone: the next distribution implies its cancellation (rule 61). */
    removeEvent(eventID: string): void {
      events.delete(eventID);
    },

    requestReregistration(venID: string): void {
      model.enqueue(venID, { message: { type: 'oadrRequestReregistration', venID } });
    },

    cancelRegistration(venID: string, registrationID = vens.get(venID)?.registrationID ?? 'unknown'): void {
      model.enqueue(venID, { message: { type: 'oadrCancelPartyRegistration', requestID: next('req'), registrationID, venID } });
    },

    handle(message: OadrMessage): VtnAnswer {
      if (VEN_REPORT_TYPES.has(message.type)) {
        const report = message as VenReportMessage;
        const venID = 'venID' in report && report.venID !== undefined && vens.has(report.venID) ? report.venID : undefined;
        return model.reports.handle(report, reportContext(venID));
      }
      switch (message.type) {
        case 'oadrQueryRegistration':
          return created(ok(message.requestID));
        case 'oadrCreatePartyRegistration': {
          if (model.refuseRegistration) return created({ ...ok(message.requestID, model.refuseRegistration, 'refused') });
          const known = message.registrationID !== undefined ? [...vens.values()].find((v) => v.registrationID === message.registrationID) : undefined;
          const ven: VtnVen = known ?? { venID: next('VEN'), registrationID: next('REG'), venName: message.oadrVenName, queue: [] };
          vens.set(ven.venID, ven);
          model.reports.registered?.(ven.venID, reportContext(ven.venID));
          return created(ok(message.requestID), ven);
        }
        case 'oadrCancelPartyRegistration':
          vens.delete(message.venID ?? '');
          return { type: 'oadrCanceledPartyRegistration', eiResponse: ok(message.requestID), registrationID: message.registrationID, ...(message.venID ? { venID: message.venID } : {}) };
        case 'oadrCanceledPartyRegistration':
          if (message.eiResponse.responseCode === '200') vens.delete(message.venID ?? '');
          return { type: 'oadrResponse', eiResponse: ok(message.eiResponse.requestID) };
        case 'oadrRequestEvent':
          return model.distribution(message.eiRequestEvent.venID, message.eiRequestEvent.requestID);
        case 'oadrPoll': {
          const ven = vens.get(message.venID);
          if (!ven) return { type: 'oadrResponse', eiResponse: ok('', '463', 'not registered'), venID: message.venID };
          const item = ven.queue.shift();
          if (!item) return { type: 'oadrResponse', eiResponse: ok(''), venID: message.venID };
          return 'raw' in item ? item : item.message;
        }
        case 'oadrCreatedEvent':
          createdEvents.push(message);
          return { type: 'oadrResponse', eiResponse: ok(''), venID: message.eiCreatedEvent.venID };
        case 'oadrCreateOpt':
          if (model.optResponseCode === '200') opts.set(message.optID, message);
          return { type: 'oadrCreatedOpt', eiResponse: ok(message.requestID, model.optResponseCode, model.optResponseCode === '200' ? 'OK' : 'refused'), optID: message.optID };
        case 'oadrCancelOpt': {
          const code = opts.delete(message.optID) ? model.optResponseCode : '452';
          return { type: 'oadrCanceledOpt', eiResponse: ok(message.requestID, code, code === '200' ? 'OK' : 'refused'), optID: message.optID };
        }
        case 'oadrResponse':
          return { raw: '' }; // as [OL] does (OPENADR.md §1.5)
        default:
          return { type: 'oadrResponse', eiResponse: ok('') };
      }
    },
  };

  function reportContext(venID: string | undefined): VtnReportContext {
    return { venID, now: options.now(), enqueue: (id, message) => model.enqueue(id, { message }), nextId: next };
  }

  function created(eiResponse: EiResponse, ven?: VtnVen): MessageOf<'oadrCreatedPartyRegistration'> {
    return {
      type: 'oadrCreatedPartyRegistration',
      eiResponse,
      ...(ven ? { registrationID: ven.registrationID, venID: ven.venID } : {}),
      vtnID: model.vtnID,
      oadrProfiles: { oadrProfile: [{ oadrProfileName: '2.0b', oadrTransports: { oadrTransport: [{ oadrTransportName: 'simpleHttp' }] } }] },
      oadrRequestedOadrPollFreq: Duration.parse(model.pollFrequency) ?? Duration.of({ seconds: 10 }),
    };
  }

  return model;
}

/** The VTN model (see {@link createVtnModel}). */
export type VtnModel = ReturnType<typeof createVtnModel>;
