import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '@elbo/runtime';
import { resolveRng } from '../synthetic/random-source.js';
import type { SeedOrRng } from '../synthetic/random-source.js';
import type { Batch } from './array-dataset.js';
import { disposeBatch } from './array-dataset.js';

/** One example from a streaming source: `x` has `rowShape`; `mask` has length T for sequences. */
export interface StreamExample {
  x: ArrayLike<number>;
  mask?: ArrayLike<number>;
}

export interface StreamBatchOptions extends SeedOrRng {
  batchSize: number;
  /** Shape of one example's `x`. */
  rowShape: readonly number[];
  /**
   * Seeded shuffle buffer (as in tf.data): examples are drawn at random from a buffer
   * of this many. Default 0: keep the source's order.
   */
  shuffleBuffer?: number;
  dropLast?: boolean;
}

/**
 * Minibatches from an async (or sync) stream of examples, e.g. rows read from disk:
 * memory holds at most `shuffleBuffer + batchSize` examples and one batch of tensors.
 * Each batch's tensors are disposed when the next is requested or the loop ends.
 * `indices` count examples in stream order.
 */
export async function* streamBatches(
  source: AsyncIterable<StreamExample> | Iterable<StreamExample>,
  options: StreamBatchOptions,
): AsyncGenerator<Batch, void, undefined> {
  const where = 'streamBatches';
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw invalidArgument(where, 'batchSize', 'a positive integer', batchSize);
  const rowShape = [...options.rowShape];
  if (!rowShape.every((d) => Number.isInteger(d) && d > 0)) throw invalidArgument(where, 'rowShape', 'positive integers', options.rowShape);
  const width = rowShape.reduce((a, b) => a * b, 1);
  const bufferSize = options.shuffleBuffer ?? 0;
  if (!Number.isInteger(bufferSize) || bufferSize < 0) throw invalidArgument(where, 'shuffleBuffer', 'an integer >= 0', bufferSize);
  const rng = bufferSize > 0 ? resolveRng(where, options) : null;

  type Item = { x: Float32Array; mask: Float32Array | null; index: number };
  const buffer: Item[] = [];
  const pending: Item[] = [];
  let seen = 0;
  let current: Batch | null = null;
  const draw = new Uint32Array(1);

  const makeBatch = (items: Item[]): Batch => {
    const xs = new Float32Array(items.length * width);
    items.forEach((item, i) => xs.set(item.x, i * width));
    const batch: Batch = { x: tf.tensor(xs, [items.length, ...rowShape], 'float32'), indices: Int32Array.from(items, (it) => it.index) };
    const steps = items[0]!.mask?.length;
    if (steps !== undefined) {
      const ms = new Float32Array(items.length * steps);
      items.forEach((item, i) => {
        if (!item.mask || item.mask.length !== steps) throw invalidArgument(where, `example ${item.index} mask`, `${steps} values like the others`, item.mask?.length ?? 0);
        ms.set(item.mask, i * steps);
      });
      batch.mask = tf.tensor(ms, [items.length, steps], 'float32');
    }
    return batch;
  };
  const take = (): Item => {
    if (!rng) return buffer.shift()!;
    rng.fillUint32(draw);
    const j = Math.floor((draw[0]! / 4294967296) * buffer.length);
    const item = buffer[j]!;
    buffer[j] = buffer[buffer.length - 1]!;
    buffer.pop();
    return item;
  };

  try {
    const emitReady = function* (final: boolean): Generator<Batch> {
      while (buffer.length > (final ? 0 : bufferSize)) {
        pending.push(take());
        if (pending.length === batchSize) {
          if (current) disposeBatch(current);
          current = makeBatch(pending.splice(0));
          yield current;
        }
      }
    };
    for await (const example of source as AsyncIterable<StreamExample>) {
      if (!example || example.x === undefined || example.x.length !== width) {
        throw invalidArgument(where, `example ${seen} x`, `${width} values (rowShape [${rowShape.join(', ')}])`, example?.x?.length);
      }
      const x = Float32Array.from(example.x);
      const bad = x.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw invalidArgument(where, `example ${seen} x[${bad}]`, 'a finite number', x[bad]);
      buffer.push({ x, mask: example.mask ? Float32Array.from(example.mask) : null, index: seen++ });
      yield* emitReady(false);
    }
    yield* emitReady(true);
    if (pending.length > 0 && !options.dropLast) {
      if (current) disposeBatch(current);
      current = makeBatch(pending.splice(0));
      yield current;
    }
  } finally {
    if (current) disposeBatch(current);
  }
}
