// Timing helpers shared by the benchmarks. Every figure is a median over several rounds with its
// spread (lowest–highest round); candidates and their baselines run interleaved in the same
// rounds, so a busy machine slows both alike and the ratio stays meaningful.

/** ms per call of `fn`, over one batch of at least `minMs`. */
export function batch(fn, minMs) {
  let n = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    fn();
    n++;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  return elapsed / n;
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, lo: sorted[0], hi: sorted[sorted.length - 1], rounds: values };
}

/**
 * Times each candidate of `fns` (name → function, or an object timing its own batches: `{ batch(minMs) }`
 * returning ms per call, as `isolatedLimit` gives) in `rounds` interleaved rounds (the order
 * rotates each round), after three warm-up calls each (one warm-up batch for the others).
 * Returns name → { median, lo, hi, rounds } in ms per call.
 */
export function measure(fns, { rounds = 7, minMs = 40 } = {}) {
  const names = Object.keys(fns);
  const run = (name) => (typeof fns[name] === 'function' ? batch(fns[name], minMs) : fns[name].batch(minMs));
  for (const name of names) {
    if (typeof fns[name] === 'function') for (let i = 0; i < 3; i++) fns[name]();
    else fns[name].batch(minMs);
  }
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length];
      samples[name].push(run(name));
    }
  }
  return Object.fromEntries(names.map((n) => [n, stats(samples[n])]));
}

/** Median of the per-round ratios a / b, with their spread. */
export function ratio(a, b) {
  return stats(a.rounds.map((v, i) => v / b.rounds[i]));
}

/** Per-round differences a − b (e.g. encode + sign − encode), with their spread. */
export function difference(a, b) {
  return stats(a.rounds.map((v, i) => v - b.rounds[i]));
}

export function divide(a, b) {
  return stats(a.rounds.map((v, i) => v / b.rounds[i]));
}

const digits = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));

/** `1.23 ms [1.20–1.31]`: median and the spread of the rounds. */
export function ms(s) {
  return `${digits(s.median)} [${digits(s.lo)}–${digits(s.hi)}]`;
}

/** `1.4× [1.3–1.6]`. */
export function times(s) {
  return `${s.median.toFixed(2)}× [${s.lo.toFixed(2)}–${s.hi.toFixed(2)}]`;
}

/** Mean ms per call of `fn`, after three warm-up calls, over at least `minMs` of calls (one batch). */
export function time(fn, minMs = 300) {
  for (let i = 0; i < 3; i++) fn();
  return batch(fn, minMs);
}
