import * as tf from '@tensorflow/tfjs';
import { init, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOn, values } from '../test-helpers.js';
import { wasm } from '../wasm.js';

// The cpu backend (Math.exp, Math.log, ... in float64, rounded) is the reference. The
// SIMD polynomials are within a few float32 ulps: 2e-6 relative, absolute below 1e-30
// for exp's subnormal results.
const TOLERANCE = 2e-6;

let summaryNotes: readonly string[] = [];
beforeAll(async () => {
  summaryNotes = (await init({ backend: wasm(), seed: 1 })).notes;
});

const SPECIAL = [0, -0, 1, -1, 1e-30, -1e-30, 1e-40, 1e-45, 2, 0.5, 88.7, 88.8, -87.5, -103, -110, 100, -100, 13.9, 14, -13.9, -14, -0.9999999, -1.5, 3e38];
const edges = Float32Array.from([...SPECIAL, Infinity, -Infinity, NaN]);
// A spread of magnitudes: 4001 values (not a multiple of 4, so the scalar tail runs).
const spread = Float32Array.from({ length: 4001 }, (_, i) => Math.sign(i % 2 - 0.5) * Math.exp((i / 4000) * 180 - 90));
const uniform = values(1003, 51).map((v) => v * 20);

const OPS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  exp: (x) => tf.exp(x),
  log: (x) => tf.log(x),
  log1p: (x) => tf.log1p(x),
  softplus: (x) => tf.softplus(x),
  sqrt: (x) => tf.sqrt(x),
};

function apply(op: string, data: Float32Array): Float32Array {
  return tf.tidy(() => OPS[op]!(tf.tensor1d(data)).dataSync() as Float32Array);
}

/** Same NaNs and infinities, finite values to TOLERANCE. */
function compare(actual: Float32Array, expected: Float32Array, inputs: Float32Array, op: string): void {
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    const where = `${op}(${inputs[i]}) = ${a}, cpu ${e}`;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      expect(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)), where).toBe(true);
    } else {
      expect(Math.abs(a - e) <= TOLERANCE * Math.abs(e) + 1e-30, where).toBe(true);
    }
  }
}

describe('SIMD unary kernels on wasm()', () => {
  it('are active here (Node has WebAssembly SIMD)', () => {
    expect(summaryNotes).toContain('elbo SIMD kernels for Exp, Log, Log1p, Softplus, Sqrt, Sum over leading axes, BatchMatMul (a GEMM) and a fused Adam update');
  });

  for (const op of Object.keys(OPS)) {
    it(`${op} matches cpu on edge cases, 4001 magnitudes and uniform values`, async () => {
      for (const data of [edges, spread, uniform]) {
        const expected = await runOn('cpu', () => apply(op, data));
        compare(apply(op, data), expected, data, op);
      }
    });
  }

  it('give the gradients of the cpu backend', async () => {
    const x = values(37, 52).map((v) => v * 3 + 3.5);
    const grads = (): Float32Array[] =>
      tf.tidy(() => {
        const t = tf.tensor1d(x);
        return Object.values(OPS).map((f) => tf.grad((u: tf.Tensor) => tf.sum(f(u)))(t).dataSync() as Float32Array);
      });
    const expected = await runOn('cpu', grads);
    const actual = grads();
    for (let i = 0; i < expected.length; i++) expect(testing.maxRelativeError(actual[i]!, expected[i]!, 1e-3)).toBeLessThan(1e-5);
  });

  it('leak nothing', () => {
    const backend = tf.engine().backend;
    const before = backend.numDataIds();
    const left = testing.tensorsLeftBehind(() => {
      tf.tidy(() => {
        for (const f of Object.values(OPS)) f(tf.tensor1d(uniform));
        tf.exp(tf.zeros([0]));
      });
    });
    expect(left).toBe(0);
    expect(backend.numDataIds()).toBe(before);
  });
});
