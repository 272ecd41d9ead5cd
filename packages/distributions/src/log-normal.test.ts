import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { LogNormal } from './log-normal.js';
import type { LogNormalOptions } from './log-normal.js';

const [fixture] = loadFixture<FixtureCase[]>('log-normal');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 13 });
});

describe('LogNormal', () => {
  it('matches torch.distributions.LogNormal (logProb, cdf, entropy, mean, variance)', () => {
    const d = new LogNormal(fixture!.params as unknown as LogNormalOptions);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('differentiates logProb, entropy and rsample like finite differences', () => {
    const loc = tf.tensor([-1, 0, 0.5]);
    const scale = tf.tensor([0.5, 1, 0.7]);
    const x = tf.tensor([[0.3, 1, 2], [0.5, 4, 1.5]]);
    const make = (l: tf.Tensor, s: tf.Tensor) => new LogNormal({ loc: l, scale: s, validate: false });
    expectGradientsMatch('logProb', (l, s) => make(l!, s!).logProb(x).sum(), [loc, scale]);
    expectGradientsMatch('entropy', (l, s) => make(l!, s!).entropy().sum(), [loc, scale]);
    expectGradientsMatch('rsample', (l, s) => make(l!, s!).rsample([2], { rng: Generator.fromSeed(2) }).sum(), [loc, scale]);
    tf.dispose([loc, scale, x]);
  });

  it('samples: moments and chi-square on 1e5 draws', () => {
    const f = sampling['LogNormal']!;
    const d = new LogNormal(f.params as unknown as LogNormalOptions);
    expectSamplesMatch(d, f);
    d.dispose();
  });

  it('validates and leaks nothing', () => {
    const d = new LogNormal({ loc: 0, scale: [1, 2] });
    const bad = tf.tensor([0, 1]);
    expect(() => d.logProb(bad)).toThrow('LogNormal.logProb: value must be positive (> 0), found 0 at index [0]');
    const x = tf.tensor([0.2, 0.7]);
    expectNoLeaks({ logProb: () => d.logProb(x), sample: () => d.rsample([2]), stats: () => [d.entropy(), d.mean(), d.variance(), d.mode(), d.cdf(x)] });
    tf.dispose([bad, x]);
    d.dispose();
  });
});
