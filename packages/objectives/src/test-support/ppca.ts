/**
 * Probabilistic PCA, x = W z + mu + noise with z ~ N(0, I_D) and noise ~ N(0, s^2 I_P)
 * (Tipping & Bishop 1999), in float64: the exact log p(x), the exact posterior
 * p(z|x) = N(M^-1 W^T (x - mu), s^2 M^-1) with M = W^T W + s^2 I, and the exact ELBO
 * of any Gaussian q(z) = N(m, S). Test oracle only.
 */
import {
  add,
  gaussianKl,
  gaussianLogDensity,
  identity,
  inverseSpd,
  matMul,
  matVec,
  scale,
  subVec,
  trace,
  transpose,
  type Matrix,
  type Vector,
} from './linalg.js';

export interface Ppca {
  /** P x D loading matrix. */
  readonly w: Matrix;
  readonly mu: Vector;
  /** Observation noise standard deviation s. */
  readonly noise: number;
}

export const ppcaMarginalCovariance = (m: Ppca): Matrix =>
  add(matMul(m.w, transpose(m.w)), scale(identity(m.mu.length), m.noise ** 2));

export const ppcaLogMarginal = (m: Ppca, x: Vector): number => gaussianLogDensity(x, m.mu, ppcaMarginalCovariance(m));

export function ppcaPosterior(m: Ppca, x: Vector): { mean: Vector; cov: Matrix } {
  const d = m.w[0]!.length;
  const mInv = inverseSpd(add(matMul(transpose(m.w), m.w), scale(identity(d), m.noise ** 2)));
  return { mean: matVec(mInv, matVec(transpose(m.w), subVec(x, m.mu))), cov: scale(mInv, m.noise ** 2) };
}

/**
 * E_q[log p(x|z)] - KL[q || N(0, I)] for q = N(mean, cov): the expected log-likelihood
 * is log N(x; W mean + mu, s^2 I) - tr(W^T W cov) / (2 s^2).
 */
export function ppcaExactElbo(m: Ppca, x: Vector, q: { mean: Vector; cov: Matrix }): {
  elbo: number;
  reconstruction: number;
  kl: number;
} {
  const p = m.mu.length;
  const d = q.mean.length;
  const fitted = matVec(m.w, q.mean).map((v, i) => v + m.mu[i]!);
  const reconstruction =
    gaussianLogDensity(x, fitted, scale(identity(p), m.noise ** 2)) -
    trace(matMul(matMul(transpose(m.w), m.w), q.cov)) / (2 * m.noise ** 2);
  const kl = gaussianKl(q.mean, q.cov, new Array<number>(d).fill(0), identity(d));
  return { elbo: reconstruction - kl, reconstruction, kl };
}
