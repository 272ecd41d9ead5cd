import type * as tf from '@tensorflow/tfjs';
import { sizeOf } from './wasm-backend.js';
import type { WasmKernelFunc } from './wasm-backend.js';

/**
 * tfjs-backend-wasm's GatherV2 copies element by element through a generic strided
 * loop: picking a batch of 128 rows of 784 floats (what a training loop does with
 * tf.gather) takes ~3 ms. Without batch dimensions a gather is a series of contiguous
 * block copies, which typed-array `set` does ~100x faster. Out-of-range indices and
 * batch dimensions go to the original kernel, which reports or handles them.
 */
export function blockGather(original: WasmKernelFunc): WasmKernelFunc {
  return (args) => {
    const { backend } = args;
    const x = args.inputs['x'] as tf.TensorInfo;
    const indices = args.inputs['indices'] as tf.TensorInfo;
    const batchDims = Number(args.attrs?.['batchDims'] ?? 0);
    let axis = Number(args.attrs?.['axis'] ?? 0);
    if (axis < 0) axis += x.shape.length;
    if (batchDims !== 0 || x.dtype === 'string' || indices.dtype !== 'int32' || !(axis >= 0 && axis < x.shape.length)) {
      return original(args);
    }
    const axisSize = x.shape[axis]!;
    const count = sizeOf(indices.shape);
    const picked = backend.typedArrayFromHeap(indices) as Int32Array;
    for (let i = 0; i < count; i++) {
      const index = picked[i]!;
      if (index < 0 || index >= axisSize) return original(args);
    }
    const outer = sizeOf(x.shape.slice(0, axis));
    const block = sizeOf(x.shape.slice(axis + 1));
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const out = backend.makeOutput(outShape, x.dtype);
    if (sizeOf(outShape) === 0) return out;
    // Views after the allocation: the wasm heap may have grown.
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    const positions = backend.typedArrayFromHeap(indices) as Int32Array;
    let at = 0;
    for (let o = 0; o < outer; o++) {
      const base = o * axisSize * block;
      for (let i = 0; i < count; i++) {
        const start = base + positions[i]! * block;
        to.set(from.subarray(start, start + block), at);
        at += block;
      }
    }
    return out;
  };
}
