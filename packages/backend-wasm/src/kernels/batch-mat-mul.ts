import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdGemm, simdGemmTakes, simdTranspose } from './simd-gemm.js';
import { sizeOf, wasmKernel, withShape } from './wasm-backend.js';
import type { WasmKernelFunc } from './wasm-backend.js';

/**
 * tfjs-backend-wasm runs BatchMatMul through XNNPACK only for one un-transposed matrix
 * pair; `transposeA`, `transposeB` or a batch of more than one fall back to a naive
 * loop that is ~12x slower (35 ms against 3 ms for 128x400 by 400x784). matMul's own
 * gradients use both flags, so training spends most of its time there.
 *
 * This wrapper makes every product take the fast path: explicit transposes (a cheap
 * copy), a shared right-hand matrix folded into the rows of the left one, and other
 * batches run one matrix pair at a time. Single products of the sizes MLP training
 * uses go to elbo's SIMD product instead (simd-gemm.ts), which needs no packing.
 */
export function fastBatchMatMul(original: WasmKernelFunc): WasmKernelFunc {
  const transpose = wasmKernel('Transpose');
  return (args) => {
    const { inputs, backend } = args;
    const a = inputs['a'] as tf.TensorInfo;
    const b = inputs['b'] as tf.TensorInfo;
    const transposeA = Boolean(args.attrs?.['transposeA']);
    const transposeB = Boolean(args.attrs?.['transposeB']);
    const plan = planProduct(a, b, transposeA, transposeB);
    // Shapes or dtypes the fast path does not cover: the original kernel reports them.
    if (plan === undefined) return original(args);

    const temporaries: tf.TensorInfo[] = [];
    const lastTwoSwapped = (x: tf.TensorInfo): tf.TensorInfo => {
      const rank = x.shape.length;
      const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
      const out = transpose({ inputs: { x }, backend, attrs: { perm } });
      temporaries.push(out);
      return out;
    };
    const { m, k, n, batchA, batchB, outShape } = plan;
    const plain = { transposeA: false, transposeB: false };
    try {
      if (batchA === 1 && batchB === 1 && simdGemmTakes(m, k, n)) {
        // Our SIMD product reads A transposed or not, and B row-major without packing.
        let right = b;
        if (transposeB) {
          right = simdTranspose(backend, b, n, k);
          temporaries.push(right);
        }
        return simdGemm(backend, a, right, transposeA, m, k, n, outShape);
      }
      if (batchA === 1 && batchB === 1 && transposedProductIsCheaper(m, k, n, transposeA, transposeB)) {
        // C = (B^T A^T)^T: XNNPACK repacks its right operand on every new tensor, so
        // hand it the smaller one. B given transposed is already B^T, and so on.
        const leftT = transposeB ? b : lastTwoSwapped(b);
        const rightT = transposeA ? a : lastTwoSwapped(a);
        const productT = original({
          inputs: { a: withShape(leftT, [1, n, k]), b: withShape(rightT, [1, k, m]) },
          backend,
          attrs: plain,
        });
        temporaries.push(productT);
        const out = transpose({ inputs: { x: productT }, backend, attrs: { perm: [0, 2, 1] } });
        out.shape = outShape;
        return out;
      }
      const left = transposeA ? lastTwoSwapped(a) : a;
      const right = transposeB ? lastTwoSwapped(b) : b;
      if (batchB === 1) {
        // One right-hand matrix: all left-hand batches are just more rows.
        const out = original({
          inputs: { a: withShape(left, [1, batchA * m, k]), b: withShape(right, [1, k, n]) },
          backend,
          attrs: plain,
        });
        out.shape = outShape;
        return out;
      }
      return productPerBatch(original, backend, left, right, plan);
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
}

/**
 * Relative cost, per element, of XNNPACK packing a right-hand operand (it is laid out
 * anew for every new tensor: the trained weights change each step) against a wasm
 * Transpose; measured on tfjs-backend-wasm 4.22 with SIMD: ~1.1 ms against ~0.22 ms
 * for 400x784.
 */
const PACK_COST = 5;

/** Whether computing C^T = B^T A^T and transposing it moves fewer bytes than A B. */
export function transposedProductIsCheaper(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): boolean {
  const direct = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + PACK_COST * k * n;
  const swapped = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + PACK_COST * m * k + m * n;
  return swapped < 0.8 * direct;
}

interface ProductPlan {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly batchA: number;
  readonly batchB: number;
  readonly aBatchShape: number[];
  readonly bBatchShape: number[];
  readonly outBatchShape: number[];
  readonly outShape: number[];
}

function planProduct(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): ProductPlan | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (k !== kb) return undefined;
  const aBatchShape = a.shape.slice(0, -2);
  const bBatchShape = b.shape.slice(0, -2);
  let outBatchShape: number[];
  try {
    outBatchShape = tf.broadcast_util.assertAndGetBroadcastShape(aBatchShape, bBatchShape);
  } catch {
    return undefined;
  }
  return {
    m,
    k,
    n,
    batchA: sizeOf(aBatchShape),
    batchB: sizeOf(bBatchShape),
    aBatchShape,
    bBatchShape,
    outBatchShape,
    outShape: [...outBatchShape, m, n],
  };
}

/** Each output batch as its own fast product, with broadcasting of the batch dimensions. */
function productPerBatch(
  original: WasmKernelFunc,
  backend: BackendWasm,
  left: tf.TensorInfo,
  right: tf.TensorInfo,
  plan: ProductPlan,
): tf.TensorInfo {
  const { m, k, n, batchA, outBatchShape, outShape } = plan;
  const aIndex = batchIndexer(plan.aBatchShape, outBatchShape);
  const bIndex = batchIndexer(plan.bBatchShape, outBatchShape);
  const out = backend.makeOutput(outShape, 'float32');
  const outBatches = sizeOf(outBatchShape);
  const plain = { transposeA: false, transposeB: false };
  for (let i = 0; i < outBatches; i++) {
    const aPart = batchA === 1 ? withShape(left, [1, m, k]) : copyBatch(backend, left, aIndex(i), m * k, [1, m, k]);
    const bPart = copyBatch(backend, right, bIndex(i), k * n, [1, k, n]);
    const product = original({ inputs: { a: aPart, b: bPart }, backend, attrs: plain });
    // Views are taken after every allocation: the wasm heap may have grown.
    (backend.typedArrayFromHeap(out) as Float32Array).set(backend.typedArrayFromHeap(product) as Float32Array, i * m * n);
    backend.disposeData(product.dataId);
    backend.disposeData(bPart.dataId);
    if (aPart.dataId !== left.dataId) backend.disposeData(aPart.dataId);
  }
  return out;
}

function copyBatch(backend: BackendWasm, from: tf.TensorInfo, index: number, size: number, shape: number[]): tf.TensorInfo {
  const part = backend.makeOutput(shape, 'float32');
  const source = backend.typedArrayFromHeap(from) as Float32Array;
  (backend.typedArrayFromHeap(part) as Float32Array).set(source.subarray(index * size, (index + 1) * size));
  return part;
}

/** Maps a flat index over `outShape` to the flat index of the broadcast operand `shape`. */
function batchIndexer(shape: readonly number[], outShape: readonly number[]): (flat: number) => number {
  const offset = outShape.length - shape.length;
  return (flat) => {
    let index = 0;
    let stride = 1;
    let rest = flat;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const coordinate = rest % outShape[d]!;
      rest = Math.floor(rest / outShape[d]!);
      const own = d - offset;
      if (own >= 0) {
        const size = shape[own]!;
        if (size !== 1) index += coordinate * stride;
        stride *= size;
      }
    }
    return index;
  };
}
