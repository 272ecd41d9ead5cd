/**
 * Where output goes: results on stdout (human lines, or with --json one JSON object as
 * the last line), progress and notes on stderr so they never mix with results.
 */
export interface OutputStreams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface ReporterOptions {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly quiet?: boolean;
}

export class Reporter {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly quiet: boolean;
  readonly streams: OutputStreams;

  constructor(options: ReporterOptions, streams: OutputStreams) {
    this.json = options.json;
    this.verbose = options.verbose;
    this.quiet = options.quiet ?? false;
    this.streams = streams;
  }

  /** True when progress bars may redraw in place. */
  get interactive(): boolean {
    return Boolean(this.streams.stderr.isTTY);
  }

  /** A progress or status line (stderr). */
  note(line: string): void {
    if (!this.quiet) this.streams.stderr.write(line + '\n');
  }

  /** A detail shown only with --verbose (stderr). */
  detail(line: string): void {
    if (this.verbose) this.streams.stderr.write(line + '\n');
  }

  /** Human-readable result lines (stdout); with --json they go to stderr instead, so stdout ends with the JSON. */
  say(line: string): void {
    if (this.json) this.note(line);
    else this.streams.stdout.write(line + '\n');
  }

  /** The command's result: with --json, one JSON line on stdout (always the last one). */
  result(value: Record<string, unknown>): void {
    if (this.json) this.streams.stdout.write(JSON.stringify(value, jsonSafe) + '\n');
  }
}

/** JSON has no Infinity or NaN: write them as strings rather than silently as null. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}
