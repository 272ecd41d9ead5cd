import * as tf from '@tensorflow/tfjs';
import { testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { NegativeBinomial } from './negative-binomial.js';
import type { NegativeBinomialOptions } from './negative-binomial.js';

const cases = loadFixture<FixtureCase[]>('negative-binomial');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 19 });
});

describe('NegativeBinomial', () => {
  it('matches torch (logits) and SciPy nbinom (probs, 0 included)', () => {
    for (const c of cases) {
      const d = new NegativeBinomial(c.params as unknown as NegativeBinomialOptions);
      checkCase(d, c);
      d.dispose();
    }
  });

  it('differentiates logProb in totalCount and logits like finite differences', () => {
    const r = tf.tensor([0.5, 2, 5, 20]);
    const logits = tf.tensor([-2, 0, 1.5, -0.5]);
    const k = tf.tensor([[0, 1, 7, 12], [3, 0, 20, 5]]);
    expectGradientsMatch('logProb', (a, b) => new NegativeBinomial({ totalCount: a!, logits: b!, validate: false }).logProb(k).sum(), [r, logits], { step: 1e-2 });
    tf.dispose([r, logits, k]);
  });

  it('samples Poisson(Gamma) counts: moments and chi-square on 1e5 draws', () => {
    const f = sampling['NegativeBinomial']!;
    const d = new NegativeBinomial(f.params as unknown as NegativeBinomialOptions);
    expectSamplesMatch(d, f);
    d.dispose();
  });

  it('validates and leaks nothing', () => {
    expect(() => new NegativeBinomial({ totalCount: 2, probs: 1 })).toThrow('NegativeBinomial: probs must be in [0, 1), found 1');
    expect(() => new NegativeBinomial({ totalCount: 0, logits: 0 })).toThrow('NegativeBinomial: totalCount must be positive (> 0) and finite, found 0');
    const d = new NegativeBinomial({ totalCount: 3, logits: [0, 1] });
    const k = tf.tensor([2, 5]);
    expectNoLeaks({ logProb: () => d.logProb(k), sample: () => d.sample([3]), stats: () => [d.mean(), d.variance(), d.mode(), d.probs(), d.logits()] });
    k.dispose();
    d.dispose();
  });
});
