import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dirichlet } from './dirichlet.js';
import type { DirichletOptions } from './dirichlet.js';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';

const [fixture] = loadFixture<FixtureCase[]>('dirichlet');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 12 });
});

describe('Dirichlet', () => {
  it('matches torch.distributions.Dirichlet; batch [2], event [3]', () => {
    const d = new Dirichlet(fixture!.params as unknown as DirichletOptions);
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('differentiates logProb and entropy like finite differences', () => {
    const a = tf.tensor([[0.5, 1, 2], [3, 4, 1.5]]);
    const x = tf.tensor([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]]);
    expectGradientsMatch('logProb', (c) => new Dirichlet({ concentration: c!, validate: false }).logProb(x).sum(), [a]);
    expectGradientsMatch('entropy', (c) => new Dirichlet({ concentration: c!, validate: false }).entropy().sum(), [a]);
    tf.dispose([a, x]);
  });

  it('rsample: the average pathwise gradient equals that of the mean alpha / sum(alpha)', () => {
    const a = tf.tensor([2, 1.5, 3]);
    const g = tf.grad((c) => tf.mul(new Dirichlet({ concentration: c, validate: false }).rsample([20000], { rng: Generator.fromSeed(3) }).mean(0), tf.tensor([1, 0, 0])).sum())(a);
    // d (a0 / s) / d a = (s - a0) / s^2 for a0, -a0 / s^2 for the others.
    const s = 6.5;
    const expected = [(s - 2) / (s * s), -2 / (s * s), -2 / (s * s)];
    g.dataSync().forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(0.005));
    tf.dispose([a, g]);
  });

  it('samples on the simplex: moments per coordinate and chi-square of the Beta marginal on 1e5 draws', () => {
    const f = sampling['Dirichlet']!;
    const d = new Dirichlet(f.params as unknown as DirichletOptions);
    expectSamplesMatch(d, f);
    d.dispose();
  });

  it('validates and leaks nothing', () => {
    expect(() => new Dirichlet({ concentration: [1, 0] })).toThrow('Dirichlet: concentration must be positive (> 0) and finite, found 0 at index [1]');
    const d = new Dirichlet({ concentration: [2, 1, 3] });
    const bad = tf.tensor([0.5, 0.6, 0.1]);
    expect(() => d.logProb(bad)).toThrow('Dirichlet.logProb: value must be on the simplex');
    const x = tf.tensor([0.2, 0.3, 0.5]);
    expectNoLeaks({ logProb: () => d.logProb(x), sample: () => [d.sample([3]), d.rsample([2])], stats: () => [d.entropy(), d.mean(), d.variance(), d.mode()] });
    tf.dispose([bad, x]);
    d.dispose();
  });
});
