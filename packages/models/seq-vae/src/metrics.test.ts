// Metric helpers against scikit-learn and SciPy (fixtures/metrics.py wrote fixtures/metrics.json).
import { readFileSync } from 'node:fs';
import { Generator } from '@elbo/runtime';
import { describe, expect, it } from 'vitest';
import { applyAffineMap, fitAffineMap, r2AfterAffineMap, rSquared } from './affine-r2.js';
import { bitsPerSpike, logGamma, poissonNll } from './bits-per-spike.js';
import { factorAnalysis, factorAnalysisReconstruct, factorAnalysisTransform } from './factor-analysis.js';
import { coSmoothingBaseline, fitPoissonRegression, predictPoissonRegression, smoothCounts } from './smoothing-baseline.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/metrics.json', import.meta.url), 'utf8'));

describe('logGamma and poissonNll', () => {
  it('match scipy.special.gammaln to 1e-12 relative', () => {
    const { x, value } = fixture.logGamma as { x: number[]; value: number[] };
    x.forEach((v, i) => expect(Math.abs(logGamma(v) - value[i]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(value[i]!))));
  });
  it('gives r - n log r + log n! (closed form for n = 3)', () => {
    expect(poissonNll(2, 3)).toBeCloseTo(2 - 3 * Math.log(2) + Math.log(6), 12);
    expect(poissonNll(0.5, 0)).toBeCloseTo(0.5, 12);
  });
});

describe('bitsPerSpike', () => {
  it('matches the nlb_tools formula computed with NumPy', () => {
    const { counts, rates, shape, value } = fixture.bitsPerSpike;
    expect(bitsPerSpike(rates, counts, shape)).toBeCloseTo(value, 10);
  });
  it('is 0 for the null model itself and names bad rates', () => {
    const counts = [1, 0, 2, 1, 0, 0];
    // One trial, three bins, two neurons: null rates 1 and 1/3.
    const rates = [1, 1 / 3, 1, 1 / 3, 1, 1 / 3];
    expect(bitsPerSpike(rates, counts, [1, 3, 2])).toBeCloseTo(0, 12);
    expect(() => bitsPerSpike([0, 1, 1, 1, 1, 1], counts, [1, 3, 2])).toThrow(/rates at trial 0, bin 0, neuron 0 must be positive and finite/);
    expect(() => bitsPerSpike(rates, [0, 0, 0, 1, 0, 0], [1, 3, 2], { neurons: [0] })).toThrow(/counts of neuron 0 must be at least one spike/);
  });
});

describe('affine maps and R^2', () => {
  it('matches sklearn LinearRegression + r2_score', () => {
    const { x, y, r2 } = fixture.affineR2;
    expect(r2AfterAffineMap(x, y, { inputDim: 3, outputDim: 2 })).toBeCloseTo(r2, 9);
  });
  it('recovers an exact affine relation', () => {
    const x = Array.from(Generator.fromSeed(1).normalArray(40));
    const y = [];
    for (let i = 0; i < 20; i++) y.push(3 * x[2 * i]! - x[2 * i + 1]! + 0.5);
    const map = fitAffineMap(x, y, { inputDim: 2, outputDim: 1 });
    expect(Array.from(map.weights).map((v) => +v.toFixed(8))).toEqual([3, -1, 0.5]);
    expect(rSquared(applyAffineMap(map, x), y, 1)).toBeCloseTo(1, 10);
  });
});

describe('factorAnalysis', () => {
  it('reaches the maximum likelihood of sklearn FactorAnalysis (same log-likelihood and implied covariance)', () => {
    const { x, dims, factors, meanLogLikelihood, covariance, mean } = fixture.factorAnalysis;
    const fa = factorAnalysis(x, dims, { factors, iterations: 20000, tolerance: 1e-13, rng: Generator.fromSeed(3) });
    const lls = fa.logLikelihoods;
    for (let i = 1; i < lls.length; i++) expect(lls[i]!).toBeGreaterThanOrEqual(lls[i - 1]! - 1e-12);
    // EM creeps along flat ridges: 5e-5 nats per row is the agreement both fits reach.
    expect(lls.at(-1)!).toBeCloseTo(meanLogLikelihood, 4);
    for (let a = 0; a < dims; a++) {
      expect(fa.mean[a]).toBeCloseTo(mean[a], 10);
      for (let b = 0; b < dims; b++) {
        let c = a === b ? fa.noiseVariance[a]! : 0;
        for (let k = 0; k < factors; k++) c += fa.loadings[a * factors + k]! * fa.loadings[b * factors + k]!;
        expect(c).toBeCloseTo(covariance[a * dims + b], 3);
      }
    }
    // Transform and reconstruct: E[f|x] for x = mu gives f = 0 and the reconstruction mu.
    const f = factorAnalysisTransform(fa, fa.mean);
    expect(Array.from(f)).toEqual([0, 0]);
    expect(Array.from(factorAnalysisReconstruct(fa, f))).toEqual(Array.from(fa.mean));
  });
});

describe('Poisson regression and the co-smoothing baseline', () => {
  it('matches sklearn PoissonRegressor (alpha on the weights only)', () => {
    const { x, y, alpha, coef, intercept } = fixture.poissonRegression;
    const model = fitPoissonRegression(x, y, { inputDim: 3, outputDim: 2 }, { alpha });
    for (let j = 0; j < 2; j++) {
      for (let k = 0; k < 3; k++) expect(model.weights[k * 2 + j]).toBeCloseTo(coef[j][k], 6);
      expect(model.weights[3 * 2 + j]).toBeCloseTo(intercept[j], 6);
    }
    const rates = predictPoissonRegression(model, x.slice(0, 3));
    expect(rates[0]).toBeCloseTo(Math.exp(intercept[0] + coef[0][0] * x[0] + coef[0][1] * x[1] + coef[0][2] * x[2]), 6);
  });

  it('smooths with an edge-renormalised Gaussian (a constant stays constant, mass is local)', () => {
    const constant = smoothCounts(new Array(20).fill(2), [1, 10, 2], 1.5);
    constant.forEach((v) => expect(v).toBeCloseTo(2, 12));
    const impulse = new Array(9).fill(0);
    impulse[4] = 1;
    const s = smoothCounts(impulse, [1, 9, 1], 1);
    const w = (d: number) => Math.exp(-0.5 * d * d);
    const total = [-4, -3, -2, -1, 0, 1, 2, 3, 4].reduce((a, d) => a + w(d), 0);
    expect(s[4]).toBeCloseTo(1 / total, 12);
    expect(s[0]).toBeCloseTo(w(4) / [0, 1, 2, 3, 4].reduce((a, d) => a + w(d), 0), 12);
  });

  it('predicts held-out neurons that are copies of held-in ones better than their mean rate', () => {
    const rng = Generator.fromSeed(8);
    const trials = 30;
    const bins = 20;
    const u = rng.uniformArray(trials * bins);
    // Neuron 2 fires with neuron 0: a baseline reading neuron 0 must beat the null model.
    const counts = new Float64Array(trials * bins * 3);
    for (let i = 0; i < trials * bins; i++) {
      const burst = Math.sin(i / 3) > 0 ? 1 : 0;
      counts[i * 3] = burst * (u[i]! > 0.3 ? 2 : 1);
      counts[i * 3 + 1] = u[i]! > 0.5 ? 1 : 0;
      counts[i * 3 + 2] = burst;
    }
    const train = counts.subarray(0, 20 * bins * 3);
    const test = counts.subarray(20 * bins * 3);
    const rates = coSmoothingBaseline({ train, test, trainTrials: 20, testTrials: 10, bins, neurons: 3, heldIn: [0, 1], heldOut: [2], sigma: 0.5 });
    const heldOut = Float64Array.from({ length: 10 * bins }, (_, i) => test[i * 3 + 2]!);
    expect(bitsPerSpike(rates, heldOut, [10, bins, 1])).toBeGreaterThan(0.3);
  });
});
