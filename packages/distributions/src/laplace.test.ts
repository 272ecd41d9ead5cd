import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { Laplace } from './laplace.js';
import type { LaplaceOptions } from './laplace.js';

const [fixture] = loadFixture<FixtureCase[]>('laplace');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 14 });
});

describe('Laplace', () => {
  it('matches torch.distributions.Laplace (logProb, cdf, entropy, mean, variance)', () => {
    const d = new Laplace(fixture!.params as unknown as LaplaceOptions);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('differentiates logProb, entropy and rsample like finite differences', () => {
    const loc = tf.tensor([-1, 0, 2]);
    const scale = tf.tensor([0.5, 1, 3]);
    const x = tf.tensor([[-1.2, 0.5, 7], [1, -3, 2.5]]);
    const make = (l: tf.Tensor, s: tf.Tensor) => new Laplace({ loc: l, scale: s, validate: false });
    expectGradientsMatch('logProb', (l, s) => make(l!, s!).logProb(x).sum(), [loc, scale]);
    expectGradientsMatch('entropy', (s) => make(loc, s!).entropy().sum(), [scale]);
    expectGradientsMatch('rsample', (l, s) => make(l!, s!).rsample([2], { rng: Generator.fromSeed(2) }).sum(), [loc, scale]);
    tf.dispose([loc, scale, x]);
  });

  it('samples: moments and chi-square on 1e5 draws', () => {
    const f = sampling['Laplace']!;
    const d = new Laplace(f.params as unknown as LaplaceOptions);
    expectSamplesMatch(d, f);
    d.dispose();
  });

  it('validates and leaks nothing', () => {
    expect(() => new Laplace({ loc: 0, scale: 0 })).toThrow('Laplace: scale must be positive (> 0) and finite, found 0');
    const d = new Laplace({ loc: 0, scale: [1, 2] });
    const x = tf.tensor([0.2, 0.7]);
    expectNoLeaks({ logProb: () => d.logProb(x), sample: () => d.rsample([2]), stats: () => [d.entropy(), d.mean(), d.variance(), d.mode(), d.cdf(x)] });
    x.dispose();
    d.dispose();
  });
});
