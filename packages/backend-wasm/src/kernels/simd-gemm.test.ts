import * as tf from '@tensorflow/tfjs';
import { init, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOn, values } from '../test-helpers.js';
import { wasm } from '../wasm.js';
import { simdGemmTakes, simdTranspose } from './simd-gemm.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

beforeAll(async () => {
  await init({ backend: wasm(), seed: 1 });
});

describe('SIMD matrix product on wasm()', () => {
  it('takes the large products of a 784-400-20 MLP at batch 128, and leaves others to XNNPACK', () => {
    expect(simdGemmTakes(128, 784, 400)).toBe(true);
    expect(simdGemmTakes(784, 128, 400)).toBe(true);
    expect(simdGemmTakes(400, 128, 784)).toBe(true);
    expect(simdGemmTakes(128, 400, 20)).toBe(true); // 4x8 blocks and one 4x4 column
    expect(simdGemmTakes(128, 400, 30)).toBe(false); // n not a multiple of 4
    expect(simdGemmTakes(6, 400, 400)).toBe(false); // m not a multiple of 4
    expect(simdGemmTakes(8, 8, 8)).toBe(false); // too small to pay
  });

  it('matches cpu at 1e-5 on a VAE decoder layer, forward and gradients, without leaks', async () => {
    // [128, 400] by [400, 784]: every product of the layer and its gradients runs here.
    const layer = (): Float32Array[] =>
      tf.tidy(() => {
        const h = tf.tensor(values(128 * 400, 41), [128, 400]);
        const w = tf.tensor(values(400 * 784, 42).map((v) => v * 0.05), [400, 784]);
        const weights = tf.tensor(values(128 * 784, 43), [128, 784]);
        const [dh, dw] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), weights)))([h, w]);
        return [tf.matMul(h, w), dh!, dw!].map((t) => t.dataSync() as Float32Array);
      });
    const expected = await runOn('cpu', layer);
    const actual = layer();
    for (let i = 0; i < expected.length; i++) {
      expect(testing.maxRelativeError(actual[i]!, expected[i]!, 1)).toBeLessThan(1e-5);
    }
    const before = tf.engine().backend.numDataIds();
    expect(testing.tensorsLeftBehind(layer)).toBe(0);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });

  it('transposes matrices with any number of rows and columns like the cpu backend', async () => {
    for (const [rows, cols] of [[5, 7], [8, 12], [4, 301], [3, 2]] as const) {
      const data = values(rows * cols, 71);
      const expected = await runOn('cpu', () => tf.tidy(() => tf.transpose(tf.tensor(data, [rows, cols])).dataSync()));
      const backend = tf.engine().backend as BackendWasm;
      const x = tf.tensor(data, [rows, cols]);
      const out = simdTranspose(backend, x, rows, cols);
      const actual = (backend.typedArrayFromHeap(out) as Float32Array).slice();
      backend.disposeData(out.dataId);
      x.dispose();
      expect(Array.from(actual)).toEqual(Array.from(expected));
    }
  });
});
