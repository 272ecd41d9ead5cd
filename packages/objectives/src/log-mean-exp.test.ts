import * as tf from '@tensorflow/tfjs';
import { testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { logMeanExp } from './log-mean-exp.js';

beforeAll(async () => {
  await testing.initForTests({ seed: 1 });
});

/** Float64 reference: log of the arithmetic mean, by rescaling with the exact maximum. */
function referenceLogMeanExp(values: number[]): number {
  const m = Math.max(...values);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(values.reduce((s, v) => s + Math.exp(v - m), 0) / values.length);
}

describe('logMeanExp', () => {
  it('matches the float64 reference along either axis, for large and tiny values', () => {
    const rows = [
      [1, 2, 3, 4],
      [-1000, -1001, -999.5, -1002],
      [800, 805, 790, 810],
    ];
    const x = tf.tensor2d(rows);
    const alongColumns = logMeanExp(x, 1);
    const expected = rows.map(referenceLogMeanExp);
    expect(testing.maxRelativeError(alongColumns.dataSync(), expected, 1)).toBeLessThan(1e-6);
    const alongRows = logMeanExp(x, 0);
    const columns = rows[0]!.map((_, j) => referenceLogMeanExp(rows.map((r) => r[j]!)));
    expect(testing.maxRelativeError(alongRows.dataSync(), columns, 1)).toBeLessThan(1e-6);
    tf.dispose([x, alongColumns, alongRows]);
  });

  it('gives -Infinity, not NaN, for a slice with no mass, and ignores -Infinity entries elsewhere', () => {
    const x = tf.tensor2d([
      [-Infinity, -Infinity],
      [0, -Infinity],
    ]);
    const out = logMeanExp(x, 1).dataSync();
    expect(out[0]).toBe(-Infinity);
    expect(out[1]).toBeCloseTo(Math.log(0.5), 6);
    x.dispose();
  });

  it('has the softmax as its gradient', () => {
    const values = [0.3, -1.2, 2.5, 0.1];
    const x = tf.tensor1d(values);
    const grad = tf.grad((v: tf.Tensor) => logMeanExp(v, 0))(x).dataSync();
    const m = Math.max(...values);
    const e = values.map((v) => Math.exp(v - m));
    const total = e.reduce((a, b) => a + b, 0);
    expect(testing.maxRelativeError(grad, e.map((v) => v / total))).toBeLessThan(1e-5);
    x.dispose();
  });

  it('leaves no tensors behind and names a bad axis', () => {
    const x = tf.tensor2d([[1, 2]]);
    expect(testing.tensorsLeftBehind(() => logMeanExp(x, 1))).toBe(0);
    expect(() => logMeanExp(x, 2)).toThrow(/logMeanExp: axis must be an integer in \[-2, 1\], found 2/);
    x.dispose();
  });
});
