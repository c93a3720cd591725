/** One problem in a configuration file: where, and what is wrong there. */
export interface ConfigIssue {
  /** JSON path, e.g. `$.policy.rules[0].decision`. */
  readonly path: string;
  readonly message: string;
}

/** A configuration that cannot be used; `issues` lists every problem found, each with its path. */
export class VenConfigError extends Error {
  override readonly name = 'VenConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`invalid VEN configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  }
}

/**
 * A small reader for untrusted JSON: each getter checks one value at a path and records an issue
 * instead of throwing, so that one pass reports every problem.
 */
export interface ConfigReader {
  readonly issues: ConfigIssue[];
  fail(path: string, message: string): undefined;
  object(value: unknown, path: string): Record<string, unknown> | undefined;
  string(value: unknown, path: string, required?: boolean): string | undefined;
  number(value: unknown, path: string, check?: (n: number) => string | undefined): number | undefined;
  boolean(value: unknown, path: string): boolean | undefined;
  oneOf<T extends string>(value: unknown, path: string, choices: readonly T[], required?: boolean): T | undefined;
  array(value: unknown, path: string): readonly unknown[] | undefined;
  /** Reports keys of `object` that are not in `known` (catches typos such as `venname`). */
  known(object: Record<string, unknown>, path: string, known: readonly string[]): void;
}

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));

/** Creates a reader collecting issues. */
export function createConfigReader(): ConfigReader {
  const issues: ConfigIssue[] = [];
  const reader: ConfigReader = {
    issues,
    fail(path, message) {
      issues.push({ path, message });
      return undefined;
    },
    object(value, path) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
      return reader.fail(path, `expected an object, found ${show(value)}`);
    },
    string(value, path, required = false) {
      if (value === undefined && !required) return undefined;
      if (typeof value === 'string' && value.trim() !== '') return value;
      return reader.fail(path, `expected a non-empty string, found ${show(value)}`);
    },
    number(value, path, check) {
      if (value === undefined) return undefined;
      if (typeof value !== 'number' || !Number.isFinite(value)) return reader.fail(path, `expected a number, found ${show(value)}`);
      const problem = check?.(value);
      return problem ? reader.fail(path, problem) : value;
    },
    boolean(value, path) {
      if (value === undefined || typeof value === 'boolean') return value;
      return reader.fail(path, `expected true or false, found ${show(value)}`);
    },
    oneOf(value, path, choices, required = false) {
      if (value === undefined && !required) return undefined;
      if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as (typeof choices)[number];
      return reader.fail(path, `expected one of ${choices.map((c) => `"${c}"`).join(', ')}, found ${show(value)}`);
    },
    array(value, path) {
      if (value === undefined) return undefined;
      if (Array.isArray(value)) return value;
      return reader.fail(path, `expected an array, found ${show(value)}`);
    },
    known(object, path, known) {
      for (const key of Object.keys(object)) if (!known.includes(key)) reader.fail(`${path}.${key}`, `unknown setting (known: ${known.join(', ')})`);
    },
  };
  return reader;
}
