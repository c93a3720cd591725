import { parseArgs } from 'node:util';
import type { CliIo } from './cli-io.js';

/** One option of a subcommand. `--help`/`-h` is added to every command. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** A one-letter alias, e.g. `p` for `-p`. */
  readonly short?: string;
  /** May be given more than once; the values are collected in order. */
  readonly multiple?: boolean;
  /** The value's placeholder in the help text, e.g. `FILE`. Default `VALUE`. */
  readonly value?: string;
  readonly description: string;
}

/** A subcommand's interface: what `--help` prints and what the parser accepts. */
export interface CommandSpec {
  /** `decode`, `mock-vtn`, …; `rxadr-fingerprint` for the stand-alone bin. */
  readonly name: string;
  /** One line for `rxadr help`. */
  readonly summary: string;
  /** The synopsis after the command name, e.g. `<file> --cert FILE --key FILE`. */
  readonly synopsis: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments: how many are allowed (default none). */
  readonly positionals?: { readonly min: number; readonly max: number; readonly name: string };
  /** Longer explanation printed under the synopsis (optional). */
  readonly details?: string;
  /** Example command lines (without the leading `rxadr`). */
  readonly examples: readonly string[];
}

/** A problem with the command line itself: exit 2 with the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What the parser found: option values by name and the positional arguments. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
}

const invocation = (spec: CommandSpec): string => (spec.name.startsWith('rxadr') ? spec.name : `rxadr ${spec.name}`);

/** The one-paragraph usage: synopsis and options. */
export function usageText(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return { flag, text: `${o.description}${o.multiple ? ' (repeatable)' : ''}` };
  });
  rows.push({ flag: '-h, --help', text: 'print this help' });
  const width = Math.max(...rows.map((r) => r.flag.length));
  return `usage: ${invocation(spec)} ${spec.synopsis}\n\noptions:\n${rows.map((r) => `  ${r.flag.padEnd(width)}  ${r.text}`).join('\n')}\n`;
}

/** The full `--help` text: summary, usage, details and examples. */
export function helpText(spec: CommandSpec): string {
  const details = spec.details ? `\n${spec.details.trimEnd()}\n` : '';
  const examples = spec.examples.map((e) => `  ${spec.name.startsWith('rxadr') ? '' : 'rxadr '}${e}`).join('\n');
  return `${invocation(spec)}: ${spec.summary}\n\n${usageText(spec)}${details}\nexample${spec.examples.length > 1 ? 's' : ''}:\n${examples}\n`;
}

function rephrase(error: unknown): UsageError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /--[\w-]+/.exec(message)?.[0] ?? /'(-[^' ,]+)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option ${option}`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new UsageError(/does not take an argument/.test(message) ? `${option} takes no value` : `${option} needs a value`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return new UsageError(message);
  return new UsageError(message);
}

/**
 * Parses `args` against `spec` with `node:util` `parseArgs` (strict: unknown options are errors).
 * Returns `'help'` for `--help`/`-h`; throws {@link UsageError} for anything the spec does not allow.
 */
export function parseCommand(spec: CommandSpec, args: readonly string[]): ParsedArgs | 'help' {
  if (args.includes('--help') || args.includes('-h')) return 'help';
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(spec.options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]),
      ),
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch (error) {
    throw rephrase(error);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name) && !spec.options[token.name]?.multiple) throw new UsageError(`--${token.name} given more than once`);
    seen.add(token.name);
    if (spec.options[token.name]?.type === 'string' && token.value === '') throw new UsageError(`--${token.name} needs a value`);
  }
  const { min, max, name } = spec.positionals ?? { min: 0, max: 0, name: '' };
  if (parsed.positionals.length < min) throw new UsageError(`missing ${name}`);
  if (parsed.positionals.length > max) throw new UsageError(`unexpected argument ${parsed.positionals[max] ?? ''}`);
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/** A string option's value (undefined when absent). */
export const stringOption = (parsed: ParsedArgs, name: string): string | undefined => {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
};

/** A repeatable option's values (empty when absent). */
export const listOption = (parsed: ParsedArgs, name: string): readonly string[] => {
  const value = parsed.values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
};

/** A boolean option. */
export const flagOption = (parsed: ParsedArgs, name: string): boolean => parsed.values[name] === true;

/**
 * Runs one subcommand: `--help` prints the help on stdout (exit 0); a {@link UsageError}, from the
 * parser or from `body` (also when `body` is async), prints `<command>: <problem>` and the usage on
 * stderr (exit 2). Other errors go to the caller.
 */
export function runCommand<R extends number | Promise<number>>(spec: CommandSpec, args: readonly string[], io: CliIo, body: (parsed: ParsedArgs) => R): R | number {
  const usage = (error: unknown): number => {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${invocation(spec)}: ${error.message}\n${usageText(spec)}`);
    return 2;
  };
  try {
    const parsed = parseCommand(spec, args);
    if (parsed === 'help') {
      io.stdout(helpText(spec));
      return 0;
    }
    const result = body(parsed);
    return result instanceof Promise ? (result.catch(usage) as R) : result;
  } catch (error) {
    return usage(error);
  }
}
