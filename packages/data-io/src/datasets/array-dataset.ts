import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '@elbo/runtime';
import { resolveRng } from '../synthetic/random-source.js';
import type { SeedOrRng } from '../synthetic/random-source.js';
import { shuffleInPlace } from './shuffle.js';

const WHERE = 'ArrayDataset';

export type NumericArray = Float32Array | Float64Array | Int32Array | Uint8Array | Uint16Array | Int16Array | Int8Array | Uint32Array;

export interface ArrayDatasetOptions {
  /** Examples, [N, ...] row-major: a typed array (with `shape`) or a tensor (copied once to the CPU). */
  x: NumericArray | tf.Tensor;
  /** Shape of `x` when it is a typed array. */
  shape?: readonly number[];
  /** Per-step mask [N, T] (1 observed, 0 padding) for sequences [N, T, ...]. */
  mask?: NumericArray;
  /** Sequence lengths: builds the mask (step t of example i observed when t < lengths[i]). */
  lengths?: ArrayLike<number>;
  /** Targets, [N, ...] (labels, behaviour), batched alongside `x`. */
  y?: NumericArray;
  yShape?: readonly number[];
}

export interface Batch {
  /** [batch, ...] float32. */
  x: tf.Tensor;
  /** [batch, T] float32, for sequences with a mask. */
  mask?: tf.Tensor;
  y?: tf.Tensor;
  /** Rows of the original data in this batch. */
  indices: Int32Array;
}

export interface BatchOptions extends SeedOrRng {
  batchSize: number;
  /** Shuffle each pass (default true), with the seed / generator given (default the runtime's). */
  shuffle?: boolean;
  /** Drop a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
}

interface Storage {
  x: Float32Array;
  rowShape: number[];
  mask: Float32Array | null;
  steps: number;
  y: Float32Array | null;
  yRowShape: number[];
}

// View descriptors made by #view; only objects registered here are taken as views.
interface View {
  storage: Storage;
  rows: Int32Array;
}
const views = new WeakSet<object>();

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function checkShape(what: string, shape: unknown, length: number): number[] {
  if (!Array.isArray(shape) || shape.length < 1 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw invalidArgument(WHERE, what, 'a shape [N, ...] of non-negative integers', shape);
  }
  if (product(shape) !== length) throw invalidArgument(WHERE, what, `a shape with ${length} elements (the data length)`, shape);
  return [...shape];
}

/**
 * An in-memory dataset over typed arrays (or a tensor copied once to the CPU). Splits
 * and minibatches are index views; batches become tensors one at a time, so only the
 * current batch lives on the backend.
 */
export class ArrayDataset {
  readonly #storage: Storage;
  readonly #rows: Int32Array;

  constructor(options: ArrayDatasetOptions) {
    if (views.has(options)) {
      const view = options as unknown as View;
      this.#storage = view.storage;
      this.#rows = view.rows;
      return;
    }
    let x: Float32Array;
    let shape: number[];
    if (options.x instanceof tf.Tensor) {
      x = Float32Array.from(options.x.dataSync());
      shape = [...options.x.shape];
      if (shape.length < 1) throw invalidArgument(WHERE, 'x', 'a tensor of rank >= 1', options.x);
    } else if (ArrayBuffer.isView(options.x)) {
      shape = checkShape('shape', options.shape, options.x.length);
      x = options.x instanceof Float32Array ? options.x : Float32Array.from(options.x);
    } else {
      throw invalidArgument(WHERE, 'x', 'a typed array or a tensor', options.x);
    }
    const bad = x.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw invalidArgument(WHERE, `x[${bad}]`, 'a finite number', x[bad]);
    const n = shape[0]!;
    let mask: Float32Array | null = null;
    const steps = shape[1] ?? 0;
    if (options.mask !== undefined && options.lengths !== undefined) throw invalidArgument(WHERE, 'mask', 'given alone (not with lengths)', 'both');
    if (options.mask !== undefined) {
      if (shape.length < 2 || options.mask.length !== n * steps) {
        throw invalidArgument(WHERE, 'mask', `${n * steps} values ([N, T] for x of shape [${shape.join(', ')}])`, options.mask.length);
      }
      mask = Float32Array.from(options.mask);
      const badMask = mask.findIndex((v) => v !== 0 && v !== 1);
      if (badMask >= 0) throw invalidArgument(WHERE, `mask[${badMask}]`, '0 or 1', mask[badMask]);
    } else if (options.lengths !== undefined) {
      if (shape.length < 2 || options.lengths.length !== n) throw invalidArgument(WHERE, 'lengths', `${n} lengths for sequences [N, T, ...]`, options.lengths.length);
      mask = new Float32Array(n * steps);
      for (let i = 0; i < n; i++) {
        const len = options.lengths[i]!;
        if (!Number.isInteger(len) || len < 0 || len > steps) throw invalidArgument(WHERE, `lengths[${i}]`, `an integer in [0, ${steps}]`, len);
        mask.fill(1, i * steps, i * steps + len);
      }
    }
    let y: Float32Array | null = null;
    let yRowShape: number[] = [];
    if (options.y !== undefined) {
      const yShape = checkShape('yShape', options.yShape ?? [options.y.length], options.y.length);
      if (yShape[0] !== n) throw invalidArgument(WHERE, 'yShape', `[${n}, ...] (one target per example)`, yShape);
      y = Float32Array.from(options.y);
      yRowShape = yShape.slice(1);
    }
    this.#storage = { x, rowShape: shape.slice(1), mask, steps, y, yRowShape };
    this.#rows = Int32Array.from({ length: n }, (_, i) => i);
  }

  /**
   * Sequences of different lengths, each [T_i, features] row-major, padded with zeros
   * to the longest and masked.
   */
  static fromSequences(sequences: readonly ArrayLike<number>[], options: { features: number }): ArrayDataset {
    const features = options.features;
    if (!Number.isInteger(features) || features < 1) throw invalidArgument('ArrayDataset.fromSequences', 'features', 'a positive integer', features);
    const lengths = sequences.map((s, i) => {
      if (s.length % features !== 0) throw invalidArgument('ArrayDataset.fromSequences', `sequences[${i}] length`, `a multiple of ${features}`, s.length);
      return s.length / features;
    });
    const steps = Math.max(1, ...lengths);
    const x = new Float32Array(sequences.length * steps * features);
    sequences.forEach((s, i) => x.set(Array.from(s), i * steps * features));
    return new ArrayDataset({ x, shape: [sequences.length, steps, features], lengths });
  }

  /** Number of examples. */
  get size(): number {
    return this.#rows.length;
  }

  /** Shape of the whole dataset, [size, ...]. */
  get shape(): number[] {
    return [this.size, ...this.#storage.rowShape];
  }

  /** Rows of the original data in this dataset (a copy). */
  get indices(): Int32Array {
    return this.#rows.slice();
  }

  /**
   * Splits into disjoint datasets with the given fractions (summing to 1), after a
   * seeded shuffle. Sizes are rounded so they add up to `size`.
   */
  split(options: { fractions: readonly number[] } & SeedOrRng): ArrayDataset[] {
    const { fractions } = options;
    if (!Array.isArray(fractions) || fractions.length < 1 || !fractions.every((f) => typeof f === 'number' && f > 0)) {
      throw invalidArgument('ArrayDataset.split', 'fractions', 'a list of positive numbers', fractions);
    }
    const total = fractions.reduce((a, b) => a + b, 0);
    if (Math.abs(total - 1) > 1e-9) throw invalidArgument('ArrayDataset.split', 'fractions', 'numbers summing to 1', total);
    const order = shuffleInPlace(this.#rows.slice(), resolveRng('ArrayDataset.split', options));
    const parts: ArrayDataset[] = [];
    let cumulative = 0;
    let from = 0;
    for (const f of fractions) {
      cumulative += f;
      const to = Math.round(cumulative * this.size);
      parts.push(this.#view(order.slice(from, to)));
      from = to;
    }
    return parts;
  }

  /** The examples at `indices` (positions in this dataset) as a new dataset. */
  subset(indices: ArrayLike<number>): ArrayDataset {
    const rows = Int32Array.from(indices, (i, k) => {
      if (!Number.isInteger(i) || i < 0 || i >= this.size) throw invalidArgument('ArrayDataset.subset', `indices[${k}]`, `an integer in [0, ${this.size})`, i);
      return this.#rows[i]!;
    });
    return this.#view(rows);
  }

  #view(rows: Int32Array): ArrayDataset {
    const view: View = { storage: this.#storage, rows };
    views.add(view);
    return new ArrayDataset(view as unknown as ArrayDatasetOptions);
  }

  /** All examples as one batch (the caller disposes it). */
  all(): Batch {
    return this.#batch(this.#rows);
  }

  /**
   * Minibatches, made lazily: each batch's tensors are disposed when the next one is
   * requested or the loop ends (also on `break`), so keep what you need with
   * `tf.clone` / `tf.keep`. Each call shuffles afresh from the generator.
   */
  *batches(options: BatchOptions): Generator<Batch, void, undefined> {
    const order = this.#order('ArrayDataset.batches', options);
    const batchSize = options.batchSize;
    let current: Batch | null = null;
    try {
      for (let from = 0; from < order.length; from += batchSize) {
        const rows = order.subarray(from, Math.min(order.length, from + batchSize));
        if (rows.length < batchSize && options.dropLast) break;
        if (current) disposeBatch(current);
        current = this.#batch(rows);
        yield current;
      }
    } finally {
      if (current) disposeBatch(current);
    }
  }

  /** The same batches as {@link batches}, as an async iterator (one interface for in-memory and streamed data). */
  async *batchesAsync(options: BatchOptions): AsyncGenerator<Batch, void, undefined> {
    yield* this.batches(options);
  }

  #order(where: string, options: BatchOptions): Int32Array {
    if (!Number.isInteger(options?.batchSize) || options.batchSize < 1) throw invalidArgument(where, 'batchSize', 'a positive integer', options?.batchSize);
    const order = this.#rows.slice();
    return options.shuffle === false ? order : shuffleInPlace(order, resolveRng(where, options));
  }

  #batch(rows: Int32Array): Batch {
    const { x, rowShape, mask, steps, y, yRowShape } = this.#storage;
    const width = product(rowShape);
    const xs = new Float32Array(rows.length * width);
    rows.forEach((r, i) => xs.set(x.subarray(r * width, (r + 1) * width), i * width));
    const batch: Batch = { x: tf.tensor(xs, [rows.length, ...rowShape], 'float32'), indices: rows.slice() };
    if (mask) {
      const ms = new Float32Array(rows.length * steps);
      rows.forEach((r, i) => ms.set(mask.subarray(r * steps, (r + 1) * steps), i * steps));
      batch.mask = tf.tensor(ms, [rows.length, steps], 'float32');
    }
    if (y) {
      const yWidth = product(yRowShape);
      const ys = new Float32Array(rows.length * yWidth);
      rows.forEach((r, i) => ys.set(y.subarray(r * yWidth, (r + 1) * yWidth), i * yWidth));
      batch.y = tf.tensor(ys, [rows.length, ...yRowShape], 'float32');
    }
    return batch;
  }
}

export function disposeBatch(batch: Batch): void {
  batch.x.dispose();
  batch.mask?.dispose();
  batch.y?.dispose();
}
