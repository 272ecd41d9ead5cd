import type * as tf from '@tensorflow/tfjs';
import type { WasmKernelFunc } from './wasm-backend.js';

/**
 * tfjs-backend-wasm's Identity copies its input, and so does Cast to the same dtype;
 * gradients call both a dozen times per training step (`cast(x, 'float32')`,
 * `clone`). Tensors are immutable, so, like the cpu backend, these wrappers share
 * the input's memory and count one more reference to it.
 */
export function sharedIdentity(original: WasmKernelFunc): WasmKernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/**
 * Cast to the dtype a tensor already has shares its memory (see {@link sharedIdentity}).
 * Cast to bool tests `x != 0`: the wasm kernel copies with a typed-array `set`, which
 * turns -2 into 254 rather than true.
 */
export function fastCast(original: WasmKernelFunc): WasmKernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    const dtype = args.attrs?.['dtype'];
    if (x.dtype === 'string') return original(args);
    if (dtype === x.dtype) {
      args.backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
    }
    if (dtype === 'bool') {
      const out = args.backend.makeOutput([...x.shape], 'bool');
      const from = args.backend.typedArrayFromHeap(x);
      const to = args.backend.typedArrayFromHeap(out);
      for (let i = 0; i < from.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
      return out;
    }
    return original(args);
  };
}
