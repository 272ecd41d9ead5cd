import * as tf from '@tensorflow/tfjs';
import { init, testing } from '@elbo/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOn, values } from '../test-helpers.js';
import { wasm } from '../wasm.js';
import { ADAM_KERNEL, patchAdamOptimizer, unpatchAdamOptimizer } from './adam.js';

// The reference is tfjs's own AdamOptimizer on the cpu backend. The fused kernel runs
// the same float32 operations in the same order, so 1e-6 relative is a loose bound.
const TOLERANCE = 1e-6;
const SHAPES = [[7, 13], [5], [4, 8]] as const; // 91 and 5 elements exercise the scalar tail
const STEPS = 6;

beforeAll(async () => {
  await init({ backend: wasm(), seed: 1 });
});
afterAll(() => patchAdamOptimizer());

/** tfjs types applyGradients' map as variables; minimize() passes it plain gradient tensors. */
const gradientMap = (map: Record<string, tf.Tensor>): Parameters<tf.AdamOptimizer['applyGradients']>[0] =>
  map as unknown as Parameters<tf.AdamOptimizer['applyGradients']>[0];

interface Run { weights: Float32Array[]; moments: Float32Array[]; iterations: number }

/** STEPS Adam steps with fixed gradients (the same on every backend), then every value. */
function train(options: { names: string[]; array?: boolean }): Run {
  const variables = SHAPES.map((shape, i) =>
    tf.variable(tf.tensor(values(tf.util.sizeFromShape([...shape]), 10 + i), [...shape]), true, options.names[i]),
  );
  const optimizer = tf.train.adam(0.01, 0.8, 0.95, 1e-7);
  for (let step = 0; step < STEPS; step++) {
    tf.tidy(() => {
      const gradients = variables.map((v, i) =>
        tf.tensor(values(v.size, 100 * step + i).map((g) => g * 10 ** (i - 1)), v.shape),
      );
      if (options.array) optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: gradients[i]! })));
      else optimizer.applyGradients(gradientMap(Object.fromEntries(variables.map((v, i) => [v.name, gradients[i]!]))));
    });
  }
  const state = optimizer as unknown as { accumulatedFirstMoment: { variable: tf.Variable }[]; accumulatedSecondMoment: { variable: tf.Variable }[] };
  const run = {
    weights: variables.map((v) => v.dataSync() as Float32Array),
    moments: [...state.accumulatedFirstMoment, ...state.accumulatedSecondMoment].map((m) => m.variable.dataSync() as Float32Array),
    iterations: optimizer.iterations,
  };
  optimizer.dispose();
  tf.dispose(variables);
  return run;
}

function expectClose(actual: Float32Array[], expected: Float32Array[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    expect(a.length).toBe(e.length);
    for (let j = 0; j < e.length; j++) {
      expect(Math.abs(a[j]! - e[j]!), `array ${i}[${j}]: ${a[j]} vs cpu ${e[j]}`).toBeLessThanOrEqual(TOLERANCE * Math.abs(e[j]!) + 1e-12);
    }
  });
}

let counter = 0;
const names = (): string[] => SHAPES.map(() => `adam-test-${counter++}`);

describe('fused Adam on wasm()', () => {
  it('runs the fused kernel instead of the elementwise ops', async () => {
    const profile = await tf.profile(() => {
      train({ names: names() });
    });
    expect(profile.kernelNames).toContain(ADAM_KERNEL);
    expect(profile.kernelNames).not.toContain('Sqrt');
  });

  for (const array of [false, true]) {
    it(`matches tfjs's Adam on cpu over ${STEPS} steps (gradients as ${array ? 'an array' : 'a map'})`, async () => {
      const expected = await runOn('cpu', () => train({ names: names(), array }));
      const actual = train({ names: names(), array });
      expectClose(actual.weights, expected.weights);
      expectClose(actual.moments, expected.moments);
      expect(actual.iterations).toBe(expected.iterations);
    });
  }

  it('gives the same numbers as tfjs on wasm with the patch removed', () => {
    unpatchAdamOptimizer();
    const unpatched = train({ names: names() });
    patchAdamOptimizer();
    const fused = train({ names: names() });
    expectClose(fused.weights, unpatched.weights);
    expectClose(fused.moments, unpatched.moments);
  });

  it('keeps getWeights/setWeights: a restored optimizer continues identically', async () => {
    const [wName] = names();
    const w = tf.variable(tf.tensor(values(23, 5)), true, wName);
    const gradient = (step: number): tf.Tensor => tf.tensor(values(23, 50 + step));
    const first = tf.train.adam(0.05);
    for (let s = 0; s < 3; s++) tf.tidy(() => first.applyGradients(gradientMap({ [w.name]: gradient(s) })));
    const saved = (await first.getWeights()).map((nt) => ({ name: nt.name, tensor: nt.tensor.clone() }));
    expect(saved.map((nt) => nt.name)).toEqual(['iter', `${wName}/m`, `${wName}/v`]);
    const start = w.clone();
    tf.tidy(() => first.applyGradients(gradientMap({ [w.name]: gradient(3) })));
    const continued = w.dataSync().slice();

    w.assign(start);
    const second = tf.train.adam(0.05);
    await second.setWeights(saved);
    tf.tidy(() => second.applyGradients(gradientMap({ [w.name]: gradient(3) })));
    expect(Array.from(w.dataSync())).toEqual(Array.from(continued));
    tf.dispose([w, start, ...saved.map((nt) => nt.tensor)]);
    first.dispose();
    second.dispose();
  });

  it('leaves no tensors behind beyond the optimizer state it owns', () => {
    const [wName] = names();
    const w = tf.variable(tf.tensor(values(10, 9)), true, wName);
    const optimizer = tf.train.adam(0.1);
    tf.tidy(() => optimizer.applyGradients(gradientMap({ [w.name]: tf.onesLike(w) }))); // creates m and v
    const left = testing.tensorsLeftBehind(() => {
      for (let s = 0; s < 3; s++) tf.tidy(() => optimizer.applyGradients(gradientMap({ [w.name]: tf.onesLike(w) })));
    });
    expect(left).toBe(0);
    optimizer.dispose();
    w.dispose();
  });

  it('leaves the weights other tensors share untouched (new buffers, not in place)', () => {
    const [wName] = names();
    const initial = tf.tensor([1, 2, 3, 4, 5]);
    const w = tf.variable(initial, true, wName); // shares initial's data
    const optimizer = tf.train.adam(0.1);
    tf.tidy(() => optimizer.applyGradients(gradientMap({ [w.name]: tf.onesLike(w) })));
    expect(Array.from(initial.dataSync())).toEqual([1, 2, 3, 4, 5]);
    expect(w.dataSync()[0]).toBeCloseTo(0.9, 5); // 1 - 0.1 / (1 + epsilon)
    tf.dispose([initial, w]);
    optimizer.dispose();
  });
});
