import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';
import type { MultivariateNormalTriLOptions } from './multivariate-normal-tril.js';

const [fixture] = loadFixture<FixtureCase[]>('multivariate-normal-tril');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 17 });
});

describe('MultivariateNormalTriL', () => {
  it('matches torch MultivariateNormal(scale_tril); batch [2], event [3]', () => {
    const d = new MultivariateNormalTriL(fixture!.params as unknown as MultivariateNormalTriLOptions);
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('differentiates logProb, entropy and rsample in loc and scaleTril like finite differences', () => {
    const { loc, scaleTril } = fixture!.params as { loc: number[][]; scaleTril: number[][][] };
    const [m, l] = [tf.tensor(loc), tf.tensor(scaleTril)];
    const x = tf.tensor([[0, -1.2, 1], [0.1, 0.2, -0.3]]);
    // tf.linalg.bandPart's gradient fails in tfjs 4.22 (Unpack): mask with a constant instead.
    const lower = (t: tf.Tensor) => tf.mul(t, tf.linalg.bandPart(tf.ones(t.shape), -1, 0));
    const make = (a: tf.Tensor, b: tf.Tensor) => new MultivariateNormalTriL({ loc: a, scaleTril: b, validate: false });
    // Upper-triangle entries are structurally ignored: their gradient is 0 on both sides.
    expectGradientsMatch('logProb', (a, b) => make(a!, lower(b!)).logProb(x).sum(), [m, l], { step: 1e-3, tolerance: 1e-2 });
    expectGradientsMatch('entropy', (b) => make(m, lower(b!)).entropy().sum(), [l]);
    expectGradientsMatch('rsample', (a, b) => make(a!, b!).rsample([2], { rng: Generator.fromSeed(2) }).sum(), [m, l]);
    tf.dispose([m, l, x]);
  });

  it('samples: coordinate moments and chi-square of a projection on 1e5 draws', () => {
    const f = sampling['MultivariateNormalTriL']!;
    const d = new MultivariateNormalTriL(f.params as unknown as MultivariateNormalTriLOptions);
    expectSamplesMatch(d, f);
    d.dispose();
  });

  it('rejects a non-lower-triangular or non-positive-diagonal scaleTril and mismatched sizes; leaks nothing', () => {
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0.5], [0, 1]] })).toThrow(
      'MultivariateNormalTriL: scaleTril must be lower-triangular (zeros above the diagonal) with a positive finite diagonal, found 0.5 at index [0, 1]',
    );
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0, -1]] })).toThrow('found -1 at index [1, 1]');
    expect(() => new MultivariateNormalTriL({ loc: [0, 0, 0], scaleTril: [[1, 0], [0, 1]] })).toThrow(
      "MultivariateNormalTriL: scaleTril's last two dimensions must be [3, 3] (D from loc's shape [3]), found [2, 2]",
    );
    const d = new MultivariateNormalTriL({ loc: [0, 1], scaleTril: [[1, 0], [0.5, 2]] });
    const x = tf.tensor([[0.5, 1], [0, 0]]);
    expectNoLeaks({ logProb: () => d.logProb(x), sample: () => d.rsample([2]), stats: () => [d.entropy(), d.mean(), d.variance(), d.mode(), d.covariance()] });
    x.dispose();
    d.dispose();
  });
});
