import type * as tf from '@tensorflow/tfjs';
import { transposedProductIsCheaper } from './batch-mat-mul.js';
import { simdGemmTakes } from './simd-gemm.js';
import { sizeOf, wasmKernel, withShape } from './wasm-backend.js';
import type { WasmKernelFunc } from './wasm-backend.js';

/**
 * tfjs's fused matMul (matMul + bias + activation, used by tf.layers' dense layers)
 * has the same slow paths in tfjs-backend-wasm as BatchMatMul (see batch-mat-mul.ts).
 * Transposes become explicit copies, and a shared right-hand matrix folds the left
 * batches into rows. A single product whose right operand is much larger than its
 * left one (a decoder's output layer) is unfused: BatchMatMul then packs the smaller
 * operand (see batch-mat-mul.ts), and the bias and ReLU follow as two cheap kernels;
 * so is one that elbo's SIMD product takes (simd-gemm.ts).
 * Fully batched products keep the original kernel: the bias and PReLU weights would
 * need per-batch handling, and no elbo model produces them.
 */
export function fastFusedMatMul(original: WasmKernelFunc): WasmKernelFunc {
  const transpose = wasmKernel('Transpose');
  return (args) => {
    const unfused = unfusedIfCheaper(args);
    if (unfused !== undefined) return unfused;
    const { inputs, backend } = args;
    const a = inputs['a'] as tf.TensorInfo;
    const b = inputs['b'] as tf.TensorInfo;
    const prelu = inputs['preluActivationWeights'] as tf.TensorInfo | undefined | null;
    const attrs = args.attrs ?? {};
    const transposeA = Boolean(attrs['transposeA']);
    const transposeB = Boolean(attrs['transposeB']);
    // The fused op always sends rank-3 operands.
    if (a.shape.length !== 3 || b.shape.length !== 3 || a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
    const batchA = a.shape[0]!;
    const batchB = b.shape[0]!;
    const m = transposeA ? a.shape[2]! : a.shape[1]!;
    const k = transposeA ? a.shape[1]! : a.shape[2]!;
    const kb = transposeB ? b.shape[2]! : b.shape[1]!;
    const n = transposeB ? b.shape[1]! : b.shape[2]!;
    const preluIsPerChannel = prelu == null || sizeOf(prelu.shape) === 1 || (prelu.shape.length === 1 && prelu.shape[0] === n);
    const fast = k === kb && batchB === 1 && preluIsPerChannel;
    if (!fast || (!transposeA && !transposeB && batchA === 1)) return original(args);

    const temporaries: tf.TensorInfo[] = [];
    const swapped = (x: tf.TensorInfo): tf.TensorInfo => {
      const out = transpose({ inputs: { x }, backend, attrs: { perm: [0, 2, 1] } });
      temporaries.push(out);
      return out;
    };
    try {
      const left = transposeA ? swapped(a) : a;
      const right = transposeB ? swapped(b) : b;
      const out = original({
        inputs: { ...inputs, a: withShape(left, [1, batchA * m, k]), b: withShape(right, [1, k, n]) },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      out.shape = [batchA, m, n];
      return out;
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
}

/** The product through the (replaced) BatchMatMul kernel, then bias and activation. */
function unfusedIfCheaper(args: Parameters<WasmKernelFunc>[0]): tf.TensorInfo | undefined {
  const { inputs, backend } = args;
  const a = inputs['a'] as tf.TensorInfo;
  const b = inputs['b'] as tf.TensorInfo;
  const bias = inputs['bias'] as tf.TensorInfo | undefined | null;
  const prelu = inputs['preluActivationWeights'] as tf.TensorInfo | undefined | null;
  const attrs = args.attrs ?? {};
  const activation = attrs['activation'] ?? 'linear';
  const transposeA = Boolean(attrs['transposeA']);
  const transposeB = Boolean(attrs['transposeB']);
  if (a.shape.length !== 3 || b.shape.length !== 3 || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (a.shape[0] !== 1 || b.shape[0] !== 1 || prelu != null || (activation !== 'linear' && activation !== 'relu')) return undefined;
  if (bias != null && bias.shape.length > 1) return undefined;
  const m = transposeA ? a.shape[2]! : a.shape[1]!;
  const k = transposeA ? a.shape[1]! : a.shape[2]!;
  const kb = transposeB ? b.shape[2]! : b.shape[1]!;
  const n = transposeB ? b.shape[1]! : b.shape[2]!;
  if (k !== kb || !(simdGemmTakes(m, k, n) || transposedProductIsCheaper(m, k, n, transposeA, transposeB))) return undefined;

  let out = wasmKernel('BatchMatMul')({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } });
  if (bias != null) {
    const withBias = wasmKernel('Add')({ inputs: { a: out, b: bias }, backend });
    backend.disposeData(out.dataId);
    out = withBias;
  }
  if (activation === 'relu') {
    const rectified = wasmKernel('Relu')({ inputs: { x: out }, backend });
    backend.disposeData(out.dataId);
    out = rectified;
  }
  return out;
}
