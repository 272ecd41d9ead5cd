import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { MixtureOfDiagonalGaussians } from './mixture-prior.js';
import { priorModule, resolvePrior } from './priors.js';

const logits = [0.5, -1, 0.2];
const means = [
  [-2, 0],
  [0, 3],
  [2.5, -1],
];
const logScales = [
  [0, -0.5],
  [0.3, 0],
  [-1, 0.2],
];

// log sum_k pi_k prod_d N(z_d; mu_kd, s_kd^2) in float64.
function referenceLogProb(z: number[]): number {
  const maxLogit = Math.max(...logits);
  const logNorm = maxLogit + Math.log(logits.reduce((s, l) => s + Math.exp(l - maxLogit), 0));
  const terms = logits.map((l, k) => {
    let lp = l - logNorm;
    z.forEach((v, d) => {
      const s = Math.exp(logScales[k]![d]!);
      lp += -0.5 * ((v - means[k]![d]!) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
    });
    return lp;
  });
  const m = Math.max(...terms);
  return m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0));
}

describe('MixtureOfDiagonalGaussians', () => {
  let params: { logits: tf.Tensor; means: tf.Tensor; logScales: tf.Tensor };
  beforeAll(async () => {
    await testing.initForTests({ seed: 3 });
    params = { logits: tf.tensor(logits), means: tf.tensor(means), logScales: tf.tensor(logScales) };
  });

  it('computes log p(z) for any leading shape (rel. 1e-5)', () => {
    const points = [
      [0, 0],
      [-2, 0.1],
      [3, -1],
      [10, 10],
      [0.5, 2.5],
      [-1, -1],
    ];
    const z = tf.tensor(points.flat(), [2, 3, 2]);
    const prior = new MixtureOfDiagonalGaussians(params);
    expect(prior.eventShape).toEqual([2]);
    const lp = prior.logProb(z);
    expect(lp.shape).toEqual([2, 3]);
    expect(testing.maxRelativeError(lp.dataSync(), points.map(referenceLogProb))).toBeLessThan(1e-5);
    expect(testing.tensorsLeftBehind(() => prior.logProb(z))).toBe(0);
    tf.dispose([z, lp]);
  });

  it('draws components with the mixing weights and the right component moments', () => {
    // Components 40 scales apart in the first coordinate: each draw's component is unambiguous.
    const separated = new MixtureOfDiagonalGaussians({ ...params, means: tf.tensor([[-40, 0], [0, 3], [40, -1]]) });
    const n = 20000;
    const draws = separated.sample([n], { rng: Generator.fromSeed(8) });
    expect(draws.shape).toEqual([n, 2]);
    const values = draws.arraySync() as number[][];
    tf.dispose([draws, separated.means]);
    const groups: number[][][] = [[], [], []];
    for (const v of values) groups[v[0]! < -20 ? 0 : v[0]! < 20 ? 1 : 2]!.push(v);
    const weights = logits.map(Math.exp);
    const total = weights.reduce((s, w) => s + w, 0);
    groups.forEach((g, k) => {
      const p = weights[k]! / total;
      // Binomial standard error of the fraction is <= 0.0035; allow 4 of them.
      expect(Math.abs(g.length / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
      const second = g.map((v) => v[1]!);
      const { mean, variance } = testing.meanAndVariance(second);
      const sd = Math.exp(logScales[k]![1]!);
      expect(Math.abs(mean - [0, 3, -1][k]!)).toBeLessThan((4 * sd) / Math.sqrt(g.length));
      expect(Math.abs(Math.sqrt(variance) / sd - 1)).toBeLessThan(0.05);
    });
  });

  it('differentiates log p(z) with respect to its parameters (finite differences, rel. 2e-2)', () => {
    const z = tf.tensor([[0.3, 1.2]]);
    const f = (m: tf.Tensor): tf.Tensor => new MixtureOfDiagonalGaussians({ ...params, means: m }).logProb(z).sum();
    const analytic = tf.grad(f)(params.means);
    const numeric = testing.finiteDifferenceGradient(f, params.means, 1e-2);
    expect(testing.maxRelativeError(analytic.dataSync(), numeric, 1e-2)).toBeLessThan(2e-2);
    tf.dispose([z, analytic]);
  });
});

describe('priors', () => {
  it('resolves names and objects, and rejects the rest', () => {
    expect(resolvePrior(undefined, 't')).toEqual({ type: 'standardNormal' });
    expect(resolvePrior('mixture', 't')).toEqual({ type: 'mixture', components: 10 });
    expect(resolvePrior({ type: 'mixture', components: 4 }, 't')).toEqual({ type: 'mixture', components: 4 });
    expect(() => resolvePrior({ type: 'mixture', components: 0 }, 'new VAE')).toThrow(/new VAE: prior.components must be a positive integer, found 0/);
    expect(() => resolvePrior('vamp' as never, 'new VAE')).toThrow(/prior must be 'standardNormal' or/);
  });

  it('the mixture prior owns K x D learnable means and scales', () => {
    const prior = priorModule({ type: 'mixture', components: 4 }, 3, Generator.fromSeed(1));
    expect(Object.fromEntries(Object.entries(prior.variables).map(([k, v]) => [k, v.shape]))).toEqual({ logits: [4], means: [4, 3], logScales: [4, 3] });
    const d = tf.tidy(() => prior.distribution().eventShape);
    expect(d).toEqual([3]);
    prior.dispose();
  });
});
