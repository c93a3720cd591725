import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../dist/demo/demo.js', import.meta.url));

describe('pnpm demo', () => {
  it.skipIf(!existsSync(demo))('narrates the compressed day over loopback HTTP and exits 0 within a minute', () => {
    const run = spawnSync(process.execPath, [demo], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const line of [
      /VEN status: registered as VEN-1/,
      /oadrRegisterReport offering METADATA_TELEMETRY_USAGE/,
      /oadrCreatedReport 200, pending: rr-usage/,
      /oadrUpdateReport: TELEMETRY_USAGE 3 interval\(s\)/,
      /event peak-1 \(modification 0\): near/,
      /event peak-1 \(modification 0\): active, SIMPLE level now 1/,
      /oadrCreatedEvent: peak-1#1 optIn/,
      /event peak-1 \(modification 1\): completed/,
      /battery-1 setpoint: 3000 W \(active from peak-1#1/,
      /battery-1 setpoint: 4000 W \(active from peak-1#1/,
      /battery-1 setpoint: none \(normal\)/,
      /battery +│[^│]*[▅▆▇█][^│]*│/,
      /event evening-2 \(modification 1\): cancelled/,
      /VEN status: backoff: poll attempt 1 failed/,
      /reports delivered after recovery: [1-9]/,
      /VEN status: stopped/,
    ]) {
      expect(run.stdout).toMatch(line);
    }
  });
});
