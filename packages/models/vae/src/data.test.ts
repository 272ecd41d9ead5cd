import * as tf from '@tensorflow/tfjs';
import { ArrayDataset } from '@elbo/data-io';
import { testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSupport, toExamples } from './data.js';

describe('toExamples', () => {
  beforeAll(async () => {
    await testing.initForTests({ seed: 0 });
  });

  it('passes a float32 [N, D] tensor through untouched', () => {
    const x = tf.ones([3, 4]);
    const { x: out, owned } = toExamples(x, 4, 't');
    expect(out).toBe(x);
    expect(owned).toBe(false);
    x.dispose();
  });

  it('flattens images, converts arrays and rows, and unwraps datasets, with no leaks', () => {
    const values = Float32Array.from({ length: 24 }, (_, i) => i / 24);
    const expected = Array.from(values);
    const images = tf.tensor3d(values, [2, 3, 4]);
    const dataset = new ArrayDataset({ x: values, shape: [2, 3, 4] });
    const inputs = [
      images,
      values,
      Array.from(values),
      [Array.from(values.subarray(0, 12)), Array.from(values.subarray(12))],
      { x: values },
      dataset,
    ];
    for (const input of inputs) {
      const before = tf.memory().numTensors;
      const { x, owned } = toExamples(input, 12, 't');
      expect(owned).toBe(true);
      expect(x.shape).toEqual([2, 12]);
      expect(x.dtype).toBe('float32');
      expect(Array.from(x.dataSync())).toEqual(expected.map((v) => expect.closeTo(v, 6)));
      x.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    images.dispose();
  });

  it('rejects data of the wrong size or kind, naming it', () => {
    const wide = tf.ones([2, 5]);
    expect(() => toExamples(wide, 4, 'VAE.fit')).toThrow(/VAE.fit: data must be a tensor of shape \[N, 4\] \(or \[N, ...\] with 4 values per example\), found shape \[2, 5\]/);
    wide.dispose();
    expect(() => toExamples([[1, 2], [3]], 2, 'VAE.fit')).toThrow(/VAE.fit: data row 1 must be an array of 2 numbers, found \[3\]/);
    expect(() => toExamples(new Float32Array(0), 2, 'VAE.fit')).toThrow(/found length 0/);
    expect(() => toExamples('pixels' as never, 2, 'VAE.fit')).toThrow(/VAE.fit: data must be a tf.Tensor, a typed array, an array of rows or a dataset, found "pixels"/);
  });

  it('checkSupport names the first value outside the support', () => {
    const x = tf.tensor2d([[0, 1], [0.5, -0.1]]);
    const support = { description: 'in [0, 1]', test: (v: number) => v >= 0 && v <= 1 };
    expect(() => checkSupport(x, 'VAE.fit', support)).toThrow(/VAE.fit: data\[1\]\[1\] must be in \[0, 1\], found -0.1/);
    x.dispose();
  });
});
