import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { RelaxedOneHotCategorical } from './relaxed-one-hot-categorical.js';
import type { RelaxedOneHotCategoricalOptions } from './relaxed-one-hot-categorical.js';

const [fixture] = loadFixture<FixtureCase[]>('relaxed-one-hot-categorical');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 22 });
});

function argmaxStatistic(draws: tf.Tensor): Float64Array {
  const k = draws.shape[draws.rank - 1]!;
  const v = draws.dataSync();
  const out = new Float64Array(v.length / k);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (v[i * k + j]! > v[i * k + best]!) best = j;
    out[i] = best;
  }
  return out;
}

describe('RelaxedOneHotCategorical', () => {
  it('matches torch RelaxedOneHotCategorical logProb, a temperature per batch element', () => {
    const d = new RelaxedOneHotCategorical(fixture!.params as unknown as RelaxedOneHotCategoricalOptions);
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('differentiates logProb and rsample like finite differences', () => {
    const t = tf.tensor([0.5, 2]);
    const logits = tf.tensor([[1, 2, 0.5], [0, -1, 1]]);
    const y = tf.tensor([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]]);
    const make = (a: tf.Tensor, b: tf.Tensor) => new RelaxedOneHotCategorical({ temperature: a, logits: b, validate: false });
    expectGradientsMatch('logProb', (a, b) => make(a!, b!).logProb(y).sum(), [t, logits]);
    const weights = tf.tensor([1, -2, 0.5]);
    expectGradientsMatch('rsample', (a, b) => tf.mul(make(a!, b!).rsample([2], { rng: Generator.fromSeed(5) }), weights).sum(), [t, logits]);
    tf.dispose([t, logits, y, weights]);
  });

  it('samples on the simplex whose argmax is Categorical(softmax(logits)): chi-square on 1e5 draws', () => {
    const f = sampling['RelaxedOneHotCategorical']!;
    const d = new RelaxedOneHotCategorical(f.params as unknown as RelaxedOneHotCategoricalOptions);
    expectSamplesMatch(d, f, { moments: false, statistic: argmaxStatistic });
    d.dispose();
  });

  it('validates and leaks nothing', () => {
    const d = new RelaxedOneHotCategorical({ temperature: 0.5, probs: [0.2, 0.3, 0.5] });
    const bad = tf.tensor([0.5, 0.6, 0.1]);
    expect(() => d.logProb(bad)).toThrow('RelaxedOneHotCategorical.logProb: value must be on the simplex');
    const y = tf.tensor([0.3, 0.3, 0.4]);
    expectNoLeaks({ logProb: () => d.logProb(y), sample: () => [d.sample([3]), d.rsample([2])], params: () => [d.probs(), d.logits()] });
    tf.dispose([bad, y]);
    d.dispose();
  });
});
