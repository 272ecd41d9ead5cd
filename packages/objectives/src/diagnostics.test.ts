import * as tf from '@tensorflow/tfjs';
import { Independent, MultivariateNormalDiag, Normal } from '@elbo/distributions';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { activeUnits, klPerDimension } from './diagnostics.js';
import { gaussianKl } from './test-support/linalg.js';
import { TestLaplace, expectedAbs } from './test-support/ppca-model.js';

beforeAll(async () => {
  await testing.initForTests({ seed: 4 });
});

// Three examples, three latent dimensions; dimension 2 has collapsed onto the prior.
const means = [
  [0.8, -0.3, 0],
  [-1.2, 0.4, 0],
  [0.5, 0.1, 0],
];
const stds = [
  [0.3, 0.9, 1],
  [0.4, 0.8, 1],
  [0.2, 0.95, 1],
];
const klNormal = (m: number, s: number): number => gaussianKl([m], [[s * s]], [0], [[1]]);

describe('klPerDimension', () => {
  it('gives the batch-mean analytic KL of each dimension, 0 for a collapsed one', () => {
    const q = new MultivariateNormalDiag({ loc: means, scaleDiag: stds, validate: false });
    const p = new Independent(new Normal({ loc: [0, 0, 0], scale: [1, 1, 1] }), 1);
    const perDim = klPerDimension(q, p);
    const want = [0, 1, 2].map((d) => means.reduce((s, row, b) => s + klNormal(row[d]!, stds[b]![d]!), 0) / 3);
    expect(perDim.shape).toEqual([3]);
    perDim.dataSync().forEach((v, d) => expect(v).toBeCloseTo(want[d]!, 5));
    expect(perDim.dataSync()[2]).toBe(0);
    const perExample = klPerDimension(q, p, { perExample: true });
    expect(perExample.shape).toEqual([3, 3]);
    expect((perExample.arraySync() as number[][])[1]![0]).toBeCloseTo(klNormal(-1.2, 0.4), 5);
    tf.dispose([perDim, perExample]);
    q.dispose();
    p.dispose();
  });

  it('samples the KL for a prior with no registered pair (within 4 standard errors)', () => {
    const copies = 2000;
    const q = new MultivariateNormalDiag({ loc: new Array(copies).fill(means[0]), scaleDiag: new Array(copies).fill(stds[0]), validate: false });
    const b = 0.7;
    const p = new Independent(new TestLaplace(b, [3]), 1);
    const perExample = klPerDimension(q, p, { samples: 1, perExample: true, rng: Generator.fromSeed(3) });
    const columns = perExample.arraySync() as number[][];
    [0, 1, 2].forEach((d) => {
      const m = means[0]![d]!;
      const s = stds[0]![d]!;
      const exact = -0.5 * Math.log(2 * Math.PI * Math.E * s * s) + Math.log(2 * b) + expectedAbs(m, s, testing.standardNormalCdf) / b;
      const { mean, variance } = testing.meanAndVariance(columns.map((row) => row[d]!));
      expect(Math.abs(mean - exact)).toBeLessThan(4 * Math.sqrt(variance / copies));
    });
    perExample.dispose();
    q.dispose();
  });

  it('names a posterior that does not factorise, and leaves no tensors behind', () => {
    const q = new MultivariateNormalDiag({ loc: means, scaleDiag: stds, validate: false });
    const p = new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: [1, 1, 1] });
    expect(testing.tensorsLeftBehind(() => klPerDimension(q, p))).toBe(0);
    const matrixEvent = new Independent(new Normal({ loc: [[[0, 0]]], scale: 1 }), 2);
    expect(() => klPerDimension(matrixEvent, matrixEvent)).toThrow(
      'klPerDimension: the posterior and prior for klPerDimension must be factorised over one latent axis',
    );
    q.dispose();
    p.dispose();
    matrixEvent.dispose();
  });
});

describe('activeUnits', () => {
  it('counts dimensions whose posterior mean varies across inputs by more than the threshold', () => {
    const data = [
      [0.5, 0.01, 2.0],
      [-0.5, 0.02, 2.1],
      [0.3, -0.01, 1.9],
      [0.1, 0.0, 2.05],
    ];
    const variance = (d: number): number => testing.meanAndVariance(data.map((row) => row[d]!)).variance;
    const t = tf.tensor2d(data);
    const result = activeUnits(t);
    expect(result.active).toEqual([true, false, variance(2) > 0.01]);
    expect(result.count).toBe(result.active.filter(Boolean).length);
    result.variances.forEach((v, d) => expect(v).toBeCloseTo(variance(d), 6));
    expect(activeUnits(t, { threshold: 1e-6 }).count).toBe(3);
    const q = new MultivariateNormalDiag({ loc: t, scaleDiag: tf.onesLike(t), validate: false });
    expect(activeUnits(q).active).toEqual(result.active);
    expect(testing.tensorsLeftBehind(() => void activeUnits(q))).toBe(0);
    tf.dispose([t, q.scaleDiag]);
  });

  it('names a bad input', () => {
    const one = tf.zeros([1, 3]);
    expect(() => activeUnits(one)).toThrow('activeUnits: means must be of shape [N, D] with N >= 2 (a posterior: batch [N], event [D]), found [1, 3]');
    one.dispose();
  });
});
