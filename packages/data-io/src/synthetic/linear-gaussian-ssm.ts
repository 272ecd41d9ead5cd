import { resolveRng } from './random-source.js';
import { checkInteger } from './check-options.js';
import type { SeedOrRng } from './random-source.js';
import { randomReadout, resolveDynamics, simulateLatents } from './linear-dynamics.js';
import type { LatentDynamics, LatentDynamicsOptions } from './linear-dynamics.js';
import { checkMatrix, checkVector, cholesky, identity, matVecInto } from './small-matrix.js';
import type { Matrix } from './small-matrix.js';

export interface LinearGaussianSsmOptions extends SeedOrRng, LatentDynamicsOptions {
  trials: number;
  steps: number;
  latentDim: number;
  obsDim: number;
  /** Emission matrix C, [obsDim][latentDim]. Default: entries N(0, 1 / latentDim). */
  C?: Matrix;
  /** Emission offset d. Default 0. */
  d?: number[];
  /** Observation-noise covariance R. Default 0.1 I. */
  R?: Matrix;
}

export interface LinearGaussianSsmParameters extends LatentDynamics {
  C: Matrix;
  d: number[];
  R: Matrix;
}

export interface LinearGaussianSsmData {
  /** y_t = C x_t + d + v_t, v_t ~ N(0, R); [trials, steps, obsDim]. */
  observations: Float32Array;
  /** x_t, [trials, steps, latentDim]. */
  latents: Float32Array;
  params: LinearGaussianSsmParameters;
  shape: [number, number, number];
  latentShape: [number, number, number];
}

/**
 * Samples a linear-Gaussian state-space model (the model a Kalman filter solves
 * exactly): x_1 ~ N(mu0, Q0), x_t = A x_{t-1} + w_t, y_t = C x_t + d + v_t.
 */
export function linearGaussianSsm(options: LinearGaussianSsmOptions): LinearGaussianSsmData {
  const where = 'linearGaussianSsm';
  const trials = checkInteger(where, 'trials', options.trials, 1);
  const steps = checkInteger(where, 'steps', options.steps, 1);
  const latentDim = checkInteger(where, 'latentDim', options.latentDim, 1);
  const obsDim = checkInteger(where, 'obsDim', options.obsDim, 1);
  const rng = resolveRng(where, options);
  const dynamics = resolveDynamics(where, options, latentDim, rng);
  const C = options.C !== undefined ? checkMatrix(where, 'C', options.C, obsDim, latentDim) : randomReadout(obsDim, latentDim, rng);
  const d = options.d !== undefined ? checkVector(where, 'd', options.d, obsDim) : new Array<number>(obsDim).fill(0);
  const R = options.R !== undefined ? checkMatrix(where, 'R', options.R, obsDim, obsDim) : identity(obsDim, 0.1);
  const cholR = cholesky(where, 'R', R);

  const x = simulateLatents(where, dynamics, trials, steps, rng);
  const noise = rng.fillNormal(new Float64Array(trials * steps * obsDim));
  const observations = new Float32Array(trials * steps * obsDim);
  const mean = new Float64Array(obsDim);
  const jitter = new Float64Array(obsDim);
  for (let i = 0; i < trials * steps; i++) {
    matVecInto(C, x, i * latentDim, mean);
    matVecInto(cholR, noise, i * obsDim, jitter);
    for (let o = 0; o < obsDim; o++) observations[i * obsDim + o] = mean[o]! + d[o]! + jitter[o]!;
  }
  return {
    observations,
    latents: Float32Array.from(x),
    params: { ...dynamics, C, d, R },
    shape: [trials, steps, obsDim],
    latentShape: [trials, steps, latentDim],
  };
}
