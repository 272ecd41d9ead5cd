import { describe, expect, it } from 'vitest';
import { gaussianLogDensity, matMul, transpose, zeros, type Matrix } from './linalg.js';
import { kalmanFilter, lgssmLogJoint, smoothingPosterior, structuredLogDensity, type Lgssm } from './lgssm.js';

// A model with full (non-diagonal) matrices, so the oracle is checked in general.
const model: Lgssm = {
  m0: [0.5, -0.2],
  p0: [
    [1, 0.3],
    [0.3, 0.8],
  ],
  a: [
    [0.9, 0.2],
    [-0.1, 0.8],
  ],
  q: [
    [0.3, 0.05],
    [0.05, 0.2],
  ],
  c: [
    [1, 0.4],
    [-0.5, 1.2],
    [0.3, 0.3],
  ],
  r: [
    [0.5, 0, 0.1],
    [0, 0.4, 0],
    [0.1, 0, 0.6],
  ],
};
const xs = [
  [0.4, -0.3, 0.2],
  [1.1, 0.2, 0.5],
  [0.3, 0.9, -0.4],
  [-0.6, 0.1, 0.0],
];

/** Dense joint covariance of x_1:N: Cov(x_s, x_t) = C Cov(z_s, z_t) C^T + [s = t] R. */
function denseLogLikelihood(): number {
  const n = xs.length;
  const cz: Matrix[] = [model.p0];
  for (let t = 1; t < n; t++) {
    const prev = cz[t - 1]!;
    cz.push(matMul(matMul(model.a, prev), transpose(model.a)).map((row, i) => row.map((v, j) => v + model.q[i]![j]!)));
  }
  // Cov(z_s, z_t) = A^(t-s) Cov(z_s) for t >= s.
  const pDim = 3;
  const big = zeros(n * pDim, n * pDim);
  for (let s = 0; s < n; s++) {
    let cross = cz[s]!;
    for (let t = s; t < n; t++) {
      if (t > s) cross = matMul(model.a, cross);
      const block = matMul(matMul(model.c, cross), transpose(model.c));
      for (let i = 0; i < pDim; i++) {
        for (let j = 0; j < pDim; j++) {
          const v = block[i]![j]! + (s === t ? model.r[i]![j]! : 0);
          big[t * pDim + i]![s * pDim + j] = v;
          big[s * pDim + j]![t * pDim + i] = v;
        }
      }
    }
  }
  return gaussianLogDensity(xs.flat(), new Array(n * pDim).fill(0).map((_, k) => {
    // E[x_t] = C A^t m0
    const t = Math.floor(k / pDim);
    let m = model.m0;
    for (let u = 0; u < t; u++) m = model.a.map((row) => row.reduce((acc, v, j) => acc + v * m[j]!, 0));
    return model.c[k % pDim]!.reduce((acc, v, j) => acc + v * m[j]!, 0);
  }), big);
}

describe('the linear-Gaussian state-space oracle', () => {
  it('gives the Kalman log-likelihood equal to the dense joint Gaussian density of x', () => {
    expect(kalmanFilter(model, xs).logLikelihood).toBeCloseTo(denseLogLikelihood(), 10);
  });

  it('writes the exact posterior so that log p(x, z) - log q(z) = log p(x) on any path', () => {
    const q = smoothingPosterior(model, xs);
    const ll = kalmanFilter(model, xs).logLikelihood;
    for (const zs of [
      [
        [0, 0],
        [0.5, 0.1],
        [1, -1],
        [0.2, 0.3],
      ],
      [
        [2, -1],
        [-0.7, 0.4],
        [0.1, 0.1],
        [3, 0.5],
      ],
    ]) {
      expect(lgssmLogJoint(model, xs, zs) - structuredLogDensity(q, zs)).toBeCloseTo(ll, 9);
    }
  });
});
