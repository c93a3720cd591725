import { dirname, resolve } from 'node:path';
import { UsageError, flagOption, runCommand, stringOption, type CommandSpec } from './args.js';
import type { CliIo } from './cli-io.js';
import { VenConfigError } from '../ven-sim/config-reader.js';
import { parseVenConfig } from '../ven-sim/ven-config.js';
import { startVenSimulator, type SimLogEntry, type VenSimSummary } from '../ven-sim/ven-simulator.js';
import { configWarnings } from '../ven-sim/config-check.js';

export const VEN_COMMAND: CommandSpec = {
  name: 'ven',
  summary: 'run a VEN simulator against any VTN, logging every exchange',
  synopsis: '--config FILE [--duration SECONDS] [--check] [--json]',
  options: {
    config: { type: 'string', value: 'FILE', description: 'the JSON configuration (see docs/cli.md); required' },
    duration: { type: 'string', value: 'SECONDS', description: 'stop by itself after this many seconds; default: run until Ctrl-C or SIGTERM' },
    check: { type: 'boolean', description: 'only validate the configuration, and warn about weak security settings' },
    json: { type: 'boolean', description: 'log one JSON object per line (for machines); default: readable lines' },
  },
  details:
    'Prints a summary when it stops: events answered, reports delivered/buffered/dropped, errors. Every problem is\n' +
    'logged once, with its OpenADR response code. When the VTN cancels the registration the VEN stays in the\n' +
    'cancelled state until stopped. Exit 0 after a clean stop, 1 for an invalid configuration.',
  examples: ['ven --config ven.json', 'ven --config ven.json --duration 600 --json | jq -c \'select(.kind=="error")\''],
};

/** One log entry as a readable line: time, kind, then what matters for that kind. */
export function formatVenLine(entry: SimLogEntry): string {
  const { at, kind, ...rest } = entry;
  const time = at.slice(11, 19);
  const fields = (data: Record<string, unknown>): string =>
    Object.entries(data)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
  switch (kind) {
    case 'xml': {
      const body = String(rest['body'] ?? '');
      const type = /<(?:\w+:)?(oadr\w+)[\s>]/.exec(body.replace(/<(?:\w+:)?oadr(?:Payload|SignedObject)\b[^>]*>/g, ''))?.[1] ?? '(empty)';
      return `${time} ${rest['direction'] === 'out' ? '→' : '←'} ${String(rest['service'])} ${type}${rest['status'] !== undefined ? ` HTTP ${String(rest['status'])}` : ''}`;
    }
    case 'error': {
      const { code, message, responseCode, ...more } = rest;
      return `${time} error ${String(code)}${responseCode !== undefined ? ` [OpenADR ${String(responseCode)}]` : ''}: ${String(message)}${Object.keys(more).length ? ` (${fields(more)})` : ''}`;
    }
    case 'status': {
      const { state, ...more } = rest;
      return `${time} status ${String(state)} ${fields(more)}`.trimEnd();
    }
    case 'log': {
      const { level, message, ...more } = rest;
      return `${time} ${String(level)} ${String(message)} ${fields(more)}`.trimEnd();
    }
    default:
      return `${time} ${kind} ${fields(rest)}`.trimEnd();
  }
}

/** The summary printed on stop, as a line (readable mode) or an entry (`--json`). */
export function summaryEntry(summary: VenSimSummary): Record<string, unknown> {
  const r = summary.reports;
  const dropped = r ? r.droppedOverflow + r.droppedRequestEnded + r.droppedRegistrationEnded : 0;
  return {
    kind: 'summary',
    eventsAnswered: summary.eventsAnswered,
    reports: r ? { delivered: r.delivered, buffered: r.buffered, dropped, rejected: r.rejected, pending: r.pending } : null,
    errors: summary.errors,
    status: summary.status,
  };
}

function summaryLine(summary: VenSimSummary): string {
  const r = summaryEntry(summary)['reports'] as { delivered: number; buffered: number; dropped: number } | null;
  const reports = r ? `reports delivered ${r.delivered}, buffered ${r.buffered}, dropped ${r.dropped}` : 'no reports offered';
  return `summary: events answered ${summary.eventsAnswered}, ${reports}, errors ${summary.errors}, last status ${summary.status}\n`;
}

/**
 * `rxadr ven`: a VEN simulator from a JSON configuration file (see docs/cli.md). Logs every
 * exchange and status change on stdout (readable lines, or JSON lines with `--json`) and runs until
 * SIGINT/SIGTERM or `--duration` seconds, then prints a summary; `--check` only validates the
 * configuration. Exit codes: 0 stopped cleanly, 1 invalid configuration, 2 usage error.
 */
export function runVen(args: readonly string[], io: CliIo): number | Promise<number> {
  return runCommand(VEN_COMMAND, args, io, async (parsed) => {
    const file = stringOption(parsed, 'config');
    if (file === undefined) throw new UsageError('missing --config FILE');
    const durationText = stringOption(parsed, 'duration');
    const duration = durationText === undefined ? undefined : Number(durationText);
    if (duration !== undefined && !(duration > 0 && duration * 1_000 <= 2 ** 31 - 1)) throw new UsageError(`--duration '${durationText ?? ''}' is not a positive number of seconds (at most 24 days)`);
    const json = flagOption(parsed, 'json');
    let config;
    try {
      const path = resolve(file);
      let data: unknown;
      try {
        data = JSON.parse(io.readFile(path));
      } catch (error) {
        throw new VenConfigError([{ path: '$', message: `${path} is not readable JSON: ${(error as Error).message}` }]);
      }
      config = parseVenConfig(data, dirname(path), io.readFile);
    } catch (error) {
      if (!(error instanceof VenConfigError)) throw error;
      io.stderr(`rxadr ven: ${error.message}\n`);
      return 1;
    }
    if (flagOption(parsed, 'check')) {
      for (const warning of configWarnings(config)) io.stderr(`rxadr ven: warning (${warning.check}): ${warning.message}\n`);
      io.stdout(`${JSON.stringify({ kind: 'config', ok: true, vtnUrl: config.vtnUrl, venName: config.venName, reports: config.reports.length, signing: config.signing !== undefined })}\n`);
      return 0;
    }
    let sim;
    try {
      sim = startVenSimulator(config, (entry) => io.stdout(json ? `${JSON.stringify(entry)}\n` : `${formatVenLine(entry)}\n`));
    } catch (error) {
      io.stderr(`rxadr ven: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
    await new Promise<void>((done) => {
      const finish = (): void => {
        clearTimeout(timer);
        clearInterval(alive);
        process.off('SIGINT', finish);
        process.off('SIGTERM', finish);
        done();
      };
      const timer = duration === undefined ? undefined : setTimeout(finish, duration * 1_000);
      // A VEN with nothing scheduled (its registration cancelled by the VTN) keeps the process until it is stopped.
      const alive = setInterval(() => undefined, 2 ** 31 - 1);
      process.once('SIGINT', finish);
      process.once('SIGTERM', finish);
    });
    await sim.stop();
    const summary = sim.summary();
    io.stdout(json ? `${JSON.stringify({ at: new Date().toISOString(), ...summaryEntry(summary) })}\n` : summaryLine(summary));
    return 0;
  });
}
