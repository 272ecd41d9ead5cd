import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bernoulli } from './bernoulli.js';
import { checkCase, expectNoLeaks, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase } from './fixture.test-helper.js';
import { Independent } from './independent.js';
import { Normal } from './normal.js';

const [fixture] = loadFixture<FixtureCase[]>('multivariate-normal-diag');

beforeAll(async () => {
  await testing.initForTests({ seed: 3 });
});

describe('Independent', () => {
  it('Independent(Normal, 1) matches torch Independent(Normal, 1)', () => {
    const { loc, scaleDiag } = fixture!.params as { loc: number[][]; scaleDiag: number[][] };
    const d = new Independent(new Normal({ loc, scale: scaleDiag }), 1);
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    expect(d.hasRsample).toBe(true);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('moves batch axes into the event: shapes of samples and logProb', () => {
    const base = new Bernoulli({ logits: tf.zeros([4, 2, 3]) });
    const d = new Independent(base, 2);
    expect(d.batchShape).toEqual([4]);
    expect(d.eventShape).toEqual([2, 3]);
    expect(d.hasRsample).toBe(false);
    const x = d.sample([5], { rng: Generator.fromSeed(1) });
    expect(x.shape).toEqual([5, 4, 2, 3]);
    const lp = d.logProb(x);
    expect(lp.shape).toEqual([5, 4]);
    // Every outcome of six fair coins has probability 2^-6.
    expect(testing.maxRelativeError(lp.dataSync(), new Array(20).fill(-6 * Math.LN2))).toBeLessThan(1e-5);
    const zero = new Independent(base, 0);
    expect(zero.batchShape).toEqual([4, 2, 3]);
    tf.dispose([x, lp]);
    d.dispose();
  });

  it('leaves no tensors behind; rejects a bad reinterpretedBatchNdims', () => {
    const d = new Independent(new Normal({ loc: [[0, 1]], scale: 1 }), 1);
    const x = tf.tensor([0, 0]);
    expectNoLeaks({ logProb: () => d.logProb(x), sample: () => d.rsample([2]), stats: () => [d.entropy(), d.mean(), d.variance(), d.stddev()] });
    expect(() => new Independent(d.base, 3)).toThrow('Independent: reinterpretedBatchNdims must be an integer in [0, 2]');
    expect(() => new Independent({} as never, 1)).toThrow('Independent: base must be a Distribution, found an object');
    x.dispose();
    d.dispose();
  });
});
