import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Helpers for kernels written in JavaScript on top of tfjs-backend-wasm: calling the
 * backend's own kernels, and replacing a registered kernel by a wrapper around it.
 */

export type WasmKernelFunc = (args: {
  inputs: tf.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs?: tf.NamedAttrMap;
}) => tf.TensorInfo;

/** The kernel function tfjs-backend-wasm registered under `kernelName`. */
export function wasmKernel(kernelName: string): WasmKernelFunc {
  const config = tf.getKernel(kernelName, 'wasm');
  if (config === undefined) {
    throw new Error(`@elbo/backend-wasm: tfjs-backend-wasm has no '${kernelName}' kernel; is @tensorflow/tfjs-backend-wasm 4.22 installed?`);
  }
  return config.kernelFunc as unknown as WasmKernelFunc;
}

/** A tensor info with another shape over the same data (no copy, no reference count). */
export function withShape(info: tf.TensorInfo, shape: readonly number[]): tf.TensorInfo {
  return { dataId: info.dataId, shape: [...shape], dtype: info.dtype };
}

const REPLACED = Symbol.for('@elbo/backend-wasm/replaced-kernel');
type Marked = { [REPLACED]?: true };

/**
 * Replaces the wasm kernel `kernelName` by `makeKernel(original)`. Idempotent: a kernel
 * already replaced by this package is left alone, so calling wasm() twice is harmless.
 * The original's setupFunc is kept, because the original kernel still does the work.
 */
export function replaceWasmKernel(kernelName: string, makeKernel: (original: WasmKernelFunc) => WasmKernelFunc): void {
  const config = tf.getKernel(kernelName, 'wasm');
  if (config === undefined) {
    throw new Error(`@elbo/backend-wasm: tfjs-backend-wasm has no '${kernelName}' kernel to speed up`);
  }
  if ((config.kernelFunc as Marked)[REPLACED]) return;
  const replacement = makeKernel(config.kernelFunc as unknown as WasmKernelFunc) as WasmKernelFunc & Marked;
  replacement[REPLACED] = true;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...config, kernelFunc: replacement as unknown as tf.KernelFunc });
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}
