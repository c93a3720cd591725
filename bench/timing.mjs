/** Mean ms per call of `fn`, after three warm-up calls, over at least `minMs` of calls. */
export function time(fn, minMs = 300) {
  for (let i = 0; i < 3; i++) fn();
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
