import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Generator, testing } from '@elbo/runtime';
import { ArrayDataset } from './array-dataset.js';

beforeAll(async () => {
  await testing.initForTests({ seed: 1 });
});

const n = 23;
const x = Float32Array.from({ length: n * 3 }, (_, i) => i);
const dataset = (): ArrayDataset => new ArrayDataset({ x, shape: [n, 3], y: Float32Array.from({ length: n }, (_, i) => i % 10) });

describe('ArrayDataset', () => {
  it('batches cover every example once per pass, rows intact, last batch smaller', () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    for (const batch of dataset().batches({ batchSize: 5, seed: 3 })) {
      const values = batch.x.arraySync() as number[][];
      batch.indices.forEach((row, i) => expect(values[i]).toEqual([3 * row, 3 * row + 1, 3 * row + 2]));
      expect(Array.from(batch.y!.dataSync())).toEqual(Array.from(batch.indices, (r) => r % 10));
      seen.push(...batch.indices);
      sizes.push(batch.x.shape[0]!);
    }
    expect(sizes).toEqual([5, 5, 5, 5, 3]);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(seen).not.toEqual(Array.from({ length: n }, (_, i) => i)); // shuffled
  });

  it('shuffles reproducibly from a seed and differently on each pass of one generator', () => {
    const indicesOf = (it: Iterable<{ indices: Int32Array }>): number[] => {
      const out: number[] = [];
      for (const b of it) out.push(...b.indices);
      return out;
    };
    const a = indicesOf(dataset().batches({ batchSize: 4, seed: 9 }));
    const b = indicesOf(dataset().batches({ batchSize: 4, seed: 9 }));
    expect(a).toEqual(b);
    const rng = Generator.fromSeed(9);
    const d = dataset();
    const first = indicesOf(d.batches({ batchSize: 4, rng }));
    const second = indicesOf(d.batches({ batchSize: 4, rng }));
    expect(first).toEqual(a);
    expect(second).not.toEqual(first);
    expect(indicesOf(d.batches({ batchSize: 4, shuffle: false }))).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('keeps only the current batch on the backend and leaves no tensors, also after break', () => {
    const d = dataset();
    const before = tf.memory().numTensors;
    for (const batch of d.batches({ batchSize: 4, seed: 1 })) {
      expect(tf.memory().numTensors - before).toBe(2); // x and y of this batch only
      void batch;
    }
    expect(tf.memory().numTensors).toBe(before);
    for (const batch of d.batches({ batchSize: 4, seed: 1 })) {
      void batch;
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(
      testing.tensorsLeftBehind(() => {
        const batch = d.all();
        return [batch.x, batch.y!];
      }),
    ).toBe(0);
  });

  it('splits into disjoint parts of the requested sizes, reproducibly', () => {
    const [train, test] = dataset().split({ fractions: [0.8, 0.2], seed: 5 });
    expect(train!.size + test!.size).toBe(n);
    expect(train!.size).toBe(Math.round(0.8 * n));
    const all = [...train!.indices, ...test!.indices].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
    const [again] = dataset().split({ fractions: [0.8, 0.2], seed: 5 });
    expect(again!.indices).toEqual(train!.indices);
    // Batches of a split come from its own rows.
    for (const b of test!.batches({ batchSize: 10, seed: 1 })) for (const r of b.indices) expect(test!.indices).toContain(r);
  });

  it('variable-length sequences get a [B, T] mask; a tensor source is copied once', () => {
    const seqs = [Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6), Float32Array.of(7, 8, 9, 10, 11, 12)];
    const d = ArrayDataset.fromSequences(seqs, { features: 2 });
    expect(d.shape).toEqual([3, 3, 2]);
    const batch = d.all();
    expect(batch.mask!.arraySync()).toEqual([
      [1, 1, 0],
      [1, 0, 0],
      [1, 1, 1],
    ]);
    expect((batch.x.arraySync() as number[][][])[1]).toEqual([[5, 6], [0, 0], [0, 0]]);
    tf.dispose([batch.x, batch.mask!]);
    const t = tf.tensor2d([[1, 2], [3, 4]]);
    const fromTensor = new ArrayDataset({ x: t });
    t.dispose();
    const all = fromTensor.all();
    expect(all.x.arraySync()).toEqual([[1, 2], [3, 4]]);
    all.x.dispose();
  });

  it('names bad input', () => {
    expect(() => new ArrayDataset({ x, shape: [5, 3] })).toThrow(/ArrayDataset: shape must be a shape with 69 elements/);
    expect(() => new ArrayDataset({ x: Float32Array.of(1, Number.NaN), shape: [2] })).toThrow(/ArrayDataset: x\[1\] must be a finite number, found NaN/);
    expect(() => new ArrayDataset({ x, shape: [n, 3], lengths: [1] })).toThrow(/lengths/);
    expect(() => dataset().split({ fractions: [0.5, 0.4], seed: 1 })).toThrow(/fractions must be numbers summing to 1/);
    expect(() => [...dataset().batches({ batchSize: 0 })]).toThrow(/batchSize must be a positive integer, found 0/);
  });
});
