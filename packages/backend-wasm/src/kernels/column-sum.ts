import * as tf from '@tensorflow/tfjs';
import { sizeOf } from './wasm-backend.js';
import type { WasmKernelFunc } from './wasm-backend.js';

/** assembly/elementwise.ts `sumRows`: column sums of a [rows, cols] float32 matrix. */
export type SumRowsExport = (x: number, out: number, rows: number, cols: number) => void;

/**
 * Sum over leading axes (a dense layer's bias gradient: the sum over the batch) as
 * SIMD column sums, where tfjs-backend-wasm first transposes the whole tensor to
 * reduce along its last axis. Other reductions keep the original kernel.
 */
export function columnSum(original: WasmKernelFunc, sumRows: SumRowsExport): WasmKernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    const axisAttr = args.attrs?.['axis'] as number | number[] | undefined;
    if (x.dtype !== 'float32' || axisAttr === undefined || sizeOf(x.shape) === 0) return original(args);
    const axes = [...new Set(tf.util.parseAxisParam(axisAttr, [...x.shape]))].sort((p, q) => p - q);
    const leading = axes.every((axis, i) => axis === i);
    if (!leading || axes.length === 0 || axes.length >= x.shape.length) return original(args);
    const { backend } = args;
    const rows = sizeOf(x.shape.slice(0, axes.length));
    const kept = x.shape.slice(axes.length);
    const outShape = args.attrs?.['keepDims'] ? [...axes.map(() => 1), ...kept] : kept;
    const out = backend.makeOutput(outShape, 'float32');
    const offset = (t: tf.TensorInfo): number => backend.dataIdMap.get(t.dataId)!.memoryOffset;
    sumRows(offset(x), offset(out), rows, sizeOf(kept));
    return out;
  };
}
