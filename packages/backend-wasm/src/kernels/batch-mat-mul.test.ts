import * as tf from '@tensorflow/tfjs';
import { init, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOn, values } from '../test-helpers.js';
import { wasm } from '../wasm.js';

// The cpu backend is the independent reference; float32 sums of up to 300 products
// agree to 1e-5 relative (absolute below 1).
const TOLERANCE = 1e-5;
const FLOOR = 1;

beforeAll(async () => {
  await init({ backend: wasm(), seed: 1 });
});

interface Case {
  readonly a: number[];
  readonly b: number[];
  /**
   * tfjs 4.22's own matMul gradient does not sum over broadcast batch dimensions (it
   * fails on every backend), so those cases check the product only.
   */
  readonly broadcast?: true;
}
// [m, k] by [k, n] before transposition; batch dimensions broadcast like tf.matMul.
const CASES: Case[] = [
  { a: [5, 7], b: [7, 3] },
  { a: [1, 37], b: [37, 1] },
  // Small m, large k x n: computed as (B^T A^T)^T.
  { a: [3, 40], b: [40, 30] },
  { a: [1, 3, 40], b: [1, 40, 30] },
  { a: [4, 5, 7], b: [4, 7, 3] },
  // Sizes elbo's SIMD product takes (m % 4 = 0, n % 4 = 0, at least 64^3 products),
  // in the product or its gradients; k = 300 spans two of its 256-long slices.
  { a: [128, 96], b: [96, 40] },
  { a: [128, 120], b: [120, 20] },
  { a: [64, 300], b: [300, 16] },
  { a: [64, 301], b: [301, 16] }, // k % 4 = 1: the SIMD transpose's scalar edges
  { a: [2, 3, 4, 6], b: [2, 3, 6, 5] },
  { a: [4, 5, 7], b: [7, 3], broadcast: true },
  { a: [5, 7], b: [4, 7, 3], broadcast: true },
  { a: [1, 5, 7], b: [3, 7, 2], broadcast: true },
  { a: [2, 3, 4, 6], b: [6, 5], broadcast: true },
];
const FLAGS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

function operandShape(shape: number[], transposed: boolean): number[] {
  if (!transposed) return shape;
  const r = shape.length;
  return [...shape.slice(0, -2), shape[r - 1]!, shape[r - 2]!];
}

/** Product and the gradients of sum(product * weights) on one backend, as arrays. */
function productAndGradients(c: Case, transposeA: boolean, transposeB: boolean): Float32Array[] {
  return tf.tidy(() => {
    const aShape = operandShape(c.a, transposeA);
    const bShape = operandShape(c.b, transposeB);
    const a = tf.tensor(values(aShape.reduce((p, d) => p * d, 1), 11), aShape);
    const b = tf.tensor(values(bShape.reduce((p, d) => p * d, 1), 12), bShape);
    const product = tf.matMul(a, b, transposeA, transposeB);
    if (c.broadcast) return [product.dataSync() as Float32Array];
    const weights = tf.tensor(values(product.size, 13), product.shape);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, transposeA, transposeB), weights)))([a, b]);
    return [product, da!, db!].map((t) => t.dataSync() as Float32Array);
  });
}

describe('BatchMatMul on wasm()', () => {
  for (const c of CASES) {
    for (const [transposeA, transposeB] of FLAGS) {
      it(`matches cpu for ${JSON.stringify(c.a)} x ${JSON.stringify(c.b)}, transposeA=${transposeA}, transposeB=${transposeB}`, async () => {
        const expected = await runOn('cpu', () => productAndGradients(c, transposeA, transposeB));
        const actual = productAndGradients(c, transposeA, transposeB);
        expect(tf.getBackend()).toBe('wasm');
        expect(actual.length).toBe(c.broadcast ? 1 : 3);
        for (let i = 0; i < expected.length; i++) {
          expect(actual[i]!.length).toBe(expected[i]!.length);
          expect(testing.maxRelativeError(actual[i]!, expected[i]!, FLOOR)).toBeLessThan(TOLERANCE);
        }
      });
    }
  }

  it('broadcasts batch dimensions both ways, like numpy.matmul', () => {
    // tfjs's cpu kernel only broadcasts a batch of one, so this case has its own
    // reference: the naive float64 triple loop.
    const aData = values(2 * 5 * 7, 31);
    const bData = values(3 * 7 * 2, 32);
    const product = tf.tidy(() => tf.matMul(tf.tensor(aData, [2, 1, 5, 7]), tf.tensor(bData, [1, 3, 7, 2])));
    expect(product.shape).toEqual([2, 3, 5, 2]);
    const expected: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let r = 0; r < 5; r++)
          for (let c = 0; c < 2; c++) {
            let sum = 0;
            for (let k = 0; k < 7; k++) sum += aData[i * 35 + r * 7 + k]! * bData[j * 14 + k * 2 + c]!;
            expected.push(sum);
          }
    expect(testing.maxRelativeError(product.dataSync(), expected, FLOOR)).toBeLessThan(TOLERANCE);
    product.dispose();
  });

  it('gives the shape and error of tf.matMul for mismatched inner dimensions', () => {
    const a = tf.ones([2, 3]);
    const b = tf.ones([4, 2]);
    expect(() => tf.matMul(a, b)).toThrow(/inner shapes \(3\) and \(4\)/);
    tf.dispose([a, b]);
  });

  it('leaves no tensors and no wasm memory behind, forward and backward', () => {
    const backend = tf.engine().backend;
    const before = backend.numDataIds();
    const left = testing.tensorsLeftBehind(() => {
      for (const c of CASES) for (const [ta, tb] of FLAGS) productAndGradients(c, ta, tb);
    });
    expect(left).toBe(0);
    expect(backend.numDataIds()).toBe(before);
  });
});

describe('fused matMul on wasm()', () => {
  // batch 0: a rank-2 left operand. tfjs 4.22's fused-matMul gradient returns rank-3
  // gradients for rank-3 operands of rank-2 weights, so batched cases check the product.
  const fused = (transposeA: boolean, transposeB: boolean, batch: number): Float32Array[] =>
    tf.tidy(() => {
      const aShape = operandShape(batch === 0 ? [5, 6] : [batch, 5, 6], transposeA);
      const bShape = operandShape([6, 4], transposeB);
      const a = tf.tensor(values(aShape.reduce((p, d) => p * d, 1), 21), aShape);
      const b = tf.tensor(values(24, 22), bShape);
      const bias = tf.tensor(values(4, 23), [4]);
      const out = tf.fused.matMul({ a, b, bias, transposeA, transposeB, activation: 'relu' });
      if (batch > 0) return [out.dataSync() as Float32Array];
      const weights = tf.tensor(values(20, 24), [5, 4]);
      const f = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor): tf.Tensor =>
        tf.sum(tf.mul(tf.fused.matMul({ a: x, b: y, bias: z, transposeA, transposeB, activation: 'relu' }), weights));
      const [da, db, dbias] = tf.grads(f)([a, b, bias]);
      return [out, da!, db!, dbias!].map((t) => t.dataSync() as Float32Array);
    });

  it('matches cpu when unfused for a small left operand (bias, relu and linear)', async () => {
    const run = (activation: 'relu' | 'linear', withBias: boolean): Float32Array[] =>
      tf.tidy(() => {
        const a = tf.tensor(values(2 * 50, 25), [2, 50]);
        const b = tf.tensor(values(50 * 40, 26), [50, 40]);
        const bias = withBias ? tf.tensor(values(40, 27), [40]) : undefined;
        const weights = tf.tensor(values(80, 28), [2, 40]);
        const f = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => tf.sum(tf.mul(tf.fused.matMul({ a: x, b: y, bias, activation }), weights));
        const [da, db] = tf.grads(f)([a, b]);
        return [tf.fused.matMul({ a, b, bias, activation }), da!, db!].map((t) => t.dataSync() as Float32Array);
      });
    for (const activation of ['relu', 'linear'] as const) {
      for (const withBias of [true, false]) {
        const expected = await runOn('cpu', () => run(activation, withBias));
        const actual = run(activation, withBias);
        for (let i = 0; i < expected.length; i++) {
          expect(testing.maxRelativeError(actual[i]!, expected[i]!, FLOOR)).toBeLessThan(TOLERANCE);
        }
      }
    }
    const backend = tf.engine().backend;
    const before = backend.numDataIds();
    expect(testing.tensorsLeftBehind(() => run('relu', true))).toBe(0);
    expect(backend.numDataIds()).toBe(before);
  });

  for (const batch of [0, 1, 3]) {
    for (const [transposeA, transposeB] of FLAGS) {
      it(`matches cpu with bias and relu, batch ${batch}, transposeA=${transposeA}, transposeB=${transposeB}`, async () => {
        const expected = await runOn('cpu', () => fused(transposeA, transposeB, batch));
        const actual = fused(transposeA, transposeB, batch);
        expect(actual.length).toBe(batch === 0 ? 4 : 1);
        for (let i = 0; i < expected.length; i++) {
          expect(testing.maxRelativeError(actual[i]!, expected[i]!, FLOOR)).toBeLessThan(TOLERANCE);
        }
      });
    }
  }
});
