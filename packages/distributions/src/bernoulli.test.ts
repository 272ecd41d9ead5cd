import * as tf from '@tensorflow/tfjs';
import { testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bernoulli } from './bernoulli.js';
import type { BernoulliOptions } from './bernoulli.js';
import { RsampleNotAvailableError } from './errors.js';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';

const cases = loadFixture<FixtureCase[]>('bernoulli');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 4 });
});

describe('Bernoulli', () => {
  it('matches torch (logits +/-40 included) and SciPy (probs 0 and 1 included)', () => {
    for (const c of cases) {
      const d = new Bernoulli(c.params as unknown as BernoulliOptions);
      checkCase(d, c);
      d.dispose();
    }
  });

  it('has finite gradients equal to finite differences for logits +/-40 and probs in (0, 1)', () => {
    const logits = tf.tensor([-40, -3, 0, 2.5, 40]);
    const x = tf.tensor([[0, 1, 0, 1, 0], [1, 0, 1, 0, 1]]);
    expectGradientsMatch('logits', (l) => new Bernoulli({ logits: l!, validate: false }).logProb(x).sum(), [logits]);
    const probs = tf.tensor([0.1, 0.2, 0.5, 0.9, 0.95]);
    expectGradientsMatch('probs', (p) => new Bernoulli({ probs: p!, validate: false }).logProb(x).sum(), [probs], { step: 1e-3 });
    expectGradientsMatch('entropy', (l) => new Bernoulli({ logits: l!, validate: false }).entropy().sum(), [logits]);
    tf.dispose([logits, x, probs]);
  });

  it('gives finite gradients at probs 0 and 1 where the log-probability is finite', () => {
    const probs = tf.tensor([0, 1]);
    const x = tf.tensor([0, 1]);
    const g = tf.grad((p) => new Bernoulli({ probs: p, validate: false }).logProb(x).sum())(probs);
    expect(Array.from(g.dataSync())).toEqual([-1, 1]);
    tf.dispose([probs, x, g]);
  });

  it('samples: moments and chi-square on 1e5 draws; no rsample', () => {
    const f = sampling['Bernoulli']!;
    const d = new Bernoulli(f.params as unknown as BernoulliOptions);
    expectSamplesMatch(d, f);
    expect(() => d.rsample()).toThrow(RsampleNotAvailableError);
    expect(() => d.rsample()).toThrow('Bernoulli.rsample: Bernoulli has no reparameterised sampler');
    d.dispose();
  });

  it('validates probs, the choice of parameter, and values; leaks nothing', () => {
    expect(() => new Bernoulli({ probs: [0.5, 1.5] })).toThrow('Bernoulli: probs must be in [0, 1], found 1.5 at index [1]');
    expect(() => new Bernoulli({ probs: 0.5, logits: 0 } as never)).toThrow('Bernoulli: options must be exactly one of logits or probs, found both');
    expect(() => new Bernoulli({} as never)).toThrow('Bernoulli: options must be exactly one of logits or probs, found neither');
    const d = new Bernoulli({ logits: [0, 1] });
    const bad = tf.tensor([0.5, 1]);
    expect(() => d.logProb(bad)).toThrow('Bernoulli.logProb: value must be 0 or 1, found 0.5 at index [0]');
    const x = tf.tensor([0, 1]);
    expectNoLeaks({
      logProb: () => d.logProb(x),
      sample: () => d.sample([3]),
      stats: () => [d.entropy(), d.mean(), d.variance(), d.mode(), d.logits(), d.probs()],
      probs: () => {
        const e = new Bernoulli({ probs: [0, 0.3] });
        const out = [e.logProb(x), e.entropy(), e.logits(), e.sample([2])];
        e.dispose();
        return out;
      },
    });
    tf.dispose([bad, x]);
    d.dispose();
  });
});
