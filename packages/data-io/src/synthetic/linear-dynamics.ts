import type { Generator } from '@elbo/runtime';
import { checkMatrix, checkVector, cholesky, identity, matVecInto } from './small-matrix.js';
import type { Matrix } from './small-matrix.js';

/** Latent linear-Gaussian dynamics: x_1 ~ N(mu0, Q0), x_t = A x_{t-1} + w_t, w_t ~ N(0, Q). */
export interface LatentDynamics {
  /** Dynamics matrix A, [latentDim][latentDim]. */
  A: Matrix;
  /** Process-noise covariance Q. */
  Q: Matrix;
  /** Initial-state mean. */
  mu0: number[];
  /** Initial-state covariance Q0. */
  Q0: Matrix;
}

export interface LatentDynamicsOptions {
  A?: Matrix;
  Q?: Matrix;
  mu0?: number[];
  Q0?: Matrix;
}

/**
 * Default dynamics when A is not given: 2 x 2 rotation blocks with random angles in
 * [0.05, 0.3] rad (a lone last dimension decays), all scaled by 0.97 so the system is
 * stable and oscillates; Q = 0.05 I, mu0 = 0, Q0 = I.
 */
export function resolveDynamics(where: string, options: LatentDynamicsOptions, dim: number, rng: Generator): LatentDynamics {
  let A: Matrix;
  if (options.A !== undefined) {
    A = checkMatrix(where, 'A', options.A, dim, dim);
  } else {
    A = identity(dim, 0.97);
    const angles = rng.uniformArray(Math.floor(dim / 2));
    for (let b = 0; b < angles.length; b++) {
      const theta = 0.05 + 0.25 * angles[b]!;
      const c = 0.97 * Math.cos(theta);
      const s = 0.97 * Math.sin(theta);
      const i = 2 * b;
      A[i]![i] = c;
      A[i]![i + 1] = -s;
      A[i + 1]![i] = s;
      A[i + 1]![i + 1] = c;
    }
  }
  const Q = options.Q !== undefined ? checkMatrix(where, 'Q', options.Q, dim, dim) : identity(dim, 0.05);
  const mu0 = options.mu0 !== undefined ? checkVector(where, 'mu0', options.mu0, dim) : new Array<number>(dim).fill(0);
  const Q0 = options.Q0 !== undefined ? checkMatrix(where, 'Q0', options.Q0, dim, dim) : identity(dim);
  return { A, Q, mu0, Q0 };
}

/** Simulates latent paths, [trials, steps, dim] row-major, in float64. */
export function simulateLatents(
  where: string,
  dynamics: LatentDynamics,
  trials: number,
  steps: number,
  rng: Generator,
): Float64Array {
  const dim = dynamics.A.length;
  const cholQ = cholesky(where, 'Q', dynamics.Q);
  const cholQ0 = cholesky(where, 'Q0', dynamics.Q0);
  const noise = rng.fillNormal(new Float64Array(trials * steps * dim));
  const x = new Float64Array(trials * steps * dim);
  const scratch = new Float64Array(dim);
  for (let t = 0; t < trials; t++) {
    for (let s = 0; s < steps; s++) {
      const at = (t * steps + s) * dim;
      if (s === 0) {
        matVecInto(cholQ0, noise, at, scratch);
        for (let d = 0; d < dim; d++) x[at + d] = dynamics.mu0[d]! + scratch[d]!;
      } else {
        matVecInto(dynamics.A, x, at - dim, scratch);
        const drift = Float64Array.from(scratch);
        matVecInto(cholQ, noise, at, scratch);
        for (let d = 0; d < dim; d++) x[at + d] = drift[d]! + scratch[d]!;
      }
    }
  }
  return x;
}

/** A random readout C, [rows][cols], entries N(0, 1 / cols). */
export function randomReadout(rows: number, cols: number, rng: Generator): Matrix {
  const w = rng.normalArray(rows * cols);
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => w[i * cols + j]! / Math.sqrt(cols)));
}
