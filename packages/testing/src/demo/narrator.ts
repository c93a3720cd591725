/** Prints the demo's timeline: seconds since the start, then what happened. */
export interface Narrator {
  say(text: string): void;
  /** A heading for the next part of the day. */
  chapter(title: string): void;
}

/** Creates a narrator writing to `write` with times from `now` (ms). */
export function createNarrator(write: (line: string) => void, now: () => number = () => performance.now()): Narrator {
  const start = now();
  const stamp = (): string => `+${((now() - start) / 1_000).toFixed(1).padStart(5)}s`;
  return {
    say: (text) => write(`${stamp()}  ${text}`),
    chapter: (title) => write(`\n${stamp()}  ── ${title} ──`),
  };
}

/** Resolves once `condition` holds, checking every 50 ms; rejects after `withinMs`. */
export function until(what: string, condition: () => boolean, withinMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const began = Date.now();
    const check = (): void => {
      if (condition()) return resolve();
      if (Date.now() - began > withinMs) return reject(new Error(`demo: ${what} did not happen within ${withinMs / 1000} s`));
      setTimeout(check, 50);
    };
    check();
  });
}
