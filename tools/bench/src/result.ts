import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './machine.js';
import { ratio, summarize } from './stats.js';
import type { Summary } from './stats.js';

/** One variant's figure: the median of its repetitions and their spread. */
export interface Measurement extends Summary {
  /** Stable id used in comparisons, e.g. `tfjs-wasm`. */
  readonly id: string;
  /** What a reader sees in the table. */
  readonly label: string;
  readonly backend: string;
  readonly kernels: string;
  /** e.g. `samples/s`, `elements/s`, `nats`, `s`. */
  readonly unit: string;
  readonly higherIsBetter: boolean;
  /** Every repetition's value, in order. */
  readonly samples: readonly number[];
  readonly warmup?: number;
  /** Anything else worth keeping (iterations per repetition, sizes, sub-timings). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** An absolute target on the median (for figures that have one), and whether it is met. */
  readonly target?: Target;
  readonly met?: boolean;
}

export interface Target {
  readonly atLeast?: number;
  readonly atMost?: number;
  readonly source: string;
}

export function meetsTarget(value: number, target: Target): boolean {
  return (target.atLeast === undefined || value >= target.atLeast) && (target.atMost === undefined || value <= target.atMost);
}

/** A figure from elsewhere (an issue, a paper, a previous measurement) shown for context. */
export interface Reference {
  readonly what: string;
  readonly value: number;
  readonly unit: string;
  readonly source: string;
}

/** A ratio of two measurements from the same run, with its target where there is one. */
export interface Comparison {
  readonly name: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly median: number;
  /** Smallest and largest ratio the repetitions allow (min/max, max/min). */
  readonly low: number;
  readonly high: number;
  readonly target?: Target;
  /** Whether the median meets the target (absent without a target). */
  readonly met?: boolean;
}

export interface Skipped {
  readonly id: string;
  readonly reason: string;
}

export interface BenchResult {
  readonly benchmark: string;
  readonly description: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  readonly versions: Readonly<Record<string, string | null>>;
  readonly options: Readonly<Record<string, unknown>>;
  readonly measurements: readonly Measurement[];
  readonly comparisons: readonly Comparison[];
  readonly references: readonly Reference[];
  readonly skipped: readonly Skipped[];
  readonly notes: readonly string[];
}

/** A measurement from raw per-repetition values. */
export function measurement(
  fields: Omit<Measurement, keyof Summary | 'samples' | 'met'>,
  samples: readonly number[],
): Measurement {
  const summary = summarize(samples);
  const met = fields.target ? meetsTarget(summary.median, fields.target) : undefined;
  return { ...fields, ...summary, samples: [...samples], ...(met === undefined ? {} : { met }) };
}

/**
 * numerator / denominator by id, or undefined when either is missing (a skipped
 * variant). With a target, `met` says whether the median meets it.
 */
export function compare(
  measurements: readonly Measurement[],
  name: string,
  numerator: string,
  denominator: string,
  target?: Comparison['target'],
): Comparison | undefined {
  const a = measurements.find((m) => m.id === numerator);
  const b = measurements.find((m) => m.id === denominator);
  if (!a || !b) return undefined;
  const r = ratio(a, b);
  const met = target === undefined ? undefined : meetsTarget(r.median, target);
  return { name, numerator, denominator, ...r, ...(target ? { target, met } : {}) };
}

/** Writes `<dir>/<benchmark>.json` and returns its path. */
export function writeResult(result: BenchResult, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${result.benchmark}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
