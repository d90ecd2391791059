import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * One way for every command-line entry point (scripts and apps) to read its options, so
 * that what the README documents works however it is typed:
 *  - `pnpm <script> -- --opt x` and `pnpm <script> --opt x` are the same: pnpm 10 passes
 *    the `--` on to the script, where `node:util` parseArgs would take every option after
 *    it as a positional;
 *  - `--help` (or `-h`) prints the usage on stdout and exits 0, after the other options
 *    were checked, so `<documented command> --help` proves the documented options exist;
 *  - a wrong option prints what is wrong and the usage on stderr and exits 2, never a
 *    stack trace.
 */
export interface Command extends Pick<ParseArgsConfig, 'options' | 'allowPositionals'> {
  /** The name a person types: the package script (`make-exam`), not the file. */
  name: string;
  /** What follows `usage: `; further lines may explain the options. */
  usage: string;
}

/** A wrong or missing option, or a value out of range. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** The arguments as the script should see them: a leading `--` (pnpm's separator) dropped. */
export function commandArgs(argv: readonly string[]): string[] {
  return argv[0] === '--' ? argv.slice(1) : [...argv];
}

export function usageText(command: Command): string {
  return `usage: ${command.usage.trimEnd()}\n`;
}

type Parsed<T extends Command> = ReturnType<typeof parseArgs<T & { strict: true }>> & { help: boolean };

/** Parses without touching the process: throws UsageError for anything parseArgs refuses. */
export function parseCommandArgs<const T extends Command>(command: T, argv: readonly string[]): Parsed<T> {
  try {
    const { values, positionals } = parseArgs({
      args: commandArgs(argv),
      options: { ...command.options, ...HELP },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    const { help, ...rest } = values as { help?: boolean };
    return { values: rest, positionals, help: help === true } as unknown as Parsed<T>;
  } catch (e) {
    // parseArgs' own errors carry codes ERR_PARSE_ARGS_*; anything else is a real fault.
    if (e instanceof TypeError && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'))
      throw new UsageError(e.message);
    throw e;
  }
}

/** Prints `name: message` and the usage on stderr, and exits 2. */
export function usageExit(command: Command, message: string): never {
  process.stderr.write(`${command.name}: ${message}\n${usageText(command)}`);
  process.exit(2);
}

/**
 * The entry point's options from `process.argv`: prints the usage and exits 0 on `--help`,
 * or exits 2 with the reason and the usage when an option is wrong.
 */
export function parseCommand<const T extends Command>(
  command: T,
  argv: readonly string[] = process.argv.slice(2),
): Omit<Parsed<T>, 'help'> {
  let parsed: Parsed<T>;
  try {
    parsed = parseCommandArgs(command, argv);
  } catch (e) {
    if (e instanceof UsageError) usageExit(command, e.message);
    throw e;
  }
  if (parsed.help) {
    process.stdout.write(usageText(command));
    process.exit(0);
  }
  return parsed;
}
