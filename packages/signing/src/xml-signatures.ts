import { TransportError } from '@rxadr/core';
import type { InboundExchange, Transport, TransportRequest } from '@rxadr/core';
import { defer, filter, map, share } from 'rxjs';
import type { Observable } from 'rxjs';
import { resolveXmlSignaturesOptions } from './resolve-xml-signatures-options.js';
import type { ResolvedXmlSignaturesOptions, XmlSignaturesOptions } from './resolve-xml-signatures-options.js';
import { signWithIdentity } from './sign-payload.js';
import { SignatureError } from './signature-error.js';
import { checkPayloadVtnId } from './expected-identity.js';
import { verifyWithTrust } from './verify-payload.js';

/**
 * HTTP status for a pushed request whose signature is rejected. OPENADR.md §1.5: a signature
 * rejection never reaches OpenADR processing, so it is answered at the HTTP layer with no body;
 * [OL]'s VTN uses 403 for signature exceptions. 403 (not 400) because the document may be
 * perfectly well-formed: it is the sender's authentication that failed. An OpenADR 463 answer
 * is not used because it would echo a requestID taken from a message we could not trust.
 */
export const SIGNATURE_REJECTED_STATUS = 403;

/**
 * Wraps a transport with OpenADR XML signatures (OPENADR.md §7.3).
 *
 * - Outgoing: when signing, each request body is signed (`signPayload`) with a ReplayProtect
 *   timestamp from `scheduler.now()`.
 * - Responses: when trust is configured, every non-empty body must verify; only the verified
 *   `signedObjectXml` is handed on. A rejected response errors the send with
 *   `TransportError('protocol', message, { cause: SignatureError })`, which is not retryable.
 *   An empty body (HTTP 200 without payload, §1.5) passes through.
 * - Push (`inbound$`): each pushed body is verified the same way; a rejected one is answered with
 *   HTTP 403 and the reason (see {@link SIGNATURE_REJECTED_STATUS}) and not passed on; an accepted
 *   one is passed on with the verified body and a `respond` that signs the answer.
 *
 * With neither signing nor trust configured the wrapper passes everything through, so signing can
 * be switched off by configuration for VTNs that cannot handle it (§7.3, last point).
 * Options are validated once, here; contradictory ones throw `SignatureError('invalid-options')`.
 * Compose it inside taps that should see the wire bytes: `rawXmlTap(xmlSignatures(opts)(http))`
 * sees verified payloads, `xmlSignatures(opts)(rawXmlTap(http))` sees signed ones.
 *
 * @example
 * const transport = xmlSignatures({ identity: venIdentity, trust: { fingerprints: [vtnFingerprint] } })(http);
 */
export function xmlSignatures(options: XmlSignaturesOptions = {}): (inner: Transport) => Transport {
  const resolved = resolveXmlSignaturesOptions(options);
  return (inner) => {
    const wrapped: { -readonly [K in keyof Transport]: Transport[K] } = {
      send: (request) => send(inner, request, resolved),
      signsMessages: resolved.signer !== undefined,
    };
    if (inner.inbound$ !== undefined) wrapped.inbound$ = inbound(inner.inbound$, resolved);
    if (inner.pushAddress !== undefined) wrapped.pushAddress = inner.pushAddress;
    if (inner.close !== undefined) wrapped.close = () => inner.close?.() ?? Promise.resolve();
    return wrapped;
  };
}

function now(options: ResolvedXmlSignaturesOptions): Date {
  return new Date(options.scheduler.now());
}

function signBody(body: string, options: ResolvedXmlSignaturesOptions): string {
  if (options.signer === undefined || body.trim() === '') return body;
  return signWithIdentity(body, options.signer, { now: () => now(options) });
}

/** The verified body, or a SignatureError saying why it was rejected. */
function verifyBody(body: string, options: ResolvedXmlSignaturesOptions): string | SignatureError {
  if (options.trust === undefined || body.trim() === '') return body;
  const result = verifyWithTrust(body, options.trust, {
    now: now(options),
    replayCache: options.replayCache,
    replayWindowMs: options.replayWindowMs,
  });
  if (!result.ok) return new SignatureError(result.reason, result.message, { checks: result.checks });
  const vtnId = options.trust.identity?.vtnId;
  if (vtnId !== undefined) {
    const checks = [...result.checks];
    try {
      checkPayloadVtnId(result.signedObjectXml, vtnId, checks);
    } catch (error) {
      return new SignatureError('identity-mismatch', (error as Error).message, { checks });
    }
  }
  return result.signedObjectXml;
}

function send(inner: Transport, request: TransportRequest, options: ResolvedXmlSignaturesOptions): Observable<string> {
  return defer(() => {
    let body: string;
    try {
      body = signBody(request.body, options);
    } catch (cause) {
      throw new TransportError('protocol', `cannot sign ${request.service} request: ${(cause as Error).message}`, { cause });
    }
    return inner.send({ ...request, body }).pipe(
      map((response) => {
        const verified = verifyBody(response, options);
        if (verified instanceof SignatureError) {
          throw new TransportError(
            'protocol',
            `${request.service} response rejected (${verified.reason}): ${verified.message}`,
            { cause: verified, body: response },
          );
        }
        return verified;
      }),
    );
  });
}

function inbound(inbound$: Observable<InboundExchange>, options: ResolvedXmlSignaturesOptions): Observable<InboundExchange> {
  return inbound$.pipe(
    map((exchange): InboundExchange | undefined => {
      const verified = verifyBody(exchange.body, options);
      if (verified instanceof SignatureError) {
        exchange.reject(SIGNATURE_REJECTED_STATUS, `signature rejected (${verified.reason}): ${verified.message}`);
        return undefined;
      }
      return {
        service: exchange.service,
        body: verified,
        respond: (answer) => {
          let signed: string;
          try {
            signed = signBody(answer, options);
          } catch (error) {
            // The engine calls respond from its own stream; never throw back into it (STYLE 11).
            exchange.reject(500, `cannot sign the answer: ${(error as Error).message}`);
            return;
          }
          exchange.respond(signed);
        },
        reject: (status, reason) => exchange.reject(status, reason),
      };
    }),
    filter((exchange): exchange is InboundExchange => exchange !== undefined),
    // Verify each pushed request once however many subscribers there are: a second verification
    // would find its nonce in the replay cache and reject a genuine request.
    share(),
  );
}
