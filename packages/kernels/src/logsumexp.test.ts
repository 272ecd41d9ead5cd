import { Generator } from '@elbo/runtime';
import { describe, expect, it } from 'vitest';
import { logSumExp } from './logsumexp.js';

// Float64 reference: m + log(sum exp(x - m)) per column of a [samples, n] array.
function lseRef(x: Float32Array, samples: number): Float64Array {
  const n = x.length / samples;
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let m = -Infinity;
    for (let s = 0; s < samples; s++) m = Math.max(m, x[s * n + j]!);
    let sum = 0;
    for (let s = 0; s < samples; s++) sum += Math.exp(x[s * n + j]! - m);
    out[j] = m + Math.log(sum);
  }
  return out;
}

describe('logSumExp', () => {
  it('matches the float64 reference over the sample axis, with weights summing to one', () => {
    const samples = 7;
    const n = 1003;
    const x = Generator.fromSeed(1).normalArray(samples * n).map((v, i) => 30 * v - (i % 5) * 100);
    const weights = new Float32Array(samples * n);
    const out = logSumExp(x, samples, { weights });
    const ref = lseRef(x, samples);
    for (let j = 0; j < n; j++) {
      expect(Math.abs(out[j]! - ref[j]!)).toBeLessThan(2e-7 * Math.max(1, Math.abs(ref[j]!)));
      let total = 0;
      for (let s = 0; s < samples; s++) {
        const w = weights[s * n + j]!;
        expect(Math.abs(w - Math.exp(x[s * n + j]! - ref[j]!))).toBeLessThan(1e-6);
        total += w;
      }
      expect(Math.abs(total - 1)).toBeLessThan(1e-6);
    }
  });

  it('handles one sample, huge values and columns of -Infinity', () => {
    const x = Float32Array.from([1e30, -Infinity, 3, -5, -Infinity, 3]);
    expect(Array.from(logSumExp(x, 2))).toEqual([Math.fround(1e30), -Infinity, Math.fround(3 + Math.log(2))]);
    expect(Array.from(logSumExp(Float32Array.from([0.5, -2]), 1))).toEqual([0.5, -2]);
  });

  it('rejects NaN and a sample count that does not divide the length', () => {
    expect(() => logSumExp(Float32Array.from([0, NaN, 1, 2]), 2)).toThrow('logSumExp: x[1] must be a number, found NaN');
    expect(() => logSumExp(new Float32Array(6), 4)).toThrow("logSumExp: samples must be a positive integer dividing x's length 6, found 4");
  });
});
