/** Where the engine writes diagnostics. Every method is optional; the default is silent. */
export interface VenLogger {
  debug?(message: string, data?: Record<string, unknown>): void;
  info?(message: string, data?: Record<string, unknown>): void;
  warn?(message: string, data?: Record<string, unknown>): void;
  error?(message: string, data?: Record<string, unknown>): void;
}

/** A logger with every method present. */
export type ResolvedLogger = Required<VenLogger>;

const noop = (): void => undefined;

/** Fills the missing methods of a user logger with no-ops. */
export function resolveLogger(logger: VenLogger | undefined): ResolvedLogger {
  return {
    debug: logger?.debug?.bind(logger) ?? noop,
    info: logger?.info?.bind(logger) ?? noop,
    warn: logger?.warn?.bind(logger) ?? noop,
    error: logger?.error?.bind(logger) ?? noop,
  };
}
