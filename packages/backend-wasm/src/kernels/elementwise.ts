import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { patchAdamOptimizer, registerAdamKernel } from './adam.js';
import type { AdamExport } from './adam.js';
import { ELEMENTWISE_WASM_BASE64 } from './elementwise-wasm.js';
import { columnSum } from './column-sum.js';
import type { SumRowsExport } from './column-sum.js';
import { setSimdGemm } from './simd-gemm.js';
import type { GemmExport, TransposeExport } from './simd-gemm.js';
import { replaceWasmKernel, sizeOf } from './wasm-backend.js';
import type { WasmKernelFunc } from './wasm-backend.js';

/** The unary kernels the SIMD module (assembly/elementwise.ts) implements. */
export const SIMD_UNARY_KERNELS = { Exp: 'exp', Log: 'log', Log1p: 'log1p', Softplus: 'softplus', Sqrt: 'sqrt' } as const;

type UnaryExport = (input: number, output: number, n: number) => void;
type ElementwiseExports = Record<(typeof SIMD_UNARY_KERNELS)[keyof typeof SIMD_UNARY_KERNELS], UnaryExport> & { adam: AdamExport; gemm: GemmExport; transpose: TransposeExport; sumRows: SumRowsExport };

function wasmBytes(): Uint8Array<ArrayBuffer> {
  const binary = atob(ELEMENTWISE_WASM_BASE64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Loads the SIMD module onto the running wasm backend's memory and replaces Exp, Log,
 * Log1p, Softplus and Sqrt, which tfjs-backend-wasm computes with scalar libm calls
 * (6-13 ns per element against ~1 here), and makes tf.train.adam update each variable
 * in one pass (adam.ts), gives BatchMatMul its SIMD product (simd-gemm.ts) and Sum over leading axes its
 * column sums (column-sum.ts). Returns why it could not, or undefined: it
 * needs WebAssembly SIMD and a non-shared heap (the threaded build shares its memory,
 * which a module importing a plain memory cannot use).
 */
export async function registerSimdUnaryKernels(backend: BackendWasm): Promise<string | undefined> {
  const memory = (backend.wasm as unknown as { asm?: { memory?: WebAssembly.Memory } }).asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return 'the wasm backend does not expose its memory';
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) {
    return 'the threaded build shares its memory';
  }
  const bytes = wasmBytes();
  if (!WebAssembly.validate(bytes)) return 'this engine lacks WebAssembly SIMD';
  const module = await WebAssembly.compile(bytes);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const exports = instance.exports as unknown as ElementwiseExports;
  for (const [kernelName, exportName] of Object.entries(SIMD_UNARY_KERNELS)) {
    replaceWasmKernel(kernelName, (original) => simdUnary(original, exports[exportName]));
  }
  setSimdGemm(exports.gemm, exports.transpose);
  replaceWasmKernel('Sum', (original) => columnSum(original, exports.sumRows));
  registerAdamKernel(exports.adam);
  patchAdamOptimizer();
  return undefined;
}

function simdUnary(original: WasmKernelFunc, compute: UnaryExport): WasmKernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    if (x.dtype !== 'float32') return original(args);
    const { backend } = args;
    const out = backend.makeOutput([...x.shape], 'float32');
    const size = sizeOf(x.shape);
    if (size > 0) compute(backend.dataIdMap.get(x.dataId)!.memoryOffset, backend.dataIdMap.get(out.dataId)!.memoryOffset, size);
    return out;
  };
}
