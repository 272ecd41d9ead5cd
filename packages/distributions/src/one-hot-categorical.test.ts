import * as tf from '@tensorflow/tfjs';
import { testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { OneHotCategorical } from './one-hot-categorical.js';
import type { CategoricalOptions } from './categorical.js';

const [fixture] = loadFixture<FixtureCase[]>('one-hot-categorical');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 20 });
});

describe('OneHotCategorical', () => {
  it('matches torch OneHotCategorical; batch [2], event [4]', () => {
    const d = new OneHotCategorical(fixture!.params as unknown as CategoricalOptions);
    expect(d.eventShape).toEqual([4]);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('differentiates logProb like finite differences', () => {
    const logits = tf.tensor([[1, 2, 3, 0.5], [0, -1, 4, 1]]);
    const x = tf.tensor([[1, 0, 0, 0], [0, 0, 1, 0]]);
    expectGradientsMatch('logProb', (l) => new OneHotCategorical({ logits: l!, validate: false }).logProb(x).sum(), [logits]);
    tf.dispose([logits, x]);
  });

  it('samples one-hot vectors with the class frequencies (chi-square on 1e5 draws) and their moments', () => {
    const f = sampling['OneHotCategorical']!;
    const d = new OneHotCategorical(f.params as unknown as CategoricalOptions);
    expectSamplesMatch(d, f);
    d.dispose();
  });

  it('validates one-hot values and leaks nothing', () => {
    const d = new OneHotCategorical({ probs: [0.2, 0.8] });
    const bad = tf.tensor([1, 1]);
    expect(() => d.logProb(bad)).toThrow('OneHotCategorical.logProb: value must be one-hot along the last axis (0s and a single 1), found a row with 2 ones at index [0]');
    const x = tf.tensor([0, 1]);
    expectNoLeaks({ logProb: () => d.logProb(x), sample: () => d.sample([3]), stats: () => [d.entropy(), d.mean(), d.variance(), d.mode(), d.probs()] });
    tf.dispose([bad, x]);
    d.dispose();
  });
});
