import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { Beta } from './beta.js';
import type { BetaOptions } from './beta.js';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';

const [fixture] = loadFixture<FixtureCase[]>('beta');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 11 });
});

describe('Beta', () => {
  it('matches torch.distributions.Beta', () => {
    const d = new Beta(fixture!.params as unknown as BetaOptions);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('differentiates logProb and entropy like finite differences', () => {
    const a = tf.tensor([0.5, 1, 2, 5]);
    const b = tf.tensor([0.7, 3, 2, 1.5]);
    const x = tf.tensor([[0.1, 0.3, 0.5, 0.9], [0.8, 0.02, 0.25, 0.6]]);
    const make = (c1: tf.Tensor, c0: tf.Tensor) => new Beta({ concentration1: c1, concentration0: c0, validate: false });
    expectGradientsMatch('logProb', (c1, c0) => make(c1!, c0!).logProb(x).sum(), [a, b]);
    expectGradientsMatch('entropy', (c1, c0) => make(c1!, c0!).entropy().sum(), [a, b]);
    tf.dispose([a, b, x]);
  });

  it('rsample: the average pathwise gradient equals the gradient of the mean a / (a + b)', () => {
    const a = tf.tensor([0.5, 3]);
    const b = tf.tensor([2, 1.5]);
    const [ga, gb] = tf.grads((c1: tf.Tensor, c0: tf.Tensor) =>
      new Beta({ concentration1: c1, concentration0: c0, validate: false }).rsample([20000], { rng: Generator.fromSeed(6) }).mean(0).sum(),
    )([a, b]);
    const [av, bv] = [a.dataSync(), b.dataSync()];
    for (let i = 0; i < 2; i++) {
      const s = av[i]! + bv[i]!;
      expect(Math.abs(ga!.dataSync()[i]! - bv[i]! / (s * s))).toBeLessThan(0.01);
      expect(Math.abs(gb!.dataSync()[i]! + av[i]! / (s * s))).toBeLessThan(0.01);
    }
    tf.dispose([a, b, ga!, gb!]);
  });

  it('samples: moments and chi-square on 1e5 draws', () => {
    const f = sampling['Beta']!;
    const d = new Beta(f.params as unknown as BetaOptions);
    expectSamplesMatch(d, f);
    d.dispose();
  });

  it('validates and leaks nothing', () => {
    expect(() => new Beta({ concentration1: -1, concentration0: 1 })).toThrow('Beta: concentration1 must be positive (> 0) and finite, found -1');
    const d = new Beta({ concentration1: [2, 0.5], concentration0: 3 });
    const bad = tf.tensor([0.5, 1]);
    expect(() => d.logProb(bad)).toThrow('Beta.logProb: value must be in (0, 1), found 1 at index [1]');
    const x = tf.tensor([0.2, 0.7]);
    expectNoLeaks({ logProb: () => d.logProb(x), sample: () => [d.sample([3]), d.rsample([2])], stats: () => [d.entropy(), d.mean(), d.variance(), d.mode()] });
    const m = d.mode();
    expect(Number.isNaN(m.dataSync()[1]!)).toBe(true);
    m.dispose();
    tf.dispose([bad, x]);
    d.dispose();
  });
});
