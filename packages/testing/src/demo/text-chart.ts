const LEVELS = ' ▁▂▃▄▅▆▇█';

/** One row of a {@link textChart}. */
export interface ChartRow {
  readonly label: string;
  readonly values: readonly number[];
}

/**
 * A compact text chart: one line of block characters per row, all rows on one scale, the samples
 * averaged into at most `width` columns. Returns the lines, the scale last.
 *
 * @example
 * textChart([{ label: 'setpoint kW', values: [0, 1, 3, 1, 0] }]) // ['setpoint kW │ ▃█▃ │', '…']
 */
export function textChart(rows: readonly ChartRow[], width = 60, unit = ''): string[] {
  const all = rows.flatMap((r) => r.values);
  if (all.length === 0) return [];
  const min = Math.min(0, ...all);
  const max = Math.max(...all);
  const span = max - min || 1;
  const pad = Math.max(...rows.map((r) => r.label.length));
  const lines = rows.map((row) => {
    const columns = Math.min(width, row.values.length);
    let line = '';
    for (let c = 0; c < columns; c += 1) {
      const from = Math.floor((c * row.values.length) / columns);
      const to = Math.max(from + 1, Math.floor(((c + 1) * row.values.length) / columns));
      const slice = row.values.slice(from, to);
      const mean = slice.reduce((a, b) => a + b, 0) / slice.length;
      line += LEVELS[Math.round(((mean - min) / span) * (LEVELS.length - 1))] ?? ' ';
    }
    return `${row.label.padEnd(pad)} │${line}│`;
  });
  return [...lines, `${''.padEnd(pad)}  scale ${min.toFixed(1)}${unit} (blank) … ${max.toFixed(1)}${unit} (█)`];
}
