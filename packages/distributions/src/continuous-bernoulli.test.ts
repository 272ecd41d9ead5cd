import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContinuousBernoulli } from './continuous-bernoulli.js';
import type { ContinuousBernoulliOptions } from './continuous-bernoulli.js';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';

const [fixture] = loadFixture<FixtureCase[]>('continuous-bernoulli');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 5 });
});

describe('ContinuousBernoulli', () => {
  it('matches mpmath (50 digits) for logits from -40 to 40, 0 and 1e-3 included', () => {
    const d = new ContinuousBernoulli(fixture!.params as unknown as ContinuousBernoulliOptions);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('agrees between the logits and probs parameterisations', () => {
    const a = new ContinuousBernoulli({ logits: [-1, 0.5] });
    const b = new ContinuousBernoulli({ probs: [1 / (1 + Math.E), 1 / (1 + Math.exp(-0.5))] });
    const x = tf.tensor([0.2, 0.7]);
    const [la, lb] = [a.logProb(x), b.logProb(x)];
    expect(testing.maxRelativeError(la.dataSync(), lb.dataSync())).toBeLessThan(1e-5);
    tf.dispose([la, lb, x]);
    a.dispose();
    b.dispose();
  });

  it('differentiates logProb, mean, variance, entropy and rsample like finite differences, across the series switch points', () => {
    const logits = tf.tensor([-5, -1.9, -0.3, 0.2, 0.7, 2.1, 6]);
    const x = tf.tensor([0.1, 0.5, 0.9, 0.3, 0.25, 0.8, 0.6]);
    const make = (l: tf.Tensor) => new ContinuousBernoulli({ logits: l, validate: false });
    expectGradientsMatch('logProb', (l) => make(l!).logProb(x).sum(), [logits]);
    expectGradientsMatch('mean', (l) => make(l!).mean().sum(), [logits]);
    expectGradientsMatch('variance', (l) => tf.mul(make(l!).variance(), 100).sum(), [logits]);
    expectGradientsMatch('entropy', (l) => make(l!).entropy().sum(), [logits]);
    expectGradientsMatch('rsample', (l) => make(l!).rsample([3], { rng: Generator.fromSeed(8) }).sum(), [logits]);
    const probs = tf.tensor([0.1, 0.3, 0.45, 0.55, 0.7, 0.8, 0.9]);
    expectGradientsMatch('logProb (probs)', (p) => new ContinuousBernoulli({ probs: p!, validate: false }).logProb(x).sum(), [probs], { step: 1e-3 });
    probs.dispose();
    tf.dispose([logits, x]);
  });

  it('samples by inverse CDF: moments and chi-square on 1e5 draws', () => {
    const f = sampling['ContinuousBernoulli']!;
    const d = new ContinuousBernoulli(f.params as unknown as ContinuousBernoulliOptions);
    expectSamplesMatch(d, f);
    d.dispose();
  });

  it('stays in [0, 1] and finite for logits of +/-40 and 0', () => {
    const d = new ContinuousBernoulli({ logits: [-40, 0, 40] });
    const s = d.rsample([1000], { rng: Generator.fromSeed(1) });
    const v = s.dataSync();
    expect(v.every((y) => y >= 0 && y <= 1)).toBe(true);
    const g = tf.grad((l) => new ContinuousBernoulli({ logits: l, validate: false }).rsample([10]).sum())(tf.tensor([-40, 0, 40]));
    expect(g.dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([s, g]);
    d.dispose();
  });

  it('validates and leaks nothing', () => {
    expect(() => new ContinuousBernoulli({ probs: [0.5, 1] })).toThrow('ContinuousBernoulli: probs must be in (0, 1), found 1 at index [1]');
    const d = new ContinuousBernoulli({ probs: [0.2, 0.5] });
    const bad = tf.tensor([0.5, 1.5]);
    expect(() => d.logProb(bad)).toThrow('ContinuousBernoulli.logProb: value must be in [0, 1], found 1.5 at index [1]');
    const x = tf.tensor([0.5, 1]);
    expectNoLeaks({
      logProb: () => d.logProb(x),
      sample: () => [d.sample([3]), d.rsample([2])],
      stats: () => [d.entropy(), d.mean(), d.variance(), d.mode(), d.cdf(x), d.logits(), d.probs(), d.logNormalizer()],
    });
    tf.dispose([bad, x]);
    d.dispose();
  });
});
