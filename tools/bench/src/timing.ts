import { summarize } from './stats.js';
import type { Summary } from './stats.js';

export interface ThroughputOptions {
  /** Calls before timing starts (JIT, caches, tfjs kernel setup); never reported. */
  readonly warmup: number;
  /** Timed repetitions; the reported figure is their median. */
  readonly repetitions: number;
  /** Calls per repetition, so one repetition lasts long enough to time well. */
  readonly callsPerRepetition: number;
  /** Units of work one call does (samples, elements, bytes). */
  readonly workPerCall: number;
}

export interface Throughput extends Summary {
  /** Work units per second of each repetition, in order. */
  readonly samples: readonly number[];
  readonly warmup: number;
  readonly callsPerRepetition: number;
}

/**
 * Work per second of `call`: `warmup` untimed calls, then `repetitions` timed blocks
 * of `callsPerRepetition` calls. `finish` (if given) runs inside each timed block after
 * the calls, to wait for asynchronous backends or read a result.
 */
export async function measureThroughput(
  call: () => unknown,
  options: ThroughputOptions,
  finish?: () => unknown,
): Promise<Throughput> {
  const { warmup, repetitions, callsPerRepetition, workPerCall } = options;
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < (name === 'warmup' ? 0 : 1)) {
      throw new RangeError(`measureThroughput: option ${name} must be a ${name === 'warmup' ? 'non-negative' : 'positive'} integer, got ${value}`);
    }
  }
  for (let i = 0; i < warmup; i++) await call();
  if (finish) await finish();
  const samples: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < callsPerRepetition; i++) await call();
    if (finish) await finish();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    samples.push((workPerCall * callsPerRepetition) / seconds);
  }
  return { ...summarize(samples), samples, warmup, callsPerRepetition };
}

/** Seconds taken by `task` (one run; for long, non-repeatable jobs such as training). */
export async function timeOnce<T>(task: () => Promise<T> | T): Promise<{ value: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const value = await task();
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

/**
 * How many calls of `call` fill about `seconds` (at least 1), from one timed call made
 * after `warmup` untimed ones. Lets one benchmark cover operations whose speeds differ
 * by 100x without tiny or endless repetitions.
 */
export async function callsToFill(seconds: number, call: () => unknown, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await call();
  const start = process.hrtime.bigint();
  await call();
  const once = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.max(1, Math.ceil(seconds / Math.max(once, 1e-9)));
}

/**
 * Throughput from the end times (in seconds, any origin) of consecutive calls that ran
 * inside someone else's loop, e.g. a training loop's per-batch callback. The first
 * `warmup` calls are left out; the rest are grouped into repetitions of
 * `callsPerRepetition` calls, each timed from the end of the call before it.
 */
export function throughputFromEndTimes(endTimes: readonly number[], options: ThroughputOptions): Throughput {
  const { warmup, repetitions, callsPerRepetition, workPerCall } = options;
  if (warmup < 1) throw new RangeError('throughputFromEndTimes: needs warmup >= 1 (the first timed call starts at the end of the last warm-up call)');
  const needed = warmup + repetitions * callsPerRepetition;
  if (endTimes.length < needed) throw new RangeError(`throughputFromEndTimes: expected ${needed} end times, found ${endTimes.length}`);
  const samples: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    const from = endTimes[warmup - 1 + r * callsPerRepetition]!;
    const to = endTimes[warmup - 1 + (r + 1) * callsPerRepetition]!;
    samples.push((workPerCall * callsPerRepetition) / (to - from));
  }
  return { ...summarize(samples), samples, warmup, callsPerRepetition };
}
