/**
 * Test helpers shared by elbo's packages and by authors of kernel or backend plugins:
 * reference statistics written independently of the code under test, finite
 * differences, and tensor-leak counting. Exported as `testing` from the package entry.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Complementary error function, W. J. Cody's rational approximations as given in
 * Numerical Recipes (erfcc): fractional error below 1.2e-7 everywhere.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export const standardNormalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

/** Kolmogorov-Smirnov statistic D of `sample` against `cdf`. */
export function ksStatistic(sample: ArrayLike<number>, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(sample).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** Asymptotic critical value of D at the 1% level: 1.628 / sqrt(n). */
export const ksCritical01 = (n: number): number => 1.628 / Math.sqrt(n);

export function meanAndVariance(sample: ArrayLike<number>): { mean: number; variance: number } {
  let mean = 0;
  for (let i = 0; i < sample.length; i++) mean += sample[i]!;
  mean /= sample.length;
  let ss = 0;
  for (let i = 0; i < sample.length; i++) ss += (sample[i]! - mean) ** 2;
  return { mean, variance: ss / (sample.length - 1) };
}

/**
 * Central finite-difference gradient of a scalar function of one float32 tensor, in
 * float64 arithmetic over the function's outputs. For gradient checks in tests.
 */
export function finiteDifferenceGradient(
  f: (x: tf.Tensor) => tf.Tensor,
  at: tf.Tensor,
  step = 1e-2,
): Float64Array {
  const base = at.dataSync();
  const grad = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const evaluate = (delta: number): number =>
      tf.tidy(() => {
        const shifted = Float32Array.from(base);
        shifted[i] = shifted[i]! + delta;
        return f(tf.tensor(shifted, at.shape, 'float32')).dataSync()[0]!;
      });
    // Use the float32 step actually taken, not the nominal one.
    const up = Math.fround(base[i]! + step) - base[i]!;
    const down = base[i]! - Math.fround(base[i]! - step);
    grad[i] = (evaluate(step) - evaluate(-step)) / (up + down);
  }
  return grad;
}

/** Runs `fn` and returns how many tensors it left allocated, with its result disposed first. */
export function tensorsLeftBehind(fn: () => tf.TensorContainer | void): number {
  const before = tf.memory().numTensors;
  const result = fn();
  if (result !== undefined) tf.dispose(result);
  return tf.memory().numTensors - before;
}

/** Async form of {@link tensorsLeftBehind}. */
export async function tensorsLeftBehindAsync(fn: () => Promise<tf.TensorContainer | void>): Promise<number> {
  const before = tf.memory().numTensors;
  const result = await fn();
  if (result !== undefined) tf.dispose(result);
  return tf.memory().numTensors - before;
}

/** Largest |a - b| / max(|b|, floor) over two arrays; Infinity when lengths differ or a NaN appears. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-5): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor);
    if (Number.isNaN(err)) return Infinity;
    worst = Math.max(worst, err);
  }
  return worst;
}

export { setTestTarget, testTarget, initForTests } from './test-target.js';
export type { TestTarget } from './test-target.js';
