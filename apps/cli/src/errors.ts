/**
 * How the command fails: one line naming the file or option, what was expected and
 * what was found; the exit code says which kind of failure it was.
 */

/** Exit codes of `elbo`. */
export const EXIT = {
  ok: 0,
  /** A run-time failure: unreadable file, bad data, a model that cannot load. */
  failure: 1,
  /** A usage error: unknown command or option, an option value out of range. */
  usage: 2,
  /** Training stopped by Ctrl-C (or the test hook) after saving a checkpoint; 128 + SIGINT. */
  interrupted: 130,
} as const;

/** An error whose message is already the one line the user should read. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.failure) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A bad option value: `--name must be expected, found found`. */
export function optionError(option: string, expected: string, found: unknown): CliError {
  return new CliError(`${option} must be ${expected}, found ${render(found)}`, EXIT.usage);
}

/** A problem with a file: `path: what`. */
export function fileError(path: string, problem: string): CliError {
  return new CliError(`${path}: ${problem}`, EXIT.failure);
}

/** The first line of any error, so library messages never spill over several lines. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return line.trim();
}

function render(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  return String(value);
}
