/**
 * Factor analysis x = Lambda f + mu + e, f ~ N(0, I), e ~ N(0, diag psi), fitted by EM
 * (Rubin and Thayer 1982) on the sample covariance, in float64. The classic baseline
 * for latent recovery from smoothed spike counts.
 */
import { getGenerator, invalidArgument } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { cholesky, choleskyLogDet, choleskySolve, identity, matmul, matmulTransB, transpose } from './dense.js';
import type { Matrix } from './dense.js';

export interface FactorAnalysisOptions {
  readonly factors: number;
  /** EM iterations (default 200). */
  readonly iterations?: number;
  /** Stop when the mean log-likelihood per row rises by less than this (default 1e-7). */
  readonly tolerance?: number;
  /** Random initial loadings; default the runtime's generator. */
  readonly rng?: Generator;
}

export interface FactorAnalysisModel {
  readonly factors: number;
  readonly dims: number;
  /** [dims] */
  readonly mean: Float64Array;
  /** [dims, factors] row-major */
  readonly loadings: Float64Array;
  /** [dims] */
  readonly noiseVariance: Float64Array;
  /** Mean log-likelihood per row after each iteration. */
  readonly logLikelihoods: number[];
}

/** Fits FA to rows of x ([n, dims] row-major). */
export function factorAnalysis(x: ArrayLike<number>, dims: number, options: FactorAnalysisOptions): FactorAnalysisModel {
  const where = 'factorAnalysis';
  if (!Number.isInteger(dims) || dims < 1) throw invalidArgument(where, 'dims', 'a positive integer', dims);
  const K = options?.factors;
  if (!Number.isInteger(K) || K < 1 || K > dims) throw invalidArgument(where, 'options.factors', `an integer in [1, ${dims}]`, K);
  if (x.length === 0 || x.length % dims !== 0) throw invalidArgument(where, "x's length", `a non-empty multiple of dims ${dims}`, x.length);
  const n = x.length / dims;
  const iterations = options.iterations ?? 200;
  const tolerance = options.tolerance ?? 1e-7;
  const rng = options.rng ?? getGenerator();
  const D = dims;
  const mean = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) mean[j]! += x[i * D + j]! / n;
  const S: Matrix = { rows: D, cols: D, data: new Float64Array(D * D) };
  const centred = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < D; j++) centred[j] = x[i * D + j]! - mean[j]!;
    for (let a = 0; a < D; a++) {
      const ca = centred[a]!;
      if (ca === 0) continue;
      for (let b = 0; b < D; b++) S.data[a * D + b]! += (ca * centred[b]!) / n;
    }
  }
  const psi = new Float64Array(D);
  for (let j = 0; j < D; j++) psi[j] = Math.max(S.data[j * D + j]!, 1e-6);
  const noise = rng.fillNormal(new Float64Array(D * K));
  let lambda: Matrix = { rows: D, cols: K, data: noise.map((v, i) => v * Math.sqrt(psi[Math.floor(i / K)]!) * 0.5) };
  const logLikelihoods: number[] = [];
  for (let it = 0; it < iterations; it++) {
    // beta = (I + L^T Psi^-1 L)^-1 L^T Psi^-1  [K, D]
    const lTpsi: Matrix = transpose(lambda);
    for (let k = 0; k < K; k++) for (let j = 0; j < D; j++) lTpsi.data[k * D + j]! /= psi[j]!;
    const M = matmul(lTpsi, lambda);
    for (let k = 0; k < K; k++) M.data[k * K + k]! += 1;
    const cholM = cholesky(M)!;
    const beta = choleskySolve(cholM, lTpsi);
    logLikelihoods.push(logLikelihood(S, lambda, psi, cholM, beta));
    const last = logLikelihoods.length - 1;
    if (last > 0 && logLikelihoods[last]! - logLikelihoods[last - 1]! < tolerance) break;
    // M-step: Lambda = S beta^T (I - beta Lambda + beta S beta^T)^-1; psi = diag(S - Lambda beta S).
    const SbT = matmulTransB(S, beta); // [D, K]
    const Ezz = matmul(beta, SbT); // beta S beta^T
    const bL = matmul(beta, lambda);
    const eye = identity(K);
    for (let i = 0; i < K * K; i++) Ezz.data[i]! += eye.data[i]! - bL.data[i]!;
    const cholE = cholesky(Ezz)!;
    lambda = transpose(choleskySolve(cholE, transpose(SbT)));
    for (let j = 0; j < D; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += lambda.data[j * K + k]! * SbT.data[j * K + k]!;
      psi[j] = Math.max(S.data[j * D + j]! - s, 1e-6 * S.data[j * D + j]! + 1e-12);
    }
  }
  return { factors: K, dims: D, mean, loadings: lambda.data, noiseVariance: psi, logLikelihoods };
}

/** Posterior means of the factors, E[f | x] = beta (x - mu), for rows of x; [n, factors]. */
export function factorAnalysisTransform(model: FactorAnalysisModel, x: ArrayLike<number>): Float64Array {
  const { dims: D, factors: K } = model;
  if (x.length % D !== 0) throw invalidArgument('factorAnalysisTransform', "x's length", `a multiple of dims ${D}`, x.length);
  const lambda: Matrix = { rows: D, cols: K, data: model.loadings };
  const lTpsi = transpose(lambda);
  for (let k = 0; k < K; k++) for (let j = 0; j < D; j++) lTpsi.data[k * D + j]! /= model.noiseVariance[j]!;
  const M = matmul(lTpsi, lambda);
  for (let k = 0; k < K; k++) M.data[k * K + k]! += 1;
  const beta = choleskySolve(cholesky(M)!, lTpsi);
  const n = x.length / D;
  const out = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += beta.data[k * D + j]! * (x[i * D + j]! - model.mean[j]!);
      out[i * K + k] = s;
    }
  }
  return out;
}

/** Reconstruction E[x | f] = Lambda f + mu, [n, dims]. */
export function factorAnalysisReconstruct(model: FactorAnalysisModel, factors: ArrayLike<number>): Float64Array {
  const { dims: D, factors: K } = model;
  const n = factors.length / K;
  const out = new Float64Array(n * D);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < D; j++) {
      let s = model.mean[j]!;
      for (let k = 0; k < K; k++) s += model.loadings[j * K + k]! * factors[i * K + k]!;
      out[i * D + j] = s;
    }
  }
  return out;
}

/** Mean log-likelihood per row: -0.5 (D log 2pi + log|C| + tr(C^-1 S)), C = L L^T + Psi, via Woodbury. */
function logLikelihood(S: Matrix, lambda: Matrix, psi: Float64Array, cholM: Matrix, beta: Matrix): number {
  const D = S.rows;
  let logDet = choleskyLogDet(cholM);
  for (let j = 0; j < D; j++) logDet += Math.log(psi[j]!);
  // C^-1 = Psi^-1 - Psi^-1 L beta ; tr(C^-1 S) = sum_j S_jj / psi_j - tr(Psi^-1 L beta S)
  let trace = 0;
  for (let j = 0; j < D; j++) trace += S.data[j * D + j]! / psi[j]!;
  const betaS = matmul(beta, S); // [K, D]
  const K = lambda.cols;
  for (let j = 0; j < D; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += lambda.data[j * K + k]! * betaS.data[k * D + j]!;
    trace -= s / psi[j]!;
  }
  return -0.5 * (D * Math.log(2 * Math.PI) + logDet + trace);
}
