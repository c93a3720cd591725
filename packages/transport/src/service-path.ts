import { OADR_SERVICES, type OadrService } from '@rxadr/core';

import { TransportConfigError } from './transport-config-error.js';

/** The fixed simpleHTTP path prefix under a VTN's or VEN's base URL (OPENADR.md §1.3). */
export const OADR_PATH_PREFIX = '/OpenADR2/Simple/2.0b';

/** A VTN URL split into what undici needs: origin plus the path up to and including the prefix. */
export interface VtnEndpoint {
  /** `https://vtn.example.com:8443` */
  readonly origin: string;
  /** `/some/base/OpenADR2/Simple/2.0b`, no trailing slash */
  readonly basePath: string;
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
}

/**
 * Normalises a VTN URL (OPENADR.md §1.3). Both `https://vtn/` and
 * `https://vtn/OpenADR2/Simple/2.0b/` mean the same endpoint set; trailing slashes are dropped
 * and the prefix is appended when absent.
 */
export function parseVtnUrl(vtnUrl: string, option = 'vtnUrl'): VtnEndpoint {
  let url: URL;
  try {
    url = new URL(vtnUrl);
  } catch (error) {
    throw new TransportConfigError('invalid-url', option, `"${vtnUrl}" is not an absolute URL; use https://host[:port][/path]`, {
      cause: error,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TransportConfigError('invalid-url', option, `unsupported scheme ${url.protocol}; use https:// (or http:// for tests)`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new TransportConfigError('invalid-url', option, 'remove credentials, query and fragment; OpenADR authenticates with TLS client certificates');
  }
  const path = url.pathname.replace(/\/+$/, '');
  const basePath = path.endsWith(OADR_PATH_PREFIX) ? path : `${path}${OADR_PATH_PREFIX}`;
  return { origin: url.origin, basePath, protocol: url.protocol, hostname: url.hostname };
}

/** The service named by a request path such as `/OpenADR2/Simple/2.0b/EiEvent` (query ignored, one trailing slash allowed). */
export function serviceOfPath(path: string): OadrService | undefined {
  const pathname = path.split('?', 1)[0] ?? '';
  const prefix = `${OADR_PATH_PREFIX}/`;
  if (!pathname.startsWith(prefix)) return undefined;
  const name = pathname.slice(prefix.length).replace(/\/$/, '');
  return OADR_SERVICES.find((service) => service === name);
}
