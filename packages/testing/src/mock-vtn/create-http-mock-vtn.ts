import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { listenHttpFrontDoor, type HttpExchangeLog, type MockVtnTlsOptions } from './http-front-door.js';
import { createHttpPushPost, type PushClientTls } from './http-push-post.js';
import { createVtnKit, type VtnKit, type VtnKitOptions } from './vtn-kit.js';
import { createVtnPusher, type PushFailure } from './vtn-pusher.js';

/** Options of {@link createHttpMockVtn}; every field is optional. */
export interface HttpMockVtnOptions extends VtnKitOptions {
  /** Server certificate and, with `ca`, mutual TLS (OPENADR.md §7.1). Omitted: plain HTTP. */
  readonly tls?: MockVtnTlsOptions;
  /** Default 0 (a free port; read `url`). */
  readonly port?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** The VTN's client identity for push (§1.7). Default: `tls.cert`/`tls.key`, trusting `tls.ca`. */
  readonly pushTls?: PushClientTls;
  /** Timestamps, fault windows, delays and expectation deadlines. Default `asyncScheduler` (real time over sockets). */
  readonly scheduler?: SchedulerLike;
  /** Called once per HTTP exchange (the `rxadr mock-vtn` command logs these). */
  readonly log?: (entry: HttpExchangeLog) => void;
}

/** A mock VTN listening on loopback. */
export interface HttpMockVtn extends VtnKit {
  /** `http(s)://host:port`; give it to `httpTransport({ vtnUrl })`. */
  readonly url: string;
  /** Pushes that did not get a 200. */
  readonly pushFailures: readonly PushFailure[];
  /** Stops pushing, drops every socket (held `timeout` requests too) and stops listening. Idempotent. */
  close(): Promise<void>;
}

function check(options: HttpMockVtnOptions): void {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`createHttpMockVtn: port must be 0–65535, got ${port}`);
  if (options.tls && (!options.tls.cert || !options.tls.key)) throw new RangeError('createHttpMockVtn: tls needs cert and key (PEM)');
  if (options.tls?.requestCert && options.tls.ca === undefined) throw new RangeError('createHttpMockVtn: tls.requestCert needs tls.ca to check VEN certificates against');
}

/**
 * Starts the mock VTN's second front door: the same model, faults, recorder and expectations
 * as `createMockVtn`, served over loopback HTTP or HTTPS with mutual TLS (OPENADR.md §1.3–§1.5,
 * §7.1), XML signatures both ways when `signing` is set (§7.3: requests that fail verification
 * get HTTP 403, as [OL]), and push delivery to VENs registered with `oadrHttpPullModel=false`
 * (§1.7). Options are checked before anything listens.
 *
 * @example
 * const vtn = await createHttpMockVtn({ tls: { cert, key, ca }, pollFrequency: 'PT1S' });
 * const ven = createVen({ venName: 'v', transport: httpTransport({ vtnUrl: vtn.url, tls: { cert: c, key: k, ca } }) });
 * ven.start();
 * await vtn.expect.registration();
 * await ven.stop();
 * await vtn.close();
 */
export async function createHttpMockVtn(options: HttpMockVtnOptions = {}): Promise<HttpMockVtn> {
  check(options);
  const scheduler = options.scheduler ?? asyncScheduler;
  const kit = createVtnKit(options, scheduler);
  const door = await listenHttpFrontDoor({ exchange: kit.exchange, scheduler, tls: options.tls, host: options.host ?? '127.0.0.1', port: options.port ?? 0, log: options.log });
  const pushTls = options.pushTls ?? (options.tls ? { cert: options.tls.cert, key: options.tls.key, ...(options.tls.ca !== undefined ? { ca: options.tls.ca } : {}) } : undefined);
  const pusher = createVtnPusher({ model: kit.model, recorder: kit.recorder, signing: kit.signing, scheduler, post: createHttpPushPost(pushTls) });
  return {
    url: door.url,
    model: kit.model,
    faults: kit.faults,
    recorder: kit.recorder,
    expect: kit.expect,
    assertNoPendingExpectations: kit.assertNoPendingExpectations,
    reportData: kit.reportData,
    pushFailures: pusher.failures,
    close: async () => {
      pusher.stop();
      await door.close();
    },
  };
}
