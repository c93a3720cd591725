import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SchedulerLike } from 'rxjs';
import { asyncScheduler } from 'rxjs';
import { Duration } from '@rxadr/core';
import { withVtnStatus } from './event-status.js';
import { eventsFileSchema, type ScheduledEvent } from './event-schedule.js';
import { checkJson, type JsonIssue, type JsonSchema } from './json-schema-check.js';
import type { VtnKit } from './vtn-kit.js';

/** Options of {@link listenVtnControl}. */
export interface VtnControlOptions {
  /** Default 0 (a free port; read `url`). */
  readonly port?: number;
  /** Default `127.0.0.1`: the control interface has no authentication, keep it local. */
  readonly host?: string;
  /** The VTN's clock, for offsets in `start`. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Called after each control request that changed something (the `rxadr mock-vtn` command logs it). */
  readonly log?: (entry: { readonly action: string; readonly eventID?: string; readonly status: number }) => void;
}

/** A running control interface. */
export interface VtnControl {
  /** `http://host:port`. */
  readonly url: string;
  close(): Promise<void>;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: readonly JsonIssue[] = [],
  ) {
    super(message);
  }
}

function body(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > 1_000_000) request.destroy(new Error('body too large'));
    });
    request.on('end', () => {
      try {
        resolve(text === '' ? {} : JSON.parse(text));
      } catch (error) {
        reject(new ControlError(400, `the body is not JSON: ${(error as Error).message}`));
      }
    });
    request.on('error', reject);
  });
}

function check(value: unknown, definition: string): void {
  const root = eventsFileSchema() as JsonSchema & { definitions: Record<string, JsonSchema> };
  const issues = checkJson(value, { $ref: `#/definitions/${definition}` }, root);
  if (issues.length > 0) throw new ControlError(400, 'invalid request body', issues);
}

const startAt = (start: string | undefined, now: number, fallback: string): Date =>
  start !== undefined && !/^-?P/.test(start) ? new Date(start) : new Date(now + (Duration.parse(start ?? fallback)?.toMillis() ?? 0));

/**
 * A small local HTTP interface to change a running mock VTN's events (documented in docs/cli.md):
 * `GET /events` (every event with its current status), `POST /events` (create: an event of the
 * events-file format, without `at`, `modify`, `cancelAt`), `PATCH /events/<id>` (modify: the
 * fields of a change, without `at`), `DELETE /events/<id>` (cancel, rule 59), `GET /vens`,
 * `POST /vens/<venID>/cancel-registration` (queues oadrCancelPartyRegistration, §3.1),
 * `GET /reports` (the data the VENs reported, by rID). Bodies are checked against the events-file
 * schema; problems come back as 400 with `{ error, issues: [{ path, expected, found }] }`.
 *
 * @example
 * const control = await listenVtnControl(vtn, { port: 8081 });
 * // curl -X DELETE http://127.0.0.1:8081/events/shed-1
 */
export async function listenVtnControl(vtn: VtnKit, options: VtnControlOptions = {}): Promise<VtnControl> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const { model } = vtn;
  const events = () =>
    [...model.events.values()].map(({ spec, event }) => {
      const current = withVtnStatus(event, new Date(scheduler.now()));
      const descriptor = current.eiEvent.eventDescriptor;
      return { eventID: spec.eventID, modificationNumber: descriptor.modificationNumber, eventStatus: descriptor.eventStatus, start: new Date(spec.start).toISOString(), duration: spec.duration ?? 'PT1H' };
    });
  const route = async (request: IncomingMessage): Promise<{ status: number; json: unknown; action?: string; eventID?: string }> => {
    const url = new URL(request.url ?? '/', 'http://control');
    const venPath = /^\/vens\/([^/]+)\/cancel-registration$/.exec(url.pathname)?.[1];
    if (venPath !== undefined && request.method === 'POST') {
      const venID = decodeURIComponent(venPath);
      if (!model.vens.has(venID)) throw new ControlError(404, `no VEN ${venID}`);
      model.cancelRegistration(venID);
      return { status: 202, json: { venID, queued: 'oadrCancelPartyRegistration' }, action: 'cancel-registration' };
    }
    const id = /^\/events\/([^/]+)$/.exec(url.pathname)?.[1];
    const eventID = id === undefined ? undefined : decodeURIComponent(id);
    const known = (): string => {
      if (eventID === undefined || !model.events.has(eventID)) throw new ControlError(404, `no event ${eventID ?? ''}`);
      return eventID;
    };
    switch (`${request.method ?? 'GET'} ${eventID === undefined ? url.pathname : '/events/:id'}`) {
      case 'GET /events':
        return { status: 200, json: events() };
      case 'GET /vens':
        return { status: 200, json: model.registered().map((v) => ({ venID: v.venID, registrationID: v.registrationID, venName: v.venName ?? null, pull: v.pull !== false })) };
      case 'GET /reports': {
        const rIDs = new Set(vtn.recorder.messages('oadrUpdateReport').flatMap((m) => (m.oadrReport ?? []).flatMap((r) => (r.intervals ?? []).flatMap((i) => i.streamPayloadBase.flatMap((p) => (p.type === 'oadrReportPayload' ? [p.rID] : []))))));
        return { status: 200, json: Object.fromEntries([...rIDs].map((rID) => [rID, vtn.reportData(rID)])) };
      }
      case 'POST /events': {
        const input = await body(request);
        check(input, 'event');
        const { at, modify, cancelAt, start, ...spec } = input as ScheduledEvent;
        if (at !== undefined || modify !== undefined || cancelAt !== undefined) throw new ControlError(400, 'at, modify and cancelAt belong in the events file; the control interface acts now');
        if (spec.eventID !== undefined && model.events.has(spec.eventID)) throw new ControlError(409, `event ${spec.eventID} exists; PATCH /events/${spec.eventID} modifies it`);
        const created = model.createEvent({ ...spec, start: startAt(start, scheduler.now(), 'PT1M') });
        return { status: 201, json: events().find((e) => e.eventID === created), action: 'create', eventID: created };
      }
      case 'PATCH /events/:id': {
        const target = known();
        const input = await body(request);
        check({ at: 'PT0S', ...(input as object) }, 'change');
        const { start, ...changes } = input as { start?: string } & Record<string, unknown>;
        if (model.events.get(target)?.spec.status === 'cancelled') throw new ControlError(409, `event ${target} is cancelled`);
        model.modifyEvent(target, { ...changes, ...(start !== undefined ? { start: startAt(start, scheduler.now(), 'PT0S') } : {}) });
        return { status: 200, json: events().find((e) => e.eventID === target), action: 'modify', eventID: target };
      }
      case 'DELETE /events/:id': {
        const target = known();
        model.cancelEvent(target);
        return { status: 200, json: events().find((e) => e.eventID === target), action: 'cancel', eventID: target };
      }
      default:
        throw new ControlError(404, `no such control request: ${request.method ?? ''} ${url.pathname} (see docs/cli.md)`);
    }
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    route(request).then(
      (answer) => {
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(`${JSON.stringify(answer.json)}\n`);
        if (answer.action) options.log?.({ action: answer.action, ...(answer.eventID ? { eventID: answer.eventID } : {}), status: answer.status });
      },
      (error: unknown) => {
        const status = error instanceof ControlError ? error.status : 500;
        const issues = error instanceof ControlError ? error.issues : [];
        response.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error), ...(issues.length ? { issues } : {}) })}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
