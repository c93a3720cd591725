/** Limits on untrusted input. Defaults suit any real OpenADR message with a wide margin. */
export interface XmlReadLimits {
  /** Largest accepted document, in UTF-16 code units of the string. Default 16 MiB. */
  readonly maxBytes?: number;
  /** Deepest accepted element nesting. Default 64 (OpenADR messages nest about 15 deep). */
  readonly maxDepth?: number;
}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;

/** Why a document could not be read as XML at all. */
export type XmlReadFailure =
  | { readonly kind: 'not-xml'; readonly message: string }
  | { readonly kind: 'doctype'; readonly message: string }
  | { readonly kind: 'too-large'; readonly message: string }
  | { readonly kind: 'too-deep'; readonly message: string };
