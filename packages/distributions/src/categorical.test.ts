import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { Categorical } from './categorical.js';
import type { CategoricalOptions } from './categorical.js';
import { checkCase, expectGradientsMatch, expectNoLeaks, expectSamplesMatch, loadFixture } from './fixture.test-helper.js';
import type { FixtureCase, SamplingFixture } from './fixture.test-helper.js';

const cases = loadFixture<FixtureCase[]>('categorical');
const sampling = loadFixture<Record<string, SamplingFixture>>('sampling');

beforeAll(async () => {
  await testing.initForTests({ seed: 7 });
});

describe('Categorical', () => {
  it('matches torch for logits (1000 and -1000 included) and NumPy for probs with zeros', () => {
    for (const c of cases) {
      const d = new Categorical(c.params as unknown as CategoricalOptions);
      expect(d.batchShape).toEqual([2]);
      checkCase(d, c);
      d.dispose();
    }
  });

  it('differentiates logProb (logits and unnormalised probs) and entropy like finite differences; finite gradients for zero probs', () => {
    const logits = tf.tensor([[1, 2, 3, 0.5], [0.3, -1, 2, 1]]);
    const x = tf.tensor([[0, 3], [2, 1]]);
    expectGradientsMatch('logits', (l) => new Categorical({ logits: l!, validate: false }).logProb(x).sum(), [logits]);
    expectGradientsMatch('entropy', (l) => new Categorical({ logits: l!, validate: false }).entropy().sum(), [logits]);
    const weights = tf.tensor([[0.1, 0.2, 0.3, 0.4], [0.3, 0.5, 0.5, 0.2]]);
    expectGradientsMatch('probs', (p) => new Categorical({ probs: p!, validate: false }).logProb(x).sum(), [weights]);
    weights.dispose();
    const probs = tf.tensor([[0.1, 0.2, 0.3, 0.4], [0, 0.5, 0.5, 0]]);
    const y = tf.tensor([1, 2]);
    const g = tf.grad((p) => new Categorical({ probs: p, validate: false }).logProb(y).sum())(probs);
    expect(g.dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([logits, x, probs, y, g]);
  });

  it('samples the class frequencies: chi-square on 1e5 draws; never a zero-probability class', () => {
    const f = sampling['Categorical']!;
    const d = new Categorical(f.params as unknown as CategoricalOptions);
    expectSamplesMatch(d, f, { moments: false });
    d.dispose();
    const z = new Categorical({ probs: [[0, 1, 0], [0.5, 0, 0.5]] });
    const s = z.sample([2000], { rng: Generator.fromSeed(3) });
    const v = s.dataSync();
    for (let i = 0; i < v.length; i += 2) {
      expect(v[i]).toBe(1);
      expect(v[i + 1]).not.toBe(1);
    }
    s.dispose();
    z.dispose();
  });

  it('mode is the argmax; validates and leaks nothing', () => {
    const d = new Categorical({ logits: [[1, 5, 2], [7, 0, 0]] });
    const m = d.mode();
    expect(Array.from(m.dataSync())).toEqual([1, 0]);
    m.dispose();
    expect(d.numCategories).toBe(3);
    const bad = tf.tensor([3, 0]);
    expect(() => d.logProb(bad)).toThrow('Categorical.logProb: value must be an integer in [0, 2], found 3 at index [0]');
    expect(() => new Categorical({ probs: [[0, 0]] })).toThrow(
      'Categorical: probs must be non-negative and finite, with a positive sum along the last axis, found a row summing to 0 at index [0, 0]',
    );
    expect(() => new Categorical({ logits: 1 })).toThrow('Categorical: logits must be at least 1-dimensional (categories on the last axis), found shape []');
    const x = tf.tensor([0, 2], undefined, 'int32');
    expectNoLeaks({
      logProb: () => d.logProb(x),
      sample: () => d.sample([4]),
      stats: () => [d.entropy(), d.mode(), d.probs(), d.logits(), d.logProbsOfClasses()],
    });
    tf.dispose([bad, x]);
    d.dispose();
  });
});
