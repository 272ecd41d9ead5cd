import * as tf from '@tensorflow/tfjs';
import { describeValue, formatShape, invalidArgument } from '@elbo/runtime';

export type ArrayLikeData = tf.Tensor | Float32Array | Float64Array | Int32Array | Uint8Array | Uint16Array | number[] | number[][];

/**
 * What `fit`, `evaluate`, `encode` and `reconstruct` accept as data: N examples of
 * `inputDim` features each, as
 * - a tf.Tensor of shape [N, inputDim] or [N, ...] with inputDim features per example
 *   (images [N, 28, 28] are flattened);
 * - a typed array or number array of N * inputDim values (row-major);
 * - an array of N rows;
 * - a dataset: @elbo/data-io's ArrayDataset (anything with `all(): { x: Tensor }`), or an
 *   object with an `x` field holding one of the above.
 */
export type DataInput = ArrayLikeData | { readonly x: ArrayLikeData } | { all(): { readonly x: tf.Tensor } };

/**
 * The data as a float32 [N, inputDim] tensor. A 2-D float32 tensor of the right width is
 * returned as-is (`owned: false`); anything else is a new tensor the caller disposes
 * (`owned: true`).
 */
export function toExamples(data: DataInput, inputDim: number, where: string): { x: tf.Tensor2D; owned: boolean } {
  const { source, owned } = unwrapDataset(data, where);
  try {
    const result = examplesFrom(source, inputDim, where);
    if (owned && result.x !== source) (source as tf.Tensor).dispose();
    return { x: result.x, owned: result.owned || owned };
  } catch (error) {
    if (owned) (source as tf.Tensor).dispose();
    throw error;
  }
}

function examplesFrom(source: unknown, inputDim: number, where: string): { x: tf.Tensor2D; owned: boolean } {
  if (source instanceof tf.Tensor) {
    if (source.isDisposed) throw invalidArgument(where, 'data', 'a live tensor', { raw: 'a disposed tensor' });
    const perExample = source.shape.slice(1).reduce((a: number, b: number) => a * b, 1);
    if (source.rank < 2 || perExample !== inputDim) {
      throw invalidArgument(where, 'data', `a tensor of shape [N, ${inputDim}] (or [N, ...] with ${inputDim} values per example)`, {
        raw: `shape ${formatShape(source.shape)}`,
      });
    }
    if (source.shape[0] === 0) throw invalidArgument(where, 'data', 'at least one example', { raw: 'N = 0' });
    if (source.rank === 2 && source.dtype === 'float32') return { x: source as tf.Tensor2D, owned: false };
    return { x: tf.tidy(() => tf.cast(tf.reshape(source, [source.shape[0]!, inputDim]), 'float32')) as tf.Tensor2D, owned: true };
  }
  if (Array.isArray(source) && source.length > 0 && Array.isArray(source[0])) {
    const rows = source as number[][];
    rows.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== inputDim) {
        throw invalidArgument(where, `data row ${i}`, `an array of ${inputDim} numbers`, row);
      }
    });
    return { x: tf.tensor2d(rows, [rows.length, inputDim], 'float32'), owned: true };
  }
  if (ArrayBuffer.isView(source) || Array.isArray(source)) {
    const values = source as ArrayLike<number>;
    if (values.length === 0 || values.length % inputDim !== 0) {
      throw invalidArgument(where, 'data', `a flat array whose length is a positive multiple of inputDim (${inputDim})`, {
        raw: `length ${values.length}`,
      });
    }
    const flat = values instanceof Float32Array ? values : Float32Array.from(values);
    return { x: tf.tensor2d(flat, [values.length / inputDim, inputDim], 'float32'), owned: true };
  }
  throw invalidArgument(where, 'data', 'a tf.Tensor, a typed array, an array of rows or a dataset', source);
}

/** The array or tensor inside a dataset; `owned` when a dataset made a tensor for us. */
function unwrapDataset(data: DataInput, where: string): { source: unknown; owned: boolean } {
  if (data instanceof tf.Tensor || ArrayBuffer.isView(data) || Array.isArray(data)) return { source: data, owned: false };
  if (typeof data === 'object' && data !== null) {
    if ('all' in data && typeof data.all === 'function') {
      const batch = data.all() as { x: tf.Tensor } & Record<string, unknown>;
      // Keep x; free what else the dataset batched (masks, targets).
      for (const [key, value] of Object.entries(batch)) if (key !== 'x' && value instanceof tf.Tensor) value.dispose();
      return { source: batch.x, owned: true };
    }
    if ('x' in data) return { source: data.x, owned: false };
  }
  throw invalidArgument(where, 'data', 'a tf.Tensor, a typed array, an array of rows or a dataset', { raw: describeValue(data) });
}

/**
 * Validates values against a likelihood's support once, before training, so a bad
 * value fails with its position instead of surfacing later as a NaN loss.
 */
export function checkSupport(
  x: tf.Tensor2D,
  where: string,
  support: { readonly description: string; readonly test: (v: number) => boolean },
): void {
  const values = x.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!support.test(v)) {
      const row = Math.floor(i / x.shape[1]);
      const column = i % x.shape[1];
      throw invalidArgument(where, `data[${row}][${column}]`, support.description, v);
    }
  }
}
