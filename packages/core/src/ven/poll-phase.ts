/**
 * The phase of a VEN's periodic polls within the poll period (OPENADR.md §1.6 leaves the
 * schedule to the VEN): a fraction in [0, 1) of the period. By default it comes from a hash of
 * the VEN's name and venID, so VENs that register in the same second (a fleet started together,
 * or restarted after an outage) poll spread over the period rather than in phase, each VEN keeps
 * its phase across restarts, and a run under a virtual clock is the same every time.
 */
export type PollPhase = 'spread' | number;

/** FNV-1a (32 bit) of `text`, as a fraction in [0, 1). */
function hashFraction(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // A final avalanche (murmur3's fmix32): names that differ in their last character spread too.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

/** The phase fraction of one VEN: `phase` itself when a number, else from its venName and venID. */
export function pollPhaseOf(phase: PollPhase, venName: string, venID: string): number {
  return phase === 'spread' ? hashFraction(`${venName}\n${venID}`) : phase;
}

/**
 * The wait before the first periodic poll after (re-)registration, which follows the immediate
 * poll: `fraction` of the period `everyMs` (at least 1 ms); phase 0 is a whole period, the
 * schedule of a VEN without phasing.
 *
 * @example
 * firstPollDelay(0.25, 10_000); // 2 500: then every 10 s (plus jitter)
 */
export function firstPollDelay(fraction: number, everyMs: number): number {
  return fraction === 0 ? everyMs : Math.max(1, Math.round(fraction * everyMs));
}

/**
 * When the next periodic poll is due: `waitMs` (a period plus jitter) after the previous poll was
 * due, not after it ran, so a poll that ran or was answered late (a busy process, a slow VTN)
 * does not shift the later ones: polls that bunched up spread out again at their phases. A poll
 * already due by `now` moves on whole periods `everyMs` until it is in the future; one more than
 * `waitMs` ahead (the clock was set back) is due `waitMs` from now.
 *
 * @example
 * nextPollAt(10_000, 10_000, 10_000, 13_000); // 20 000, though the poll at 10 s ran at 13 s
 * nextPollAt(10_000, 10_000, 10_000, 25_000); // 30 000: the one at 20 s is skipped
 */
export function nextPollAt(dueAt: number, waitMs: number, everyMs: number, now: number): number {
  const next = dueAt + waitMs;
  if (next > now + waitMs) return now + waitMs;
  return next > now ? next : next + (Math.floor((now - next) / everyMs) + 1) * everyMs;
}
