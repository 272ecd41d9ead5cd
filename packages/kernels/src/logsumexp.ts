import { invalidArgument } from '@elbo/runtime';
import { checkArray, rejectNonFinite, withArrays } from './marshal.js';
import type { ArrayArg, FloatArray } from './marshal.js';

export interface LogSumExpOptions<T extends FloatArray> {
  /** Where the n results go (default: a new Float32Array). */
  readonly out?: T;
  /** Normalised weights exp(x[s, j] - out[j]), same layout as x (for IWAE gradients). */
  readonly weights?: FloatArray;
}

/**
 * log sum_s exp(x[s, j]) over the leading (sample) axis of x laid out as
 * [samples, n] row-major, stable (the column maximum is subtracted) and summed in
 * float64. Columns of -Infinity give -Infinity; NaN is rejected.
 */
export function logSumExp<T extends FloatArray = Float32Array>(x: FloatArray, samples: number, options: LogSumExpOptions<T> = {}): T {
  const where = 'logSumExp';
  checkArray(where, { name: 'x', array: x });
  if (!Number.isInteger(samples) || samples < 1 || x.length % samples !== 0) {
    throw invalidArgument(where, 'samples', `a positive integer dividing x's length ${x.length}`, samples);
  }
  const n = x.length / samples;
  const out = (options.out ?? new Float32Array(n)) as T;
  const args: ArrayArg[] = [
    { name: 'x', array: x, finite: 'not NaN' },
    { name: 'out', array: out, input: false, output: true, length: n, lengthOf: 'x / samples' },
    { name: 'weights', array: options.weights, input: false, output: true, length: x.length, lengthOf: 'x' },
  ];
  withArrays(where, args, (p, m) => {
    const check = m.exports.logSumExp(p[0]!, samples, n, p[1]!, p[2]!);
    if (Number.isNaN(check)) rejectNonFinite(where, args, p, m);
  });
  return out;
}
