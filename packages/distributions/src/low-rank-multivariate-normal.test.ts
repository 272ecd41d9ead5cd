import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { LowRankMultivariateNormal } from './low-rank-multivariate-normal.js';
import type { LowRankMultivariateNormalOptions } from './low-rank-multivariate-normal.js';

const [fixture] = loadFixture<FixtureCase[]>('low-rank-multivariate-normal');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 18 });
});

describe('LowRankMultivariateNormal', () => {
  it('matches torch LowRankMultivariateNormal; batch [2], event [4], rank 2', () => {
    const d = new LowRankMultivariateNormal(fixture!.params as unknown as LowRankMultivariateNormalOptions);
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([4]);
    expect(d.rank).toBe(2);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('differentiates logProb and rsample in all parameters like finite differences', () => {
    const { loc, covFactor, covDiag } = fixture!.params as { loc: number[][]; covFactor: number[][][]; covDiag: number[][] };
    const [m, w, dg] = [tf.tensor(loc), tf.tensor(covFactor), tf.tensor(covDiag)];
    const x = tf.tensor([[0, -1.2, 1, 0.3], [0.1, 0.2, -0.3, 1]]);
    const make = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => new LowRankMultivariateNormal({ loc: a, covFactor: b, covDiag: c, validate: false });
    expectGradientsMatch('logProb', (a, b, c) => make(a!, b!, c!).logProb(x).sum(), [m, w, dg], { step: 1e-3, tolerance: 1e-2 });
    expectGradientsMatch('rsample', (a, b, c) => make(a!, b!, c!).rsample([2], { rng: Generator.fromSeed(2) }).sum(), [m, w, dg]);
    tf.dispose([m, w, dg, x]);
  });

  it('samples: coordinate moments and chi-square of a projection on 1e5 draws', () => {
    const f = sampling['LowRankMultivariateNormal']!;
    const d = new LowRankMultivariateNormal(f.params as unknown as LowRankMultivariateNormalOptions);
    expectSamplesMatch(d, f);
    d.dispose();
  });

  it('validates and leaks nothing', () => {
    expect(() => new LowRankMultivariateNormal({ loc: [0, 0], covFactor: [[1], [0]], covDiag: [1, 0] })).toThrow(
      'LowRankMultivariateNormal: covDiag must be positive (> 0) and finite, found 0 at index [1]',
    );
    expect(() => new LowRankMultivariateNormal({ loc: [0, 0], covFactor: [[1], [0], [2]], covDiag: [1, 1] })).toThrow(
      'LowRankMultivariateNormal: the shapes of covFactor and covDiag must be [..., 2, R] and [..., 2] (D from loc), found [3, 1] and [2]',
    );
    const d = new LowRankMultivariateNormal({ loc: [0, 1], covFactor: [[1], [0.5]], covDiag: [1, 2] });
    const x = tf.tensor([0.5, 1]);
    expectNoLeaks({ logProb: () => d.logProb(x), sample: () => d.rsample([2]), stats: () => [d.entropy(), d.mean(), d.variance(), d.covariance()] });
    x.dispose();
    d.dispose();
  });
});
