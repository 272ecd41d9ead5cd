import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { Uniform } from './uniform.js';
import type { UniformOptions } from './uniform.js';

const [fixture] = loadFixture<FixtureCase[]>('uniform');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 16 });
});

describe('Uniform', () => {
  it('matches torch.distributions.Uniform (logProb, cdf, entropy, mean, variance)', () => {
    const d = new Uniform(fixture!.params as unknown as UniformOptions);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('differentiates logProb, entropy and rsample like finite differences', () => {
    const low = tf.tensor([-1, 0, 2]);
    const high = tf.tensor([1, 0.5, 10]);
    const x = tf.tensor([0, 0.25, 3]);
    const make = (l: tf.Tensor, h: tf.Tensor) => new Uniform({ low: l, high: h, validate: false });
    expectGradientsMatch('logProb', (l, h) => make(l!, h!).logProb(x).sum(), [low, high]);
    expectGradientsMatch('rsample', (l, h) => make(l!, h!).rsample([2], { rng: Generator.fromSeed(2) }).sum(), [low, high]);
    tf.dispose([low, high, x]);
  });

  it('samples: moments and chi-square on 1e5 draws', () => {
    const f = sampling['Uniform']!;
    const d = new Uniform(f.params as unknown as UniformOptions);
    expectSamplesMatch(d, f);
    d.dispose();
  });

  it('validates low < high and values in the support; -Infinity outside without validation; leaks nothing', () => {
    expect(() => new Uniform({ low: [0, 1], high: [1, 1] })).toThrow('Uniform: high must be greater than low, found high - low = 0 at index [1]');
    const d = new Uniform({ low: 0, high: [1, 2] });
    const bad = tf.tensor([0.5, 3]);
    expect(() => d.logProb(bad)).toThrow('Uniform.logProb: value must be in [low, high], found 3 outside [0, 2] at index [1]');
    const loose = new Uniform({ low: 0, high: [1, 2], validate: false });
    const lp = loose.logProb(bad);
    expect(lp.dataSync()[1]).toBe(-Infinity);
    lp.dispose();
    const x = tf.tensor([0.2, 0.7]);
    expectNoLeaks({ logProb: () => d.logProb(x), sample: () => d.rsample([2]), stats: () => [d.entropy(), d.mean(), d.variance(), d.cdf(x)] });
    expect(() => d.mode()).toThrow('Uniform.mode: not available for Uniform');
    tf.dispose([bad, x]);
    d.dispose();
    loose.dispose();
  });
});
