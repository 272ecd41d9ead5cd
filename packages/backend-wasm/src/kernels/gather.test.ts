import * as tf from '@tensorflow/tfjs';
import { init, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOn, values } from '../test-helpers.js';
import { wasm } from '../wasm.js';

beforeAll(async () => {
  await init({ backend: wasm(), seed: 1 });
});

interface Case {
  readonly shape: number[];
  readonly indices: number[];
  readonly indicesShape: number[];
  readonly axis: number;
  readonly dtype: 'float32' | 'int32';
}

const CASES: Case[] = [
  { shape: [6, 5], indices: [4, 0, 0, 5], indicesShape: [4], axis: 0, dtype: 'float32' },
  { shape: [3, 4, 2], indices: [1, 3, 0, 2, 2, 1], indicesShape: [2, 3], axis: 1, dtype: 'float32' },
  { shape: [3, 4, 2], indices: [1, 0], indicesShape: [2], axis: -1, dtype: 'int32' },
  { shape: [7], indices: [6, 2], indicesShape: [2], axis: 0, dtype: 'int32' },
  { shape: [0, 3], indices: [], indicesShape: [0], axis: 1, dtype: 'float32' },
];

function gather(c: Case): { data: number[]; shape: number[] } {
  return tf.tidy(() => {
    const size = c.shape.reduce((p, d) => p * d, 1);
    const raw = values(size, 41).map((v) => (c.dtype === 'int32' ? Math.round(v * 100) : v));
    const x = tf.tensor(raw, c.shape, c.dtype);
    const y = tf.gather(x, tf.tensor(c.indices, c.indicesShape, 'int32'), c.axis);
    return { data: Array.from(y.dataSync()), shape: y.shape };
  });
}

describe('GatherV2 on wasm()', () => {
  for (const c of CASES) {
    it(`equals cpu for x ${JSON.stringify(c.shape)} ${c.dtype}, indices ${JSON.stringify(c.indicesShape)}, axis ${c.axis}`, async () => {
      const expected = await runOn('cpu', () => gather(c));
      expect(gather(c)).toEqual(expected);
    });
  }

  it('rejects an out-of-range index like tfjs does', () => {
    const x = tf.ones([3, 2]);
    const indices = tf.tensor1d([0, 3], 'int32');
    expect(() => tf.gather(x, indices)).toThrow(/GatherV2: the index value 3 is not in \[0, 2\]/);
    tf.dispose([x, indices]);
  });

  it('keeps batch dimensions working (original kernel) and leaks nothing', async () => {
    const run = (): number[] =>
      tf.tidy(() => Array.from(tf.gather(tf.tensor2d([[1, 2, 3], [4, 5, 6]]), tf.tensor2d([[2, 0], [1, 1]], undefined, 'int32'), 1, 1).dataSync()));
    const expected = await runOn('cpu', run);
    expect(run()).toEqual(expected);
    const backend = tf.engine().backend;
    const before = backend.numDataIds();
    expect(testing.tensorsLeftBehind(() => CASES.forEach(gather))).toBe(0);
    expect(backend.numDataIds()).toBe(before);
  });
});
