import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { RelaxedBernoulli } from './relaxed-bernoulli.js';
import type { RelaxedBernoulliOptions } from './relaxed-bernoulli.js';

const [fixture] = loadFixture<FixtureCase[]>('relaxed-bernoulli');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 21 });
});

describe('RelaxedBernoulli', () => {
  it('matches torch RelaxedBernoulli logProb', () => {
    const d = new RelaxedBernoulli(fixture!.params as unknown as RelaxedBernoulliOptions);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('differentiates logProb and rsample in temperature and logits like finite differences', () => {
    const t = tf.tensor([0.5, 1, 2]);
    const logits = tf.tensor([-1, 0.3, 2]);
    const y = tf.tensor([[0.1, 0.5, 0.9], [0.7, 0.2, 0.6]]);
    const make = (a: tf.Tensor, b: tf.Tensor) => new RelaxedBernoulli({ temperature: a, logits: b, validate: false });
    expectGradientsMatch('logProb', (a, b) => make(a!, b!).logProb(y).sum(), [t, logits]);
    expectGradientsMatch('rsample', (a, b) => make(a!, b!).rsample([2], { rng: Generator.fromSeed(5) }).sum(), [t, logits]);
    tf.dispose([t, logits, y]);
  });

  it('samples: chi-square on 1e5 draws against the logistic-transform CDF', () => {
    const f = sampling['RelaxedBernoulli']!;
    const d = new RelaxedBernoulli(f.params as unknown as RelaxedBernoulliOptions);
    expectSamplesMatch(d, f, { moments: false });
    d.dispose();
  });

  it('validates and leaks nothing', () => {
    expect(() => new RelaxedBernoulli({ temperature: 0, logits: 0 })).toThrow('RelaxedBernoulli: temperature must be positive (> 0) and finite, found 0');
    const d = new RelaxedBernoulli({ temperature: 0.5, probs: [0.2, 0.9] });
    const y = tf.tensor([0.3, 0.8]);
    expectNoLeaks({ logProb: () => d.logProb(y), sample: () => [d.sample([3]), d.rsample([2])], params: () => [d.probs(), d.logits()] });
    y.dispose();
    d.dispose();
  });
});
