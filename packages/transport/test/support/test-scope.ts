import { TransportError, type OadrService } from '@rxadr/core';
import { firstValueFrom } from 'rxjs';
import { afterEach } from 'vitest';
import { httpTransport, type HttpTransportOptions } from '../../src/index.js';

/** What a test of this file leaves behind, undone after it in reverse order. */
export interface TestScope {
  readonly cleanups: { push(cleanup: () => Promise<void> | void): void };
  /** An `httpTransport` closed after the test. */
  transportFor(options: HttpTransportOptions): ReturnType<typeof httpTransport>;
  /** Sends one `service` request over a fresh {@link TestScope.transportFor} transport; resolves to the answer. */
  exchange(options: HttpTransportOptions, service?: OadrService, body?: string): Promise<string>;
}

/** Creates the scope of a test file: call once at its top level (it registers an `afterEach`). */
export function testScope(): TestScope {
  const pending: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of pending.splice(0).reverse()) await cleanup();
  });
  const transportFor = (options: HttpTransportOptions): ReturnType<typeof httpTransport> => {
    const transport = httpTransport(options);
    pending.push(() => transport.close?.());
    return transport;
  };
  return {
    cleanups: { push: (cleanup) => void pending.push(cleanup) },
    transportFor,
    exchange: (options, service = 'EiEvent', body = '<req/>') => firstValueFrom(transportFor(options).send({ service, body })),
  };
}

/** The TransportError `result` fails with; fails the test when it resolves or fails otherwise. */
export async function transportFailure(result: Promise<unknown>): Promise<TransportError> {
  try {
    await result;
  } catch (error) {
    if (error instanceof TransportError) return error;
    throw error;
  }
  throw new Error('expected the exchange to fail');
}
