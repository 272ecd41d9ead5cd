import type { Comparison, Measurement, Reference, Skipped } from './result.js';

/** What the command line passes to every benchmark. */
export interface BenchContext {
  /** The complete (slow) budget instead of the default reduced one. */
  readonly full: boolean;
  /** Wiring check: tiny budgets, numbers meaningless (never report them). */
  readonly smoke: boolean;
  /** Override of the timed repetitions per variant (speed benchmarks). */
  readonly repetitions?: number;
  /** Run only the variants whose id contains this text (`--only`). */
  readonly only?: string;
  /** Relay child processes' progress output. */
  readonly verbose: boolean;
  /** A progress line on stderr. */
  log(line: string): void;
}

/** What a benchmark hands back; the harness adds machine, versions and timing. */
export interface BenchOutput {
  readonly options: Readonly<Record<string, unknown>>;
  readonly measurements: Measurement[];
  readonly comparisons: Comparison[];
  readonly references: Reference[];
  readonly skipped: Skipped[];
  readonly notes: string[];
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** Rough wall time of the default run on the 2-core reference machine. */
  readonly expectedMinutes: number;
  run(context: BenchContext): Promise<BenchOutput>;
}

export function emptyOutput(options: Record<string, unknown>): BenchOutput {
  return { options, measurements: [], comparisons: [], references: [], skipped: [], notes: [] };
}

/**
 * Runs one variant; a failure (a package not built yet, a missing Python module, a
 * crash) becomes a `skipped` entry with the reason, so the other variants still run.
 */
export async function attempt<T>(output: BenchOutput, id: string, context: BenchContext, task: () => Promise<T>): Promise<T | undefined> {
  if (context.only !== undefined && !id.includes(context.only)) {
    output.skipped.push({ id, reason: `not selected (--only ${context.only})` });
    return undefined;
  }
  context.log(`  ${id} ...`);
  try {
    return await task();
  } catch (error) {
    const reason = (error as Error).message;
    context.log(`  ${id} skipped: ${reason.split('\n')[0]}`);
    output.skipped.push({ id, reason });
    return undefined;
  }
}

/** Adds the comparison when both sides were measured. */
export function pushComparison(output: BenchOutput, comparison: Comparison | undefined): void {
  if (comparison) output.comparisons.push(comparison);
}
