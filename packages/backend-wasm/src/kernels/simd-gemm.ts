import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** assembly/gemm.ts: C [m, n] = A B on the backend's heap (A given [k, m] when aTransposed). */
export type GemmExport = (a: number, b: number, c: number, m: number, k: number, n: number, aTransposed: number) => void;

/** assembly/gemm.ts: out [cols, rows] = x [rows, cols] transposed. */
export type TransposeExport = (x: number, out: number, rows: number, cols: number) => void;

let loaded: GemmExport | undefined;
let loadedTranspose: TransposeExport | undefined;

/** Called once the SIMD module is instantiated on the wasm backend's memory. */
export function setSimdGemm(gemm: GemmExport, transpose: TransposeExport): void {
  loaded = gemm;
  loadedTranspose = transpose;
}

/**
 * Whether the SIMD product takes A B of these sizes: it is loaded, the sizes fit its
 * 4x8 and 4x4 blocks, and the product is large enough for XNNPACK's repacking to dominate
 * (measured with SIMD in Node: 128x784 by 784x400 2.7 ms against 3.8 ms).
 */
export function simdGemmTakes(m: number, k: number, n: number): boolean {
  return loaded !== undefined && m % 4 === 0 && n % 4 === 0 && m > 0 && n > 0 && k > 0 && m * k * n >= 64 * 64 * 64;
}

/** A [rows, cols] float32 matrix transposed into a new tensor (4x4 SIMD blocks). */
export function simdTranspose(backend: BackendWasm, x: tf.TensorInfo, rows: number, cols: number): tf.TensorInfo {
  const out = backend.makeOutput([cols, rows], 'float32');
  const offset = (t: tf.TensorInfo): number => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  loadedTranspose!(offset(x), offset(out), rows, cols);
  return out;
}

/** A B (A as [k, m] when transposeA) into a new tensor; B must be [k, n] row-major. */
export function simdGemm(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, m: number, k: number, n: number, outShape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(outShape, 'float32');
  const offset = (t: tf.TensorInfo): number => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  loaded!(offset(a), offset(b), offset(out), m, k, n, transposeA ? 1 : 0);
  return out;
}
