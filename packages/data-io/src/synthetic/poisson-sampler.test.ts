import { describe, expect, it } from 'vitest';
import { Generator, testing } from '@elbo/runtime';
import { samplePoisson } from './poisson-sampler.js';
import { UniformStream } from './random-source.js';

// Exact Poisson CDF by the pmf recursion p_k = p_{k-1} rate / k in log space, written
// independently of the sampler's log-gamma.
function poissonCdf(rate: number, upTo: number): Float64Array {
  const cdf = new Float64Array(upTo + 1);
  let logP = -rate;
  let total = 0;
  for (let k = 0; k <= upTo; k++) {
    if (k > 0) logP += Math.log(rate) - Math.log(k);
    total += Math.exp(logP);
    cdf[k] = total;
  }
  return cdf;
}

describe('samplePoisson', () => {
  // Rates on both sides of the inversion / PTRS switch at 10.
  for (const rate of [0.05, 0.7, 4, 9.99, 10, 37.5, 1000]) {
    it(`rate ${rate}: empirical CDF within the 1% Kolmogorov-Smirnov bound, mean within 5 standard errors`, () => {
      const n = 20_000;
      const uniforms = new UniformStream(Generator.fromSeed(17));
      const draws = new Int32Array(n);
      for (let i = 0; i < n; i++) draws[i] = samplePoisson(rate, uniforms);
      const max = Math.max(...draws);
      const histogram = new Float64Array(max + 1);
      for (const k of draws) histogram[k]! += 1;
      const cdf = poissonCdf(rate, max);
      let empirical = 0;
      let d = 0;
      for (let k = 0; k <= max; k++) {
        empirical += histogram[k]! / n;
        d = Math.max(d, Math.abs(empirical - cdf[k]!));
      }
      // For a discrete law the continuous KS bound is conservative, so this is a fair test.
      expect(d).toBeLessThan(testing.ksCritical01(n));
      const { mean, variance } = testing.meanAndVariance(draws);
      expect(Math.abs(mean - rate)).toBeLessThan(5 * Math.sqrt(rate / n));
      expect(variance / rate).toBeGreaterThan(0.9);
      expect(variance / rate).toBeLessThan(1.1);
      expect(draws.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
    });
  }

  it('gives 0 for rate 0 and rejects negative or non-finite rates by name', () => {
    const uniforms = new UniformStream(Generator.fromSeed(1));
    expect(samplePoisson(0, uniforms)).toBe(0);
    expect(() => samplePoisson(-1, uniforms)).toThrow(/samplePoisson: rate must be a finite number >= 0, found -1/);
    expect(() => samplePoisson(Number.NaN, uniforms)).toThrow(/found NaN/);
    expect(() => samplePoisson(Infinity, uniforms)).toThrow(/found Infinity/);
  });

  it('is reproducible from the seed', () => {
    const a = new UniformStream(Generator.fromSeed(5));
    const b = new UniformStream(Generator.fromSeed(5));
    for (let i = 0; i < 100; i++) expect(samplePoisson(25, a)).toBe(samplePoisson(25, b));
  });
});
