import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { testing } from '@elbo/runtime';
import { streamBatches } from './stream-batches.js';
import type { StreamExample } from './stream-batches.js';

beforeAll(async () => {
  await testing.initForTests({ seed: 1 });
});

async function* rows(count: number): AsyncGenerator<StreamExample> {
  for (let i = 0; i < count; i++) {
    await Promise.resolve();
    yield { x: [i, -i], mask: [1, i % 2] };
  }
}

describe('streamBatches', () => {
  it('batches an async source in order, with masks, leaving no tensors', async () => {
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    for await (const batch of streamBatches(rows(10), { batchSize: 4, rowShape: [2] })) {
      expect(tf.memory().numTensors - before).toBe(2);
      const x = batch.x.arraySync() as number[][];
      batch.indices.forEach((r, i) => expect(x[i]).toEqual([r, -r]));
      expect(batch.mask!.shape).toEqual([batch.indices.length, 2]);
      seen.push(...batch.indices);
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a seeded shuffle buffer permutes reproducibly and keeps every example', async () => {
    const collect = async (seed: number): Promise<number[]> => {
      const out: number[] = [];
      for await (const b of streamBatches(rows(30), { batchSize: 7, rowShape: [2], shuffleBuffer: 8, seed })) out.push(...b.indices);
      return out;
    };
    const a = await collect(2);
    expect(await collect(2)).toEqual(a);
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('names an example of the wrong size', async () => {
    const bad = [{ x: [1, 2] }, { x: [1] }];
    await expect(async () => {
      for await (const b of streamBatches(bad, { batchSize: 1, rowShape: [2] })) void b;
    }).rejects.toThrow(/streamBatches: example 1 x must be 2 values/);
  });
});
