/**
 * Test helpers for this package: fixtures written by fixtures/make_fixtures.py
 * (SciPy/PyTorch/mpmath), float32 comparisons, gradient checks against central finite
 * differences, and sampling checks (moments and a chi-square test). Not built into dist.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { expect } from 'vitest';
import type { Distribution } from './distribution.js';

export type Nested = number | Nested[];

/** Float32 tolerance of every reference comparison: |a - b| <= 1e-5 * max(|b|, 1). */
export const REL = 1e-5;

function revive(_key: string, value: unknown): unknown {
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (value === 'NaN') return NaN;
  return value;
}

export function loadFixture<T = unknown>(name: string): T {
  const url = new URL(`../fixtures/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'), revive) as T;
}

export function flat(x: Nested | tf.Tensor | ArrayLike<number>): number[] {
  if (x instanceof tf.Tensor) return Array.from(x.dataSync());
  if (typeof x === 'number') return [x];
  if (Array.isArray(x)) return (x as Nested[]).flatMap((v) => flat(v));
  return Array.from(x as ArrayLike<number>);
}

/** Largest |a - b| / max(|b|, 1); non-finite references must match exactly. */
export function maxError(actual: Nested | tf.Tensor | ArrayLike<number>, expected: Nested | ArrayLike<number>): number {
  const a = flat(actual);
  const b = flat(expected as Nested);
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(b[i]!)) {
      if (!Object.is(a[i], b[i]) && !(Number.isNaN(a[i]!) && Number.isNaN(b[i]!))) return Infinity;
      continue;
    }
    const err = Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1);
    if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
  }
  return worst;
}

/** Expects `actual` (disposed here) to match `expected` within `tolerance`. */
export function expectClose(label: string, actual: tf.Tensor, expected: Nested, tolerance = REL, shape?: number[]): void {
  try {
    if (shape) expect(actual.shape, `${label} shape`).toEqual(shape);
    expect(maxError(actual, expected), `${label}: ${flat(actual).slice(0, 8)} vs ${flat(expected).slice(0, 8)}`).toBeLessThanOrEqual(tolerance);
  } finally {
    actual.dispose();
  }
}

export interface FixtureCase {
  params: Record<string, Nested>;
  value?: Nested;
  logProb?: Nested;
  entropy?: Nested;
  mean?: Nested;
  variance?: Nested;
  cdf?: Nested;
}

/** Compares every statistic the case holds; `tolerance` per statistic overrides REL. */
export function checkCase(d: Distribution, c: FixtureCase, tolerance: Partial<Record<'logProb' | 'entropy' | 'mean' | 'variance' | 'cdf', number>> = {}): void {
  const value = c.value === undefined ? undefined : tf.tensor(c.value as number[]);
  try {
    if (c.logProb !== undefined) expectClose(`${d.name} logProb`, d.logProb(value!), c.logProb, tolerance.logProb);
    if (c.cdf !== undefined) expectClose(`${d.name} cdf`, d.cdf(value!), c.cdf, tolerance.cdf);
    if (c.entropy !== undefined) expectClose(`${d.name} entropy`, d.entropy(), c.entropy, tolerance.entropy, d.batchShape);
    const full = [...d.batchShape, ...d.eventShape];
    if (c.mean !== undefined) expectClose(`${d.name} mean`, d.mean(), c.mean, tolerance.mean, full);
    if (c.variance !== undefined) expectClose(`${d.name} variance`, d.variance(), c.variance, tolerance.variance, full);
  } finally {
    value?.dispose();
  }
}

/**
 * Checks tf.grads of a scalar function of several tensors against central finite
 * differences (float32 function values; step 1e-2 unless given). The finite
 * difference itself is only good to about 1e-3 relative in float32, hence the default.
 */
export function expectGradientsMatch(
  label: string,
  f: (...args: tf.Tensor[]) => tf.Tensor,
  args: tf.Tensor[],
  { step = 1e-2, tolerance = 5e-3, floor = 1e-1 }: { step?: number; tolerance?: number; floor?: number } = {},
): void {
  const grads = tf.grads(f)(args);
  try {
    args.forEach((arg, k) => {
      const numeric = testing.finiteDifferenceGradient((x) => f(...args.map((a, j) => (j === k ? x : a))), arg, step);
      const analytic = grads[k]!.dataSync();
      expect(analytic.every(Number.isFinite), `${label}: gradient ${k} finite`).toBe(true);
      expect(testing.maxRelativeError(analytic, numeric, floor), `${label}: gradient ${k} ${Array.from(analytic).slice(0, 6)} vs ${Array.from(numeric).slice(0, 6)}`).toBeLessThan(tolerance);
    });
  } finally {
    tf.dispose(grads);
  }
}

export interface SamplingFixture {
  params: Record<string, Nested>;
  /** Interior bin edges of a 1-D statistic of the draws (the draw itself, or a projection). */
  edges: number[];
  /** Probability of each of the edges.length + 1 bins. */
  probs: number[];
  /** chi2.ppf(0.99, bins - 1). */
  critical: number;
  /** Project event vectors onto this vector before binning (multivariate families). */
  project?: number[];
  /** Which coordinate of the event to bin instead (marginals). */
  coordinate?: number;
}

/** Pearson's chi-square statistic of `values` over the fixture's bins. */
export function chiSquare(values: ArrayLike<number>, fixture: SamplingFixture): number {
  const counts = new Float64Array(fixture.probs.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = fixture.edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v < fixture.edges[mid]!) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]! += 1;
  }
  let stat = 0;
  for (let b = 0; b < counts.length; b++) {
    const expected = fixture.probs[b]! * values.length;
    stat += (counts[b]! - expected) ** 2 / expected;
  }
  return stat;
}

/** The 1-D statistic a sampling fixture bins: the draws, a coordinate, or a projection. */
export function statistic(draws: tf.Tensor, fixture: SamplingFixture): Float64Array {
  const values = draws.dataSync();
  if (fixture.project === undefined && fixture.coordinate === undefined) return Float64Array.from(values);
  const d = draws.shape[draws.rank - 1]!;
  const out = new Float64Array(values.length / d);
  for (let i = 0; i < out.length; i++) {
    if (fixture.coordinate !== undefined) out[i] = values[i * d + fixture.coordinate]!;
    else for (let j = 0; j < d; j++) out[i]! += values[i * d + j]! * fixture.project![j]!;
  }
  return out;
}

/**
 * Sample mean and variance of draws `[n, ...shape]` against the distribution's
 * mean/variance, within `z` standard errors (the variance's from the sample fourth moment).
 */
export function expectMomentsMatch(label: string, draws: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, z = 5): void {
  const n = draws.shape[0]!;
  const values = draws.dataSync();
  const m = mean.dataSync();
  const v = variance.dataSync();
  const k = m.length;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[i * k + j]!;
    const mu = s / n;
    let s2 = 0;
    let s4 = 0;
    for (let i = 0; i < n; i++) {
      const d = values[i * k + j]! - mu;
      s2 += d * d;
      s4 += d ** 4;
    }
    const varHat = s2 / (n - 1);
    const m4 = s4 / n;
    expect(Math.abs(mu - m[j]!), `${label} mean[${j}] ${mu} vs ${m[j]}`).toBeLessThan(z * Math.sqrt(v[j]! / n) + 1e-6);
    expect(Math.abs(varHat - v[j]!), `${label} variance[${j}] ${varHat} vs ${v[j]}`).toBeLessThan(z * Math.sqrt(Math.max(m4 - varHat * varHat, 0) / n) + 1e-6);
  }
  tf.dispose([mean, variance]);
}

export const DRAWS = 100_000;

/**
 * Draws DRAWS values from `d` (seeded), and checks (1) Pearson's chi-square over the
 * fixture's bins at the 1% level and (2) sample mean/variance against d.mean()/variance()
 * unless `moments` is false. Returns the draws' statistic for further checks.
 */
export function expectSamplesMatch(d: Distribution, fixture: SamplingFixture, options: { seed?: number; moments?: boolean; statistic?: (draws: tf.Tensor) => Float64Array } = {}): void {
  const draws = d.sample([DRAWS], { rng: Generator.fromSeed(options.seed ?? 2024) });
  try {
    expect(draws.shape).toEqual([DRAWS, ...d.batchShape, ...d.eventShape]);
    const values = options.statistic ? options.statistic(draws) : statistic(draws, fixture);
    const chi2 = chiSquare(values, fixture);
    expect(chi2, `${d.name}: chi-square ${chi2.toFixed(1)} vs 1% critical ${fixture.critical.toFixed(1)}`).toBeLessThan(fixture.critical);
    if (options.moments !== false) expectMomentsMatch(d.name, draws, d.mean(), d.variance());
  } finally {
    draws.dispose();
  }
}

/** Expects each call to leave no tensors behind (its result is disposed). */
export function expectNoLeaks(calls: Record<string, () => tf.TensorContainer | void>): void {
  for (const [label, call] of Object.entries(calls)) expect(testing.tensorsLeftBehind(call), label).toBe(0);
}
