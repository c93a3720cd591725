/**
 * The shared contract every `Transport` must pass (STYLE.md rule 16; OPENADR.md §1.4, §1.5).
 * Imports vitest, so only test files import it (by relative path); it is not part of the
 * package's runtime entry point.
 */
import { OADR_SERVICES, TransportError, type OadrService, type Transport } from '@rxadr/core';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** A scripted answer: a body for HTTP 200, or a status and body, optionally held back `delayMs`. */
export type ContractAnswer = string | { readonly status: number; readonly body: string; readonly delayMs?: number };

/** The far end of a transport under test, as the contract suite drives it. */
export interface ContractVtn {
  /** Queues the answer to the next request for `service` (default without one: empty 200). */
  answerNext(service: OadrService, answer: ContractAnswer): void;
  /** Every request received so far, in arrival order. */
  received(): Array<{ service: OadrService; body: string }>;
}

/** What a contract run needs: the transport, its scripted far end and how to clean up. */
export interface ContractFixture {
  readonly transport: Transport;
  readonly vtn: ContractVtn;
  teardown(): Promise<void>;
}

/** A {@link ContractVtn} plus the hook a server (or memory transport) calls for each request. */
export interface ScriptedVtn extends ContractVtn {
  /** Records the request and resolves with the scripted answer once its delay has passed. */
  answer(service: OadrService, body: string): Promise<{ status: number; body: string }>;
}

/** Queue-per-service scripting shared by the loopback servers and the memory transport. */
export function createScriptedVtn(): ScriptedVtn {
  const queues = new Map<OadrService, ContractAnswer[]>();
  const log: Array<{ service: OadrService; body: string }> = [];
  return {
    answerNext: (service, answer) => queues.set(service, [...(queues.get(service) ?? []), answer]),
    received: () => [...log],
    answer: async (service, body) => {
      log.push({ service, body });
      const next = queues.get(service)?.shift() ?? '';
      if (typeof next === 'string') return { status: 200, body: next };
      if (next.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, next.delayMs));
      return { status: next.status, body: next.body };
    },
  };
}

const NON_ASCII = 'Grüße – 電力 – 𝄞 – ñ';

const payload = (service: OadrService, marker: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\r\n<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07">` +
  `<!-- ${service} ${marker} ${NON_ASCII} &amp; \t --></oadr:oadrPayload>\n`;

/**
 * Declares the contract suite for one transport. `setup` runs before every case and must give
 * a fresh transport and far end; `teardown` must leave nothing running.
 *
 * @example
 * describeTransportContract('memory', async () => {
 *   const vtn = createScriptedVtn();
 *   const transport = createMemoryTransport((r) => vtn.answer(r.service, r.body));
 *   return { transport, vtn, teardown: () => transport.close?.() ?? Promise.resolve() };
 * });
 */
export function describeTransportContract(name: string, setup: () => Promise<ContractFixture>): void {
  describe(`Transport contract: ${name}`, () => {
    let fixture: ContractFixture;
    beforeEach(async () => {
      fixture = await setup();
    });
    afterEach(async () => {
      await fixture.teardown();
    });

    it.each(OADR_SERVICES)('delivers a %s request to its service with the body byte-exact', async (service) => {
      const body = payload(service, 'request');
      fixture.vtn.answerNext(service, payload(service, 'answer'));
      const answer = await firstValueFrom(fixture.transport.send({ service, body }));
      expect(fixture.vtn.received()).toEqual([{ service, body }]);
      expect(answer).toBe(payload(service, 'answer'));
    });

    it('returns the response body byte-exact, including non-ASCII UTF-8, exactly once, then completes', async () => {
      const body = `\uFEFF  <a>${NON_ASCII}</a>\r\n\r\n`;
      fixture.vtn.answerNext('EiEvent', body);
      const emitted = await lastValueFrom(fixture.transport.send({ service: 'EiEvent', body: '<x/>' }).pipe(toArray()));
      expect(emitted).toEqual([body]);
    });

    it("emits '' for an empty HTTP 200", async () => {
      fixture.vtn.answerNext('EiReport', '');
      await expect(firstValueFrom(fixture.transport.send({ service: 'EiReport', body: '<x/>' }))).resolves.toBe('');
    });

    it('fails a 500 with a retryable http-status TransportError carrying status and body', async () => {
      fixture.vtn.answerNext('OadrPoll', { status: 500, body: `boom ${NON_ASCII}` });
      const error = await failureOf(fixture.transport, 'OadrPoll');
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ code: 'http-status', status: 500, body: `boom ${NON_ASCII}`, retryable: true });
    });

    it('fails a 400 with a non-retryable http-status TransportError', async () => {
      fixture.vtn.answerNext('EiOpt', { status: 400, body: 'bad request' });
      const error = await failureOf(fixture.transport, 'EiOpt');
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ code: 'http-status', status: 400, body: 'bad request', retryable: false });
    });

    it('cancels on unsubscribe: no late emission, and the transport stays usable', async () => {
      fixture.vtn.answerNext('OadrPoll', { status: 200, body: '<late/>', delayMs: 150 });
      const seen: string[] = [];
      const subscription = fixture.transport.send({ service: 'OadrPoll', body: '<poll/>' }).subscribe({
        next: (value) => seen.push(`next ${value}`),
        error: (error: unknown) => seen.push(`error ${String(error)}`),
        complete: () => seen.push('complete'),
      });
      await vi.waitFor(() => expect(fixture.vtn.received()).toHaveLength(1), { timeout: 5_000, interval: 5 });
      subscription.unsubscribe();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toEqual([]);
      fixture.vtn.answerNext('OadrPoll', '<next/>');
      await expect(firstValueFrom(fixture.transport.send({ service: 'OadrPoll', body: '<poll/>' }))).resolves.toBe('<next/>');
    });

    it('fails only with TransportError instances', async () => {
      fixture.vtn.answerNext('EiRegisterParty', { status: 404, body: '' });
      const error = await failureOf(fixture.transport, 'EiRegisterParty');
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ code: 'http-status', status: 404 });
    });
  });
}

async function failureOf(transport: Transport, service: OadrService): Promise<unknown> {
  try {
    await firstValueFrom(transport.send({ service, body: '<x/>' }));
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${service} to fail`);
}
