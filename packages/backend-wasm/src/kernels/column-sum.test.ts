import * as tf from '@tensorflow/tfjs';
import { init, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOn, values } from '../test-helpers.js';
import { wasm } from '../wasm.js';

beforeAll(async () => {
  await init({ backend: wasm(), seed: 1 });
});

// [shape, axis, keepDims]: leading axes take the SIMD column sums (cols 783 leaves a
// scalar tail); the others check that the original kernel still answers.
const CASES: [number[], number | number[], boolean][] = [
  [[128, 783], 0, false],
  [[128, 400], [0], true],
  [[4, 6, 10], [1, 0], false],
  [[4, 6, 10], -3, false],
  [[5, 7], 1, false],
  [[5, 7], [0, 1], false],
  [[3, 4, 5], [0, 2], true],
];

describe('Sum over leading axes on wasm()', () => {
  for (const [shape, axis, keepDims] of CASES) {
    it(`matches cpu for ${JSON.stringify(shape)}, axis ${JSON.stringify(axis)}, keepDims ${keepDims}, with its gradient`, async () => {
      const run = (): { sum: Float32Array; shape: number[]; grad: Float32Array } =>
        tf.tidy(() => {
          const x = tf.tensor(values(tf.util.sizeFromShape(shape), 61), shape);
          const sum = tf.sum(x, axis, keepDims);
          const grad = tf.grad((y: tf.Tensor) => tf.sum(tf.square(tf.sum(y, axis, keepDims))))(x);
          return { sum: sum.dataSync() as Float32Array, shape: sum.shape, grad: grad.dataSync() as Float32Array };
        });
      const expected = await runOn('cpu', run);
      const actual = run();
      expect(actual.shape).toEqual(expected.shape);
      expect(testing.maxRelativeError(actual.sum, expected.sum, 1)).toBeLessThan(1e-5);
      expect(testing.maxRelativeError(actual.grad, expected.grad, 1)).toBeLessThan(1e-5);
    });
  }

  it('leaves no tensors and no wasm memory behind', () => {
    const before = tf.engine().backend.numDataIds();
    expect(testing.tensorsLeftBehind(() => tf.tidy(() => tf.sum(tf.ones([128, 400]), 0)))).toBe(0);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });
});
