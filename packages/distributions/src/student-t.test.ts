import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { StudentT } from './student-t.js';
import type { StudentTOptions } from './student-t.js';

const [fixture] = loadFixture<FixtureCase[]>('student-t');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 15 });
});

describe('StudentT', () => {
  it('matches torch.distributions.StudentT (NaN mean for df <= 1, Infinity variance for 1 < df <= 2)', () => {
    const d = new StudentT(fixture!.params as unknown as StudentTOptions);
    checkCase(d, fixture!);
    d.dispose();
  });

  it('differentiates logProb and entropy in df, loc and scale like finite differences; rsample in loc and scale', () => {
    const df = tf.tensor([0.8, 1.5, 3, 30]);
    const loc = tf.tensor([0, 1, -2, 0.5]);
    const scale = tf.tensor([1, 0.5, 2, 1.5]);
    const x = tf.tensor([[0.3, 1, 5, -1], [-10, 2.5, -2, 0.5]]);
    const make = (n: tf.Tensor, l: tf.Tensor, s: tf.Tensor) => new StudentT({ df: n, loc: l, scale: s, validate: false });
    expectGradientsMatch('logProb', (l, s) => make(df, l!, s!).logProb(x).sum(), [loc, scale]);
    // In df, differences of log-gammas carry float32 rounding: moderate df and a larger step.
    const moderateDf = tf.tensor([1.5, 2.5, 4, 8]);
    expectGradientsMatch('logProb (df)', (n) => make(n!, loc, scale).logProb(x).sum(), [moderateDf], { step: 0.05 });
    moderateDf.dispose();
    expectGradientsMatch('entropy', (n, s) => make(n!, loc, s!).entropy().sum(), [df, scale], { step: 0.05 });
    expectGradientsMatch('rsample', (l, s) => make(df, l!, s!).rsample([2], { rng: Generator.fromSeed(2) }).sum(), [loc, scale]);
    tf.dispose([df, loc, scale, x]);
  });

  it('samples: moments and chi-square on 1e5 draws (df 5)', () => {
    const f = sampling['StudentT']!;
    const d = new StudentT(f.params as unknown as StudentTOptions);
    // Moments of t(5) draws converge slowly (finite fourth moment only just): chi-square and the mean.
    expectSamplesMatch(d, f, { moments: false });
    const draws = d.sample([100000], { rng: Generator.fromSeed(8) });
    const m = draws.mean().dataSync()[0]!;
    expect(Math.abs(m - 0.2)).toBeLessThan((5 * 2 * Math.sqrt(5 / 3)) / Math.sqrt(100000));
    draws.dispose();
    d.dispose();
  });

  it('validates and leaks nothing', () => {
    expect(() => new StudentT({ df: 0, loc: 0, scale: 1 })).toThrow('StudentT: df must be positive (> 0) and finite, found 0');
    const d = new StudentT({ df: 4, loc: 0, scale: [1, 2] });
    const x = tf.tensor([0.2, 0.7]);
    expectNoLeaks({ logProb: () => d.logProb(x), sample: () => [d.sample([3]), d.rsample([2])], stats: () => [d.entropy(), d.mean(), d.variance(), d.mode()] });
    x.dispose();
    d.dispose();
  });
});
