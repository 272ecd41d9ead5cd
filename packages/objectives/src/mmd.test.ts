import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { mmd, type MmdKernel } from './mmd.js';

beforeAll(async () => {
  await testing.initForTests({ seed: 3 });
});

/** Float64 double loop over all pairs, straight from Gretton et al.'s definitions. */
function referenceMmd(x: number[][], y: number[][], kernel: MmdKernel, c: number, unbiased: boolean): number {
  const k = (a: number[], b: number[]): number => {
    const d2 = a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
    return kernel === 'rbf' ? Math.exp(-d2 / c) : c / (c + d2);
  };
  const within = (s: number[][]): number => {
    let total = 0;
    let count = 0;
    s.forEach((a, i) =>
      s.forEach((b, j) => {
        if (unbiased && i === j) return;
        total += k(a, b);
        count++;
      }),
    );
    return total / count;
  };
  let cross = 0;
  x.forEach((a) => y.forEach((b) => (cross += k(a, b))));
  return within(x) + within(y) - (2 * cross) / (x.length * y.length);
}

const rows = (t: tf.Tensor): number[][] => t.arraySync() as number[][];

describe('mmd', () => {
  it('matches a float64 double loop for both kernels and both estimators', () => {
    const rng = Generator.fromSeed(11);
    const x = tf.tensor2d(rng.normalArray(7 * 3), [7, 3]);
    const y = tf.add(tf.tensor2d(rng.normalArray(5 * 3), [5, 3]), 0.7);
    for (const kernel of ['rbf', 'imq'] as const) {
      for (const estimator of ['unbiased', 'biased'] as const) {
        const value = mmd({ x, y, kernel, estimator, scale: 2.5 });
        const expected = referenceMmd(rows(x), rows(y), kernel, 2.5, estimator === 'unbiased');
        expect(Math.abs(value.dataSync()[0]! - expected)).toBeLessThan(2e-6);
        value.dispose();
      }
    }
    tf.dispose([x, y]);
  });

  it('has the closed-form expectation for Gaussians with the RBF kernel (within 4 standard errors)', () => {
    // x ~ N(m, s1^2 I), y ~ N(0, I) in D = 2. With u = a - b ~ N(mu, v I):
    // E exp(-|u|^2 / c) = (1 + 2 v / c)^(-D/2) exp(-|mu|^2 / (c + 2 v)).
    const d = 2;
    const c = 4;
    const m = [0.6, -0.3];
    const s1 = 0.8;
    const e = (v: number, mu2: number): number => (1 + (2 * v) / c) ** (-d / 2) * Math.exp(-mu2 / (c + 2 * v));
    const mu2 = m[0]! ** 2 + m[1]! ** 2;
    const exact = e(2 * s1 * s1, 0) + e(2, 0) - 2 * e(s1 * s1 + 1, mu2);
    const rng = Generator.fromSeed(5);
    const estimates: number[] = [];
    for (let r = 0; r < 12; r++) {
      const value = tf.tidy(() => {
        const x = tf.add(tf.mul(tf.tensor2d(rng.normalArray(200 * d), [200, d]), s1), tf.tensor1d(m));
        const y = tf.tensor2d(rng.normalArray(150 * d), [150, d]);
        return mmd({ x, y, scale: c });
      });
      estimates.push(value.dataSync()[0]!);
      value.dispose();
    }
    const { mean, variance } = testing.meanAndVariance(estimates);
    const se = Math.sqrt(variance / estimates.length);
    expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
    expect(exact).toBeGreaterThan(10 * se); // the test can tell the distributions apart
  });

  it('differentiates in its samples (finite differences) and leaves no tensors behind', () => {
    const rng = Generator.fromSeed(2);
    const x = tf.tensor2d(rng.normalArray(4 * 2), [4, 2]);
    const y = tf.tensor2d(rng.normalArray(3 * 2), [3, 2]);
    for (const kernel of ['rbf', 'imq'] as const) {
      const f = (v: tf.Tensor): tf.Tensor => mmd({ x: v, y, kernel });
      const analytic = tf.grad(f)(x);
      const numeric = testing.finiteDifferenceGradient(f, x, 1e-2);
      analytic.dataSync().forEach((g, i) => expect(Math.abs(g - numeric[i]!)).toBeLessThan(2e-3));
      analytic.dispose();
      expect(testing.tensorsLeftBehind(() => mmd({ x, y, kernel }))).toBe(0);
    }
    tf.dispose([x, y]);
  });

  it('names bad inputs', () => {
    const x = tf.zeros([3, 2]);
    const y = tf.zeros([3, 4]);
    expect(() => mmd({ x, y })).toThrow('mmd: the shapes of x and y must be equal in the last dimension, found [3, 2] and [3, 4]');
    expect(() => mmd({ x, y: x, kernel: 'laplace' as MmdKernel })).toThrow("mmd: kernel must be 'rbf' or 'imq', found \"laplace\"");
    expect(() => mmd({ x, y: x, scale: 0 })).toThrow('mmd: scale must be a finite number > 0, found 0');
    const one = tf.zeros([1, 2]);
    expect(() => mmd({ x: one, y: x })).toThrow('mmd: the number of samples in x and y must be at least 2 each (unbiased), found 1 and 3');
    tf.dispose([x, y, one]);
  });
});
