import * as tf from '@tensorflow/tfjs';
import { testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { Poisson } from './poisson.js';
import type { PoissonOptions } from './poisson.js';

const cases = loadFixture<FixtureCase[]>('poisson');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 6 });
});

describe('Poisson', () => {
  it('matches SciPy (rate 0 and count 0 included; rate and logRate; entropy on both sides of the series switch at 20)', () => {
    for (const c of cases) {
      const d = new Poisson(c.params as unknown as PoissonOptions);
      checkCase(d, c);
      d.dispose();
    }
  });

  it('rate 0 with count 0: logProb exactly 0 and a finite gradient (-1)', () => {
    const rate = tf.tensor([0]);
    const k = tf.tensor([0]);
    const lp = new Poisson({ rate }).logProb(k);
    expect(Array.from(lp.dataSync())).toEqual([0]);
    const g = tf.grad((r) => new Poisson({ rate: r, validate: false }).logProb(k).sum())(rate);
    expect(Array.from(g.dataSync())).toEqual([-1]);
    tf.dispose([rate, k, lp, g]);
  });

  it('differentiates logProb in rate and logRate like finite differences', () => {
    const k = tf.tensor([[0, 1, 5, 20], [3, 0, 2, 25]]);
    const rate = tf.tensor([0.5, 3, 12, 25]);
    const logRate = tf.tensor([-3, 0, 1.5, 3]);
    expectGradientsMatch('rate', (r) => new Poisson({ rate: r!, validate: false }).logProb(k).sum(), [rate]);
    expectGradientsMatch('logRate', (l) => new Poisson({ logRate: l!, validate: false }).logProb(k).sum(), [logRate], { step: 1e-3 });
    const rates = tf.tensor([0.5, 4, 19, 22, 80]);
    expectGradientsMatch('entropy', (r) => new Poisson({ rate: r!, validate: false }).entropy().sum(), [rates]);
    rates.dispose();
    tf.dispose([k, rate, logRate]);
  });

  it('samples small (inversion) and large (PTRS) rates: moments and chi-square on 1e5 draws', () => {
    for (const key of ['Poisson small', 'Poisson large']) {
      const f = sampling[key]!;
      const d = new Poisson(f.params as unknown as PoissonOptions);
      expectSamplesMatch(d, f);
      d.dispose();
    }
  });

  it('validates rates and counts; leaks nothing', () => {
    expect(() => new Poisson({ rate: [1, -1] })).toThrow('Poisson: rate must be non-negative (>= 0) and finite, found -1 at index [1]');
    expect(() => new Poisson({ logRate: Infinity })).toThrow('Poisson: logRate must be finite, found Infinity');
    const d = new Poisson({ logRate: [0, 1] });
    const bad = tf.tensor([1.5, 2]);
    expect(() => d.logProb(bad)).toThrow('Poisson.logProb: value must be a non-negative integer, found 1.5 at index [0]');
    const k = tf.tensor([1, 2], undefined, 'int32');
    expectNoLeaks({
      logProb: () => d.logProb(k),
      sample: () => d.sample([3]),
      stats: () => [d.entropy(), d.mean(), d.variance(), d.mode(), d.rate(), d.logRate()],
    });
    tf.dispose([bad, k]);
    d.dispose();
  });
});
