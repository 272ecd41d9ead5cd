import * as tf from '@tensorflow/tfjs';
import { initForTests, tensorsLeftBehind } from './testing.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { stopGradient, untaped } from './stop-gradient.js';

beforeAll(async () => {
  await initForTests({ seed: 1 });
});

describe('stopGradient', () => {
  it('keeps the value and blocks exactly its own path of the gradient', () => {
    const x = tf.tensor1d([1.5, -2]);
    // f(x) = x^2 + stop(x)^3: df/dx = 2x, the cubic term contributes nothing.
    const f = (v: tf.Tensor): tf.Tensor => tf.sum(tf.add(tf.square(v), tf.pow(stopGradient(v), 3)));
    expect(f(x).dataSync()[0]).toBeCloseTo(1.5 ** 2 + 1.5 ** 3 + 4 - 8, 5);
    const grad = tf.grad(f)(x);
    expect(Array.from(grad.dataSync())).toEqual([3, -4]);
    tf.dispose([x, grad]);
  });

  it('leaves no tensors behind, with or without a gradient', () => {
    const x = tf.tensor1d([1, 2]);
    expect(tensorsLeftBehind(() => stopGradient(x))).toBe(0);
    expect(tensorsLeftBehind(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, stopGradient(v))))(x))).toBe(0);
    x.dispose();
  });
});

describe('untaped', () => {
  it('runs no backward pass through what it computes', () => {
    const x = tf.tensor1d([0.5, 1]);
    // A node whose backward pass fails: reaching it would throw.
    const noBackward = tf.customGrad((...inputs) => ({
      value: tf.mul(inputs[0] as tf.Tensor, 2),
      gradFunc: () => {
        throw new Error('backward pass reached the untaped computation');
      },
    })) as (v: tf.Tensor) => tf.Tensor;
    const f = (v: tf.Tensor): tf.Tensor => tf.sum(tf.mul(v, untaped(() => noBackward(v))));
    const grad = tf.grad(f)(x);
    expect(Array.from(grad.dataSync())).toEqual([1, 2]); // d/dv of v * const(2v) = 2v
    expect(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, noBackward(v))))(x)).toThrow(/backward pass reached/);
    tf.dispose([x, grad]);
  });
});
