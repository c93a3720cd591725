import type { SchedulerLike } from 'rxjs';

/** Makes request and opt IDs: unique per VEN, readable, and reproducible under an injected random source. */
export type IdSource = (prefix: string) => string;

/** IDs like `req-lx3k9a-7-4f2a`: time (base 36), a counter, and a random tail. */
export function createIdSource(scheduler: SchedulerLike, random: () => number): IdSource {
  let counter = 0;
  return (prefix) => {
    counter += 1;
    const tail = Math.floor(random() * 36 ** 4).toString(36).padStart(4, '0');
    return `${prefix}-${scheduler.now().toString(36)}-${counter}-${tail}`;
  };
}
