import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import type { MultivariateNormalDiagOptions } from './multivariate-normal-diag.js';

const [fixture] = loadFixture<FixtureCase[]>('multivariate-normal-diag');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 2 });
});

describe('MultivariateNormalDiag', () => {
  it('matches torch Independent(Normal, 1): logProb, entropy, mean, variance; batch [2], event [3]', () => {
    const d = new MultivariateNormalDiag(fixture!.params as unknown as MultivariateNormalDiagOptions);
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('differentiates logProb and rsample like finite differences', () => {
    const loc = tf.tensor([[0.5, -1, 2], [0, 0, 0]]);
    const scale = tf.tensor([[1, 0.6, 2], [0.7, 1.5, 0.8]]);
    const x = tf.tensor([[0, -1.2, 1], [0.1, 0.2, -0.3]]);
    const make = (l: tf.Tensor, s: tf.Tensor) => new MultivariateNormalDiag({ loc: l, scaleDiag: s, validate: false });
    expectGradientsMatch('logProb', (l, s) => make(l!, s!).logProb(x).sum(), [loc, scale]);
    expectGradientsMatch('rsample', (l, s) => tf.square(make(l!, s!).rsample([2], { rng: Generator.fromSeed(4) })).sum(), [loc, scale]);
    tf.dispose([loc, scale, x]);
  });

  it('samples: moments per coordinate, and a chi-square test of a projection on 1e5 draws', () => {
    const f = sampling['MultivariateNormalDiag']!;
    const d = new MultivariateNormalDiag(f.params as unknown as MultivariateNormalDiagOptions);
    expectSamplesMatch(d, f);
    d.dispose();
  });

  it('leaves no tensors behind and rejects a scalar loc or mismatched D', () => {
    const d = new MultivariateNormalDiag({ loc: [0, 1], scaleDiag: [1, 2] });
    const x = tf.tensor([[0.5, 1]]);
    expectNoLeaks({
      logProb: () => d.logProb(x),
      sample: () => d.rsample([3]),
      stats: () => [d.entropy(), d.mean(), d.variance(), d.mode()],
    });
    expect(() => new MultivariateNormalDiag({ loc: 0, scaleDiag: [1, 2] })).toThrow(
      'MultivariateNormalDiag: loc must be at least 1-dimensional (the event is the last axis), found shape []',
    );
    expect(() => new MultivariateNormalDiag({ loc: [0, 1, 2], scaleDiag: [1, 2] })).toThrow(
      'MultivariateNormalDiag: the shapes of loc and scaleDiag must be broadcastable, found [3] and [2]',
    );
    d.dispose();
    x.dispose();
  });
});
