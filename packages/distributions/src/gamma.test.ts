import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expectClose, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { Gamma } from './gamma.js';
import type { GammaOptions } from './gamma.js';
import { standardGammaAlphaGradient } from './gamma-reparam.js';

const [fixture] = loadFixture<Array<FixtureCase & { mode: number[] }>>('gamma');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');
const special = loadFixture<{ gammaImplicit: Array<[number, number, number]> }>('special');

beforeAll(async () => {
  await testing.initForTests({ seed: 10 });
});

describe('Gamma', () => {
  it('matches torch.distributions.Gamma (logProb, entropy, mean, variance) and the mode formula', () => {
    const d = new Gamma(fixture!.params as unknown as GammaOptions);
    checkCase(d, fixture!);
    expectClose('mode', d.mode(), fixture!.mode);
    d.dispose();
  });

  it('differentiates logProb and entropy in both parameters like finite differences', () => {
    const a = tf.tensor([0.8, 1, 2.5, 10]);
    const b = tf.tensor([0.5, 1, 2, 4]);
    const x = tf.tensor([[0.2, 1.5, 0.8, 2.5], [3, 0.5, 2.2, 1.9]]);
    const make = (c: tf.Tensor, r: tf.Tensor) => new Gamma({ concentration: c, rate: r, validate: false });
    expectGradientsMatch('logProb', (c, r) => make(c!, r!).logProb(x).sum(), [a, b]);
    expectGradientsMatch('entropy', (c, r) => make(c!, r!).entropy().sum(), [a, b]);
    tf.dispose([a, b, x]);
  });

  it('rsample: dz/dalpha at a fixed quantile matches SciPy (gammaincinv differences); the rate gradient is pathwise', () => {
    for (const [alpha, z, expected] of special.gammaImplicit) {
      expect(Math.abs(standardGammaAlphaGradient(alpha, z) - expected) / Math.max(Math.abs(expected), 1), `alpha ${alpha}, z ${z}`).toBeLessThan(1e-5);
    }
    const b = tf.tensor([1, 2, 0.5, 1]);
    expectGradientsMatch('rate', (r) => new Gamma({ concentration: [0.4, 1.3, 3, 12], rate: r!, validate: false }).rsample([3], { rng: Generator.fromSeed(21) }).sum(), [b], { step: 1e-3 });
    b.dispose();
  });

  it('rsample: the average pathwise gradient of the draws is d E[x] / d alpha = 1 / rate', () => {
    const a = tf.tensor([0.3, 2]);
    const g = tf.grad((c) => new Gamma({ concentration: c, rate: 2, validate: false }).rsample([20000], { rng: Generator.fromSeed(4) }).mean(0).sum())(a);
    const v = g.dataSync();
    // Monte Carlo error of the mean gradient is below 1%.
    v.forEach((x) => expect(Math.abs(x - 0.5)).toBeLessThan(0.02));
    g.dispose();
    a.dispose();
  });

  it('samples (alpha < 1 and > 1): moments and chi-square on 1e5 draws', () => {
    for (const key of ['Gamma small', 'Gamma']) {
      const f = sampling[key]!;
      const d = new Gamma(f.params as unknown as GammaOptions);
      expectSamplesMatch(d, f);
      d.dispose();
    }
  });

  it('validates and leaks nothing', () => {
    expect(() => new Gamma({ concentration: [1, 0], rate: 1 })).toThrow('Gamma: concentration must be positive (> 0) and finite, found 0 at index [1]');
    const d = new Gamma({ concentration: 2, rate: [1, 3] });
    const bad = tf.tensor([1, -1]);
    expect(() => d.logProb(bad)).toThrow('Gamma.logProb: value must be positive (> 0), found -1 at index [1]');
    const x = tf.tensor([1, 2]);
    const c = tf.tensor([2, 3]);
    expectNoLeaks({
      logProb: () => d.logProb(x),
      sample: () => [d.sample([3]), d.rsample([2])],
      stats: () => [d.entropy(), d.mean(), d.variance(), d.mode()],
      grad: () => tf.grad((t) => new Gamma({ concentration: t, rate: 1, validate: false }).rsample([2]).sum())(c),
    });
    tf.dispose([bad, x, c]);
    d.dispose();
  });
});
