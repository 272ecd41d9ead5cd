/**
 * Sequences as the models take them: values [trials, steps, dims] row-major with an
 * optional [trials, steps] mask (1 for observed steps, then 0 for padding) for trials
 * of different lengths. Kept on the host; minibatches become tensors one at a time.
 */
import * as tf from '@tensorflow/tfjs';
import { formatShape, invalidArgument } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';

/** What `fit`, `evaluate` and `infer` accept. `counts` is an alias of `x` (what binSpikes and lorenzSpikes return). */
export interface SequenceData {
  readonly x?: Float32Array | Float64Array | tf.Tensor;
  readonly counts?: Float32Array | Float64Array | tf.Tensor;
  /** [trials, steps, dims] */
  readonly shape?: readonly number[];
  /** Shape `[trials, steps]`: 1 for observed steps, 0 for padding after a trial's end. */
  readonly mask?: Float32Array | Float64Array | Uint8Array | tf.Tensor;
}

export type SequenceInput = SequenceData | tf.Tensor3D;

export interface Sequences {
  readonly values: Float32Array;
  readonly trials: number;
  readonly steps: number;
  readonly dims: number;
  /** null when every trial has all steps. */
  readonly mask: Float32Array | null;
  /** Observed steps per trial. */
  readonly lengths: Int32Array;
}

export function readSequences(where: string, input: SequenceInput, dims: number): Sequences {
  let values: Float32Array;
  let shape: readonly number[];
  let maskSource: SequenceData['mask'];
  if (input instanceof tf.Tensor) {
    if (input.isDisposed) throw invalidArgument(where, 'data', 'a live tensor', { raw: 'a disposed tensor' });
    shape = input.shape;
    values = Float32Array.from(input.dataSync());
  } else if (typeof input === 'object' && input !== null) {
    const source = input.x ?? input.counts;
    if (source === undefined) throw invalidArgument(where, 'data', 'an object with x (or counts) and shape, or a tf.Tensor3D', input);
    if (source instanceof tf.Tensor) {
      if (source.isDisposed) throw invalidArgument(where, 'data.x', 'a live tensor', { raw: 'a disposed tensor' });
      shape = input.shape ?? source.shape;
      values = Float32Array.from(source.dataSync());
    } else if (source instanceof Float32Array || source instanceof Float64Array) {
      if (input.shape === undefined) throw invalidArgument(where, 'data.shape', '[trials, steps, dims] for a typed array', undefined);
      shape = input.shape;
      values = source instanceof Float32Array ? source : Float32Array.from(source);
    } else {
      throw invalidArgument(where, 'data.x', 'a Float32Array, Float64Array or tf.Tensor', source);
    }
    maskSource = input.mask;
  } else {
    throw invalidArgument(where, 'data', 'an object { x, shape, mask? } or a tf.Tensor3D', input);
  }
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw invalidArgument(where, 'data.shape', '[trials, steps, dims] of positive integers', shape);
  }
  const [trials, steps, d] = shape as [number, number, number];
  if (d !== dims) throw invalidArgument(where, 'data.shape[2]', `the model's obsDim ${dims}`, d);
  if (values.length !== trials * steps * d) {
    throw invalidArgument(where, 'data.x', `${trials * steps * d} values for shape ${formatShape(shape)}`, { raw: `${values.length} values` });
  }
  let mask: Float32Array | null = null;
  const lengths = new Int32Array(trials).fill(steps);
  if (maskSource !== undefined) {
    let m: ArrayLike<number>;
    if (maskSource instanceof tf.Tensor) {
      if (!tf.util.arraysEqual(maskSource.shape, [trials, steps])) {
        throw invalidArgument(where, 'data.mask', `of shape [${trials}, ${steps}]`, { raw: formatShape(maskSource.shape) });
      }
      m = maskSource.dataSync();
    } else {
      m = maskSource;
    }
    if (m.length !== trials * steps) throw invalidArgument(where, 'data.mask', `${trials * steps} values ([trials, steps])`, { raw: `${m.length} values` });
    mask = new Float32Array(trials * steps);
    for (let i = 0; i < trials; i++) {
      let len = 0;
      for (let t = 0; t < steps; t++) {
        const v = m[i * steps + t]!;
        if (v !== 0 && v !== 1) throw invalidArgument(where, `data.mask[${i}][${t}]`, '0 or 1', v);
        if (v === 1 && len !== t) {
          throw invalidArgument(where, `data.mask[${i}]`, 'ones then zeros (observed steps first, padding after)', { raw: `an observed step ${t} after padding` });
        }
        if (v === 1) len++;
        mask[i * steps + t] = v;
      }
      if (len === 0) throw invalidArgument(where, `data.mask[${i}]`, 'at least one observed step', { raw: 'all zeros' });
      lengths[i] = len;
    }
    if (lengths.every((l) => l === steps)) mask = null;
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const trial = Math.floor(i / (steps * d));
      const t = Math.floor(i / d) % steps;
      if (mask !== null && mask[trial * steps + t] === 0) continue; // padding may hold anything
      throw invalidArgument(where, `data.x[${trial}][${t}][${i % d}]`, 'finite', values[i]);
    }
  }
  return { values, trials, steps, dims: d, mask, lengths };
}

/** The rows `indices` as tensors: x [B, T, D] (padding set to 0) and mask [B, T] or null. */
export function batchTensors(data: Sequences, indices: ArrayLike<number>): { x: tf.Tensor3D; mask: tf.Tensor2D | null } {
  const { steps: T, dims: D } = data;
  const B = indices.length;
  const x = new Float32Array(B * T * D);
  const mask = data.mask === null ? null : new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    const i = indices[b]!;
    x.set(data.values.subarray(i * T * D, (i + 1) * T * D), b * T * D);
    if (mask !== null) {
      mask.set(data.mask!.subarray(i * T, (i + 1) * T), b * T);
      for (let t = data.lengths[i]!; t < T; t++) x.fill(0, (b * T + t) * D, (b * T + t + 1) * D);
    }
  }
  return { x: tf.tensor3d(x, [B, T, D]), mask: mask === null ? null : tf.tensor2d(mask, [B, T]) };
}

/** A seeded permutation of 0..n-1 (Fisher-Yates on the generator's uniforms). */
export function permutation(n: number, rng: Generator): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const u = rng.fillUniform(new Float64Array(n));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i]! * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Per-dimension mean and variance over observed steps. */
export function moments(data: Sequences): { mean: Float64Array; variance: Float64Array } {
  const { trials, steps: T, dims: D } = data;
  const mean = new Float64Array(D);
  const sq = new Float64Array(D);
  let count = 0;
  for (let i = 0; i < trials; i++) {
    for (let t = 0; t < data.lengths[i]!; t++) {
      const o = (i * T + t) * D;
      for (let k = 0; k < D; k++) {
        const v = data.values[o + k]!;
        mean[k]! += v;
        sq[k]! += v * v;
      }
      count++;
    }
  }
  const variance = new Float64Array(D);
  for (let k = 0; k < D; k++) {
    mean[k]! /= count;
    variance[k] = Math.max(sq[k]! / count - mean[k]! ** 2, 0);
  }
  return { mean, variance };
}
