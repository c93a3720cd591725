import { dirname, resolve } from 'node:path';
import type { CliIo } from './cli-io.js';
import { VenConfigError } from '../ven-sim/config-reader.js';
import { parseVenConfig } from '../ven-sim/ven-config.js';
import { startVenSimulator } from '../ven-sim/ven-simulator.js';

export const VEN_USAGE = 'ven --config FILE [--duration SECONDS] [--check]  run a VEN simulator against any VTN, logging JSON lines';

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * `rxadr ven`: a VEN simulator from a JSON configuration file (see docs/cli.md). Logs every
 * exchange and status change as one JSON object per line on stdout and runs until SIGINT/SIGTERM
 * or `--duration` seconds; `--check` only validates the configuration. Exit codes: 0 stopped
 * cleanly, 1 invalid configuration, 2 usage error.
 */
export async function runVen(args: readonly string[], io: CliIo): Promise<number> {
  const file = option(args, '--config');
  const durationText = option(args, '--duration');
  const duration = durationText === undefined ? undefined : Number(durationText);
  if (file === undefined || (duration !== undefined && !(duration > 0))) {
    io.stderr(`usage: rxadr ${VEN_USAGE}\n`);
    return 2;
  }
  let config;
  try {
    const path = resolve(file);
    let json: unknown;
    try {
      json = JSON.parse(io.readFile(path));
    } catch (error) {
      throw new VenConfigError([{ path: '$', message: `${path} is not readable JSON: ${(error as Error).message}` }]);
    }
    config = parseVenConfig(json, dirname(path), io.readFile);
  } catch (error) {
    if (!(error instanceof VenConfigError)) throw error;
    io.stderr(`rxadr ven: ${error.message}\n`);
    return 1;
  }
  if (args.includes('--check')) {
    io.stdout(`${JSON.stringify({ kind: 'config', ok: true, vtnUrl: config.vtnUrl, venName: config.venName, reports: config.reports.length, signing: config.signing !== undefined })}\n`);
    return 0;
  }
  let sim;
  try {
    sim = startVenSimulator(config, (entry) => io.stdout(`${JSON.stringify(entry)}\n`));
  } catch (error) {
    io.stderr(`rxadr ven: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  await new Promise<void>((done) => {
    const finish = (): void => {
      clearTimeout(timer);
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      done();
    };
    const timer = duration === undefined ? undefined : setTimeout(finish, duration * 1_000);
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });
  await sim.stop();
  return 0;
}
