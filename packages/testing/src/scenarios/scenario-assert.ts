import { isDeepStrictEqual } from 'node:util';
import { ScenarioFailure } from './scenario.js';

/** Fails the scenario with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ScenarioFailure(message);
}

/** Fails the scenario unless `actual` deep-equals `expected`; the message shows both. */
export function checkEqual<T>(actual: T, expected: T, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new ScenarioFailure(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** The value, or a scenario failure saying what was missing. */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new ScenarioFailure(`${what} is missing`);
  return value;
}
