import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { RsampleNotAvailableError } from './errors.js';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';
import { Normal } from './normal.js';
import type { NormalOptions } from './normal.js';

const cases = loadFixture<FixtureCase[]>('normal');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 1 });
});

describe('Normal', () => {
  it('matches torch.distributions.Normal (logProb, cdf, entropy, mean, variance), with broadcasting', () => {
    for (const c of cases) {
      const d = new Normal(c.params as unknown as NormalOptions);
      checkCase(d, c);
      d.dispose();
    }
    const d = new Normal({ loc: [[0], [1]], scale: [1, 2, 0.25] });
    expect(d.batchShape).toEqual([2, 3]);
    expect(d.eventShape).toEqual([]);
    d.dispose();
  });

  it('differentiates logProb, entropy and rsample in loc and scale like finite differences', () => {
    const loc = tf.tensor([-1.5, 0, 2.5]);
    const scale = tf.tensor([0.5, 1, 3]);
    const x = tf.tensor([[-2, 0.3, 7], [0, -1, 2.5]]);
    expectGradientsMatch('logProb', (l, s) => new Normal({ loc: l!, scale: s!, validate: false }).logProb(x).sum(), [loc, scale]);
    expectGradientsMatch('entropy', (s) => new Normal({ loc, scale: s!, validate: false }).entropy().sum(), [scale]);
    expectGradientsMatch('rsample', (l, s) => new Normal({ loc: l!, scale: s!, validate: false }).rsample([2], { rng: Generator.fromSeed(3) }).sum(), [loc, scale]);
    tf.dispose([loc, scale, x]);
  });

  it('samples N(loc, scale^2): moments and a chi-square test on 1e5 draws at 1%', () => {
    const f = sampling['Normal']!;
    const d = new Normal(f.params as unknown as NormalOptions);
    expectSamplesMatch(d, f);
    d.dispose();
  });

  it('draws the shape sampleShape + batchShape, the same for one seed, and no gradient from sample()', () => {
    const loc = tf.tensor([0, 1]);
    const d = new Normal({ loc, scale: 1 });
    const a = d.sample([4, 3], { rng: Generator.fromSeed(9) });
    const b = d.rsample([4, 3], { rng: Generator.fromSeed(9) });
    expect(a.shape).toEqual([4, 3, 2]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    // The draw is a constant for tf.grad: only the explicit `+ sum(loc)` term has a gradient.
    const g = tf.grad((l) => tf.add(new Normal({ loc: l, scale: 1, validate: false }).sample([2], { rng: Generator.fromSeed(1) }).sum(), l.sum()))(loc);
    expect(Array.from(g.dataSync())).toEqual([1, 1]);
    tf.dispose([a, b, g, loc]);
    d.dispose();
  });

  it('leaves no tensors behind, and dispose() frees only what it created', () => {
    const scale = tf.tensor([1, 2]);
    const x = tf.tensor([0.5, 1]);
    const d = new Normal({ loc: 0, scale });
    expectNoLeaks({
      logProb: () => d.logProb(x),
      sample: () => d.sample([3]),
      rsample: () => d.rsample([3]),
      entropy: () => d.entropy(),
      moments: () => [d.mean(), d.variance(), d.stddev(), d.mode(), d.cdf(x)],
      grad: () => tf.grad((s) => new Normal({ loc: 0, scale: s, validate: false }).logProb(x).sum())(scale),
      construct: () => new Normal({ loc: [1, 2], scale: 3 }).dispose(),
    });
    d.dispose();
    expect(scale.isDisposed).toBe(false);
    tf.dispose([scale, x]);
  });

  it('rejects bad parameters and values with named messages, and frees what it made', () => {
    const before = tf.memory().numTensors;
    expect(() => new Normal({ loc: [0, 1], scale: [1, -2] })).toThrow('Normal: scale must be positive (> 0) and finite, found -2 at index [1]');
    expect(() => new Normal({ loc: [0, 1], scale: [1, 2, 3] })).toThrow('Normal: the shapes of loc and scale must be broadcastable, found [2] and [3]');
    expect(() => new Normal({ loc: NaN, scale: 1 })).toThrow('Normal: loc must be finite, found NaN');
    expect(() => new Normal({ loc: 'a' as never, scale: 1 })).toThrow('Normal: loc must be a number, an array of numbers');
    expect(() => new Normal({ loc: [[1, 2], [3]] as never, scale: 1 })).toThrow('Normal: loc must be a rectangular (non-ragged) array of numbers');
    expect(() => new Normal({ loc: 0 } as never)).toThrow('Normal: scale must be given, found undefined');
    expect(tf.memory().numTensors).toBe(before);
    const d = new Normal({ loc: [0, 1], scale: 1 });
    const wrong = tf.tensor([1, 2, 3]);
    expect(() => d.logProb(wrong)).toThrow("Normal.logProb: value's shape must be broadcastable to batchShape + eventShape [2], found [3]");
    expect(() => d.sample([-1])).toThrow('Normal.sample: sampleShape must be an array of non-negative integers, found [-1]');
    // No validation: a negative scale is taken as given (the caller's responsibility).
    expect(() => new Normal({ loc: 0, scale: -1, validate: false }).dispose()).not.toThrow();
    wrong.dispose();
    d.dispose();
    expect(RsampleNotAvailableError.name).toBe('RsampleNotAvailableError');
  });

  it('accepts numbers, nested arrays, typed arrays and int32 tensors as parameters', () => {
    const i = tf.tensor([1, 2], undefined, 'int32');
    const forms = [new Normal({ loc: new Float64Array([0, 1]), scale: i }), new Normal({ loc: [0, 1], scale: new Float32Array([1, 2]) })];
    for (const d of forms) {
      expect(d.batchShape).toEqual([2]);
      const v = d.variance();
      expect(Array.from(v.dataSync())).toEqual([1, 4]);
      v.dispose();
      d.dispose();
    }
    expect(i.isDisposed).toBe(false);
    i.dispose();
  });
});
