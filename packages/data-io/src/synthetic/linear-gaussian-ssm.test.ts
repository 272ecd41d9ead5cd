import { describe, expect, it } from 'vitest';
import { linearGaussianSsm } from './linear-gaussian-ssm.js';

describe('linearGaussianSsm', () => {
  const A = [
    [0.9, -0.2],
    [0.2, 0.9],
  ];
  const Q = [
    [0.2, 0.05],
    [0.05, 0.1],
  ];
  const C = [
    [1, 0],
    [0, 1],
    [1, -1],
  ];
  const R = [
    [0.3, 0, 0],
    [0, 0.2, 0],
    [0, 0, 0.1],
  ];
  const data = linearGaussianSsm({ trials: 40, steps: 100, latentDim: 2, obsDim: 3, A, Q, C, R, d: [1, -1, 0], seed: 11 });

  it('returns shapes and the parameters it used', () => {
    expect(data.shape).toEqual([40, 100, 3]);
    expect(data.latentShape).toEqual([40, 100, 2]);
    expect(data.params.A).toEqual(A);
    expect(data.params.R).toEqual(R);
  });

  it('process noise x_t - A x_{t-1} has covariance Q and emission noise y - Cx - d has covariance R (within 0.02)', () => {
    const x = data.latents;
    const y = data.observations;
    const w: number[][] = [];
    const v: number[][] = [];
    for (let t = 0; t < 40; t++) {
      for (let s = 0; s < 100; s++) {
        const i = t * 100 + s;
        const xi = [x[i * 2]!, x[i * 2 + 1]!];
        v.push([0, 1, 2].map((o) => y[i * 3 + o]! - (C[o]![0]! * xi[0]! + C[o]![1]! * xi[1]!) - [1, -1, 0][o]!));
        if (s > 0) {
          const xp = [x[(i - 1) * 2]!, x[(i - 1) * 2 + 1]!];
          w.push([0, 1].map((d) => xi[d]! - (A[d]![0]! * xp[0]! + A[d]![1]! * xp[1]!)));
        }
      }
    }
    const covariance = (rows: number[][]): number[][] =>
      rows[0]!.map((_, a) => rows[0]!.map((__, b) => rows.reduce((acc, r) => acc + r[a]! * r[b]!, 0) / rows.length));
    const qHat = covariance(w);
    const rHat = covariance(v);
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) expect(Math.abs(qHat[a]![b]! - Q[a]![b]!)).toBeLessThan(0.02);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(Math.abs(rHat[a]![b]! - R[a]![b]!)).toBeLessThan(0.02);
  });

  it('default parameters give a stable system (spectral radius 0.97) and a reproducible sample', () => {
    const a = linearGaussianSsm({ trials: 2, steps: 50, latentDim: 3, obsDim: 5, seed: 1 });
    const b = linearGaussianSsm({ trials: 2, steps: 50, latentDim: 3, obsDim: 5, seed: 1 });
    expect(a.observations).toEqual(b.observations);
    const [[a00, a01], [a10, a11]] = a.params.A as [[number, number], [number, number]];
    expect(Math.sqrt(a00 * a11 - a01 * a10)).toBeCloseTo(0.97, 10);
    expect(a.params.A[2]![2]).toBeCloseTo(0.97, 12);
  });

  it('rejects a covariance that is not positive definite, naming it', () => {
    expect(() =>
      linearGaussianSsm({ trials: 1, steps: 2, latentDim: 1, obsDim: 1, Q: [[-1]], seed: 1 }),
    ).toThrow(/linearGaussianSsm: Q must be a positive-definite covariance/);
    expect(() => linearGaussianSsm({ trials: 1, steps: 2, latentDim: 2, obsDim: 1, A: [[1]], seed: 1 })).toThrow(
      /A must be a 2 x 2 array/,
    );
  });
});
