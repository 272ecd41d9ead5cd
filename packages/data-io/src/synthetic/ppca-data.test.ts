import { describe, expect, it } from 'vitest';
import { ppcaData } from './ppca-data.js';

describe('ppcaData', () => {
  it('sample mean and covariance match mu and W W^T + sigma^2 I (within 0.05)', () => {
    const W = [
      [1, 0.5],
      [0, 1],
      [-0.5, 0.2],
      [0.3, 0.3],
    ];
    const mu = [1, 2, 3, 4];
    const { x, covariance } = ppcaData({ samples: 20_000, latentDim: 2, obsDim: 4, W, mu, noiseStd: 0.5, seed: 2 });
    const n = 20_000;
    const mean = [0, 1, 2, 3].map((o) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i * 4 + o]!;
      return s / n;
    });
    for (let o = 0; o < 4; o++) expect(Math.abs(mean[o]! - mu[o]!)).toBeLessThan(0.05);
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += (x[i * 4 + a]! - mean[a]!) * (x[i * 4 + b]! - mean[b]!);
        const truth = W[a]!.reduce((acc, v, k) => acc + v * W[b]![k]!, 0) + (a === b ? 0.25 : 0);
        expect(covariance[a]![b]).toBeCloseTo(truth, 12);
        expect(Math.abs(s / (n - 1) - truth)).toBeLessThan(0.05);
      }
    }
  });

  it('names bad options', () => {
    expect(() => ppcaData({ samples: 10, latentDim: 2, obsDim: 3, noiseStd: -1 })).toThrow(/ppcaData: noiseStd/);
  });
});
