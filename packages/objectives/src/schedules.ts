/**
 * Schedules for the KL weight (beta) and the KL capacity C: plain functions from a
 * training step (an iteration or epoch counter, starting at 0) to a number, to pass
 * as `klWeight` / `capacity` of {@link elbo} at that step.
 */
import { invalidArgument } from '@elbo/runtime';

/** A schedule: the value to use at training step `step` (0, 1, 2, ...). */
export type Schedule = (step: number) => number;

export interface LinearWarmupOptions {
  /** Value at (and before) step `start`; default 0. */
  readonly from?: number;
  /** Value reached after `steps` steps and kept after; default 1. */
  readonly to?: number;
  /** Length of the ramp in steps (a positive integer). */
  readonly steps: number;
  /** Step at which the ramp begins; default 0. */
  readonly start?: number;
}

/**
 * KL warm-up (Bowman et al. 2016; Sønderby et al. 2016): the weight rises linearly
 * from `from` to `to` over `steps` steps, then stays at `to`.
 */
export function linearWarmup(options: LinearWarmupOptions): Schedule {
  const where = 'linearWarmup';
  const from = finiteOption(where, 'from', options?.from ?? 0);
  const to = finiteOption(where, 'to', options?.to ?? 1);
  const steps = positiveInteger(where, 'steps', options?.steps);
  const start = nonNegativeInteger(where, 'start', options?.start ?? 0);
  return (step) => {
    const t = stepOption(where, step) - start;
    if (t <= 0) return from;
    if (t >= steps) return to;
    return from + ((to - from) * t) / steps;
  };
}

export interface CyclicalOptions {
  /** Total training steps covered by the schedule (a positive integer). */
  readonly steps: number;
  /** Number of cycles in `steps` (a positive integer); default 4. */
  readonly cycles?: number;
  /** Fraction of each cycle spent rising, in (0, 1]; the rest stays at `to`. Default 0.5. */
  readonly ratio?: number;
  /** Value at the start of each cycle; default 0. */
  readonly from?: number;
  /** Value at the top of each cycle; default 1. */
  readonly to?: number;
}

/**
 * Cyclical annealing (Fu et al. 2019, "Cyclical Annealing Schedule"): `steps` is split
 * into `cycles` equal cycles; in each, the weight rises linearly from `from` to `to`
 * during the first `ratio` of the cycle and stays at `to` for the rest. After `steps`
 * it stays at `to`.
 */
export function cyclical(options: CyclicalOptions): Schedule {
  const where = 'cyclical';
  const steps = positiveInteger(where, 'steps', options?.steps);
  const cycles = positiveInteger(where, 'cycles', options?.cycles ?? 4);
  const ratio = options?.ratio ?? 0.5;
  if (!(typeof ratio === 'number' && ratio > 0 && ratio <= 1)) {
    throw invalidArgument(where, 'ratio', 'a number in (0, 1]', ratio);
  }
  const from = finiteOption(where, 'from', options?.from ?? 0);
  const to = finiteOption(where, 'to', options?.to ?? 1);
  const period = steps / cycles;
  return (step) => {
    const s = stepOption(where, step);
    if (s >= steps) return to;
    const phase = (s % period) / period; // in [0, 1)
    if (phase >= ratio) return to;
    return from + ((to - from) * phase) / ratio;
  };
}

export interface CapacityAnnealingOptions {
  /** Final capacity C in nats, reached after `steps` steps (a finite number >= 0). */
  readonly max: number;
  /** Length of the ramp in steps (a positive integer). */
  readonly steps: number;
  /** Capacity at the start; default 0. */
  readonly min?: number;
  /** Step at which the ramp begins; default 0. */
  readonly start?: number;
}

/**
 * Capacity annealing (Burgess et al. 2018, "Understanding disentangling in beta-VAE"):
 * the target KL C rises linearly from `min` to `max` nats; pass it as `capacity`
 * together with a large `klWeight` (their gamma), so the loss holds |KL - C| near 0.
 */
export function capacityAnnealing(options: CapacityAnnealingOptions): Schedule {
  const where = 'capacityAnnealing';
  const max = finiteOption(where, 'max', options?.max);
  const min = finiteOption(where, 'min', options?.min ?? 0);
  if (min < 0 || max < min) {
    throw invalidArgument(where, 'min and max', 'numbers with 0 <= min <= max', { raw: `min ${min}, max ${max}` });
  }
  return linearWarmup({ from: min, to: max, steps: options.steps, start: options.start ?? 0 });
}

function finiteOption(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidArgument(where, name, 'a finite number', value);
  return value;
}

function positiveInteger(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidArgument(where, name, 'a positive integer', value);
  }
  return value;
}

function nonNegativeInteger(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidArgument(where, name, 'a non-negative integer', value);
  }
  return value;
}

function stepOption(where: string, step: unknown): number {
  if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) {
    throw invalidArgument(`${where} schedule`, 'step', 'a finite number >= 0', step);
  }
  return step;
}
