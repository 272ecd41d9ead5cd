import { describe, expect, it } from 'vitest';
import { gaussianLogDensity, identity } from './linalg.js';
import { ppcaExactElbo, ppcaLogMarginal, ppcaPosterior, type Ppca } from './ppca.js';

describe('the PPCA oracle', () => {
  const model: Ppca = {
    w: [
      [1, 0.5],
      [-0.3, 2],
      [0.7, -0.4],
    ],
    mu: [0.2, -0.1, 0.4],
    noise: 0.6,
  };
  const x = [1.1, -0.8, 0.3];

  it('satisfies Bayes: log p(x) = log p(x|z) + log p(z) - log p(z|x) at any z', () => {
    const post = ppcaPosterior(model, x);
    for (const z of [
      [0.3, -0.2],
      [-1.5, 2],
    ]) {
      const fitted = model.w.map((row, i) => row[0]! * z[0]! + row[1]! * z[1]! + model.mu[i]!);
      const joint =
        gaussianLogDensity(x, fitted, identity(3).map((r) => r.map((v) => v * 0.36))) +
        gaussianLogDensity(z, [0, 0], identity(2));
      expect(joint - gaussianLogDensity(z, post.mean, post.cov)).toBeCloseTo(ppcaLogMarginal(model, x), 10);
    }
  });

  it('has an exact ELBO equal to log p(x) at the posterior and below it elsewhere', () => {
    const post = ppcaPosterior(model, x);
    expect(ppcaExactElbo(model, x, post).elbo).toBeCloseTo(ppcaLogMarginal(model, x), 10);
    const other = { mean: [0, 0], cov: identity(2) };
    expect(ppcaExactElbo(model, x, other).elbo).toBeLessThan(ppcaLogMarginal(model, x) - 0.1);
  });
});
