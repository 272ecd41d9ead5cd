/**
 * The exact linear-Gaussian state-space model (Kalman filter, RTS smoother, EM), in
 * float64 TypeScript. It is the baseline users expect and the test oracle of the
 * sequential VAE: its log-likelihood is exact, so any ELBO must stay below it.
 *
 *   z_1 = mu0 + e_1,                 e_1 ~ N(0, V0)
 *   z_n = A z_{n-1} + b + w_n,       w_n ~ N(0, Q)
 *   x_n = C z_n + d + v_n,           v_n ~ N(0, R)
 */
import { getGenerator, invalidArgument } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import {
  addScaledInPlace,
  cholesky,
  choleskyLogDet,
  choleskySolve,
  column,
  copy,
  fromRows,
  identity,
  matmul,
  matmulTransB,
  subtract,
  symmetrize,
  toRows,
  transpose,
  zeros,
} from './dense.js';
import type { Matrix } from './dense.js';

export type MatrixInput = ArrayLike<ArrayLike<number>>;

/** Parameters, as nested arrays (rows). Offsets b and d default to zero. */
export interface LinearGaussianSsmParams {
  /** Transition matrix [latentDim, latentDim]. */
  readonly A: MatrixInput;
  /** Transition offset [latentDim]. */
  readonly b?: ArrayLike<number>;
  /** Transition noise covariance [latentDim, latentDim], positive definite. */
  readonly Q: MatrixInput;
  /** Emission matrix [obsDim, latentDim]. */
  readonly C: MatrixInput;
  /** Emission offset [obsDim]. */
  readonly d?: ArrayLike<number>;
  /** Emission noise covariance [obsDim, obsDim], positive definite. */
  readonly R: MatrixInput;
  /** Mean of z_1 [latentDim]. */
  readonly mu0: ArrayLike<number>;
  /** Covariance of z_1 [latentDim, latentDim], positive definite. */
  readonly V0: MatrixInput;
}

/** The parameters as plain arrays, as `params` returns them (JSON-serialisable). */
export interface LinearGaussianSsmParamArrays {
  readonly A: number[][];
  readonly b: number[];
  readonly Q: number[][];
  readonly C: number[][];
  readonly d: number[];
  readonly R: number[][];
  readonly mu0: number[];
  readonly V0: number[][];
}

/**
 * One observed sequence: rows x_1..x_T (`number[][]`), or a flat row-major array of
 * length T * obsDim.
 */
export type Sequence = ArrayLike<ArrayLike<number>> | Float32Array | Float64Array | number[];

export interface FilterResult {
  /** log p(x_1:T), exact. */
  readonly logLikelihood: number;
  /** E[z_n | x_1:n], row-major [T, latentDim]. */
  readonly means: Float64Array;
  /** Cov[z_n | x_1:n], [T, latentDim, latentDim]. */
  readonly covariances: Float64Array;
  /** E[z_n | x_1:n-1] (mu0 at n = 1), [T, latentDim]. */
  readonly predictedMeans: Float64Array;
  /** Cov[z_n | x_1:n-1] (V0 at n = 1), [T, latentDim, latentDim]. */
  readonly predictedCovariances: Float64Array;
}

export interface SmoothResult {
  readonly logLikelihood: number;
  /** E[z_n | x_1:T], [T, latentDim]. */
  readonly means: Float64Array;
  /** Cov[z_n | x_1:T], [T, latentDim, latentDim]. */
  readonly covariances: Float64Array;
  /** Lag-one cross-covariances Cov[z_{n+1}, z_n | x_1:T] for n = 1..T-1, [T-1, latentDim, latentDim]. */
  readonly crossCovariances: Float64Array;
}

export interface FitEmOptions {
  /** Maximum EM iterations (default 100). */
  readonly iterations?: number;
  /** Stop when the log-likelihood rises by less than this (absolute, nats; default 1e-6 * |log-lik|). */
  readonly tolerance?: number;
  /** Keep R diagonal (default false). */
  readonly diagonalEmissionCovariance?: boolean;
  /** Called after each E-step with the log-likelihood of the current parameters. */
  readonly onIteration?: (info: { iteration: number; logLikelihood: number }) => void;
}

export interface FitEmResult {
  readonly model: LinearGaussianSsm;
  /** Log-likelihood of the data under the parameters before each M-step (non-decreasing). */
  readonly logLikelihoods: number[];
  readonly converged: boolean;
}

export interface SsmSample {
  /** [T, latentDim] */
  readonly latents: Float64Array;
  /** [T, obsDim] */
  readonly observations: Float64Array;
}

const LOG_2PI = Math.log(2 * Math.PI);

export class LinearGaussianSsm {
  readonly latentDim: number;
  readonly obsDim: number;
  readonly #A: Matrix;
  readonly #b: Matrix;
  readonly #Q: Matrix;
  readonly #C: Matrix;
  readonly #d: Matrix;
  readonly #R: Matrix;
  readonly #mu0: Matrix;
  readonly #V0: Matrix;

  constructor(params: LinearGaussianSsmParams) {
    const where = 'LinearGaussianSsm';
    if (typeof params !== 'object' || params === null) throw invalidArgument(where, 'params', 'an object', params);
    const A = readMatrix(where, 'A', params.A);
    const L = A.rows;
    if (L === 0 || A.cols !== L) throw invalidArgument(where, 'A', 'a non-empty square matrix', { raw: `${A.rows}x${A.cols}` });
    const C = readMatrix(where, 'C', params.C);
    if (C.cols !== L) throw invalidArgument(where, 'C', `a matrix with ${L} columns (latentDim)`, { raw: `${C.rows}x${C.cols}` });
    const D = C.rows;
    if (D === 0) throw invalidArgument(where, 'C', 'at least one row', { raw: '0 rows' });
    this.latentDim = L;
    this.obsDim = D;
    this.#A = A;
    this.#C = C;
    this.#Q = readCovariance(where, 'Q', params.Q, L);
    this.#R = readCovariance(where, 'R', params.R, D);
    this.#V0 = readCovariance(where, 'V0', params.V0, L);
    this.#mu0 = readVector(where, 'mu0', params.mu0, L);
    this.#b = params.b === undefined ? zeros(L, 1) : readVector(where, 'b', params.b, L);
    this.#d = params.d === undefined ? zeros(D, 1) : readVector(where, 'd', params.d, D);
  }

  /** The parameters as nested arrays (copies). */
  get params(): LinearGaussianSsmParamArrays {
    return {
      A: toRows(this.#A),
      b: Array.from(this.#b.data),
      Q: toRows(this.#Q),
      C: toRows(this.#C),
      d: Array.from(this.#d.data),
      R: toRows(this.#R),
      mu0: Array.from(this.#mu0.data),
      V0: toRows(this.#V0),
    };
  }

  /**
   * A starting point for EM from data: d = the data mean, R = diag(data variance),
   * C = small random loadings from `rng`, A = 0.9 I, Q = 0.19 I (unit stationary
   * variance), mu0 = 0, V0 = I.
   */
  static initialize(
    sequences: readonly Sequence[],
    options: { obsDim: number; latentDim: number; rng?: Generator },
  ): LinearGaussianSsm {
    const where = 'LinearGaussianSsm.initialize';
    const { obsDim, latentDim } = options;
    checkDim(where, 'options.obsDim', obsDim);
    checkDim(where, 'options.latentDim', latentDim);
    const rng = options.rng ?? getGenerator();
    const seqs = readSequences(where, sequences, obsDim);
    const mean = new Float64Array(obsDim);
    const sq = new Float64Array(obsDim);
    let count = 0;
    for (const s of seqs) {
      for (let i = 0; i < s.length; i++) {
        mean[i % obsDim]! += s[i]!;
        sq[i % obsDim]! += s[i]! ** 2;
      }
      count += s.length / obsDim;
    }
    const variance = new Float64Array(obsDim);
    for (let j = 0; j < obsDim; j++) {
      mean[j]! /= count;
      variance[j] = Math.max(sq[j]! / count - mean[j]! ** 2, 1e-6);
    }
    const noise = rng.fillNormal(new Float64Array(obsDim * latentDim));
    const C: number[][] = [];
    for (let i = 0; i < obsDim; i++) {
      const sd = Math.sqrt(variance[i]! / latentDim) * 0.5;
      C.push(Array.from({ length: latentDim }, (_, k) => sd * noise[i * latentDim + k]!));
    }
    const R = toRows(zeros(obsDim, obsDim));
    for (let i = 0; i < obsDim; i++) R[i]![i] = variance[i]! * 0.75;
    const eye = toRows(identity(latentDim));
    return new LinearGaussianSsm({
      A: eye.map((row) => row.map((v) => 0.9 * v)),
      Q: eye.map((row) => row.map((v) => 0.19 * v)),
      C,
      d: mean,
      R,
      mu0: new Array<number>(latentDim).fill(0),
      V0: eye,
    });
  }

  /** Kalman filter: filtered and predicted moments and the exact log-likelihood. */
  filter(x: Sequence): FilterResult {
    const data = readSequence('LinearGaussianSsm.filter', 'x', x, this.obsDim);
    return this.#filter(data);
  }

  /** log p(x_1:T) by the Kalman filter. */
  logLikelihood(x: Sequence): number {
    return this.filter(x).logLikelihood;
  }

  /** Rauch-Tung-Striebel smoother: posterior means, covariances and lag-one cross-covariances. */
  smooth(x: Sequence): SmoothResult {
    const data = readSequence('LinearGaussianSsm.smooth', 'x', x, this.obsDim);
    return this.#smooth(this.#filter(data));
  }

  /** Draws one sequence of length T. */
  sample(T: number, options: { rng?: Generator } = {}): SsmSample {
    checkDim('LinearGaussianSsm.sample', 'T', T);
    const rng = options.rng ?? getGenerator();
    const L = this.latentDim;
    const D = this.obsDim;
    const cholQ = cholesky(this.#Q)!;
    const cholR = cholesky(this.#R)!;
    const cholV0 = cholesky(this.#V0)!;
    const latents = new Float64Array(T * L);
    const observations = new Float64Array(T * D);
    let z = this.#mu0;
    for (let n = 0; n < T; n++) {
      const mean = n === 0 ? this.#mu0 : addVec(matmul(this.#A, z), this.#b);
      z = addVec(mean, matmul(n === 0 ? cholV0 : cholQ, column(rng.fillNormal(new Float64Array(L)))));
      latents.set(z.data, n * L);
      const xMean = addVec(matmul(this.#C, z), this.#d);
      observations.set(addVec(xMean, matmul(cholR, column(rng.fillNormal(new Float64Array(D))))).data, n * D);
    }
    return { latents, observations };
  }

  /**
   * Maximum-likelihood fit by EM (Shumway and Stoffer), starting from this model's
   * parameters, over one or more sequences (of any lengths). Every parameter is
   * updated, offsets included; each iteration cannot lower the likelihood.
   */
  fitEm(sequences: readonly Sequence[], options: FitEmOptions = {}): FitEmResult {
    const where = 'LinearGaussianSsm.fitEm';
    const iterations = options.iterations ?? 100;
    if (!Number.isInteger(iterations) || iterations < 1) {
      throw invalidArgument(where, 'options.iterations', 'a positive integer', iterations);
    }
    if (options.tolerance !== undefined && !(options.tolerance >= 0)) {
      throw invalidArgument(where, 'options.tolerance', 'a non-negative number', options.tolerance);
    }
    const seqs = readSequences(where, sequences, this.obsDim);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- EM starts from this model's parameters
    let model: LinearGaussianSsm = this;
    const logLikelihoods: number[] = [];
    let converged = false;
    for (let it = 0; it < iterations; it++) {
      const smoothed = seqs.map((s) => model.#smooth(model.#filter(s)));
      const total = smoothed.reduce((acc, r) => acc + r.logLikelihood, 0);
      logLikelihoods.push(total);
      options.onIteration?.({ iteration: it, logLikelihood: total });
      if (it > 0) {
        const gain = total - logLikelihoods[it - 1]!;
        const tol = options.tolerance ?? 1e-6 * Math.abs(total);
        if (gain < tol) {
          converged = true;
          break;
        }
      }
      model = model.#mStep(seqs, smoothed, options.diagonalEmissionCovariance ?? false);
    }
    return { model, logLikelihoods, converged };
  }

  #filter(x: Float64Array): FilterResult {
    const L = this.latentDim;
    const D = this.obsDim;
    const T = x.length / D;
    const means = new Float64Array(T * L);
    const covariances = new Float64Array(T * L * L);
    const predictedMeans = new Float64Array(T * L);
    const predictedCovariances = new Float64Array(T * L * L);
    const eyeL = identity(L);
    let m = this.#mu0;
    let P = this.#V0;
    let logLikelihood = 0;
    for (let n = 0; n < T; n++) {
      if (n > 0) {
        m = addVec(matmul(this.#A, m), this.#b);
        P = symmetrize(addMat(matmulTransB(matmul(this.#A, P), this.#A), this.#Q));
      }
      predictedMeans.set(m.data, n * L);
      predictedCovariances.set(P.data, n * L * L);
      // Innovation v = x_n - C m - d with covariance S = C P C^T + R.
      const CP = matmul(this.#C, P);
      const S = symmetrize(addMat(matmulTransB(CP, this.#C), this.#R));
      const cholS = cholesky(S);
      if (cholS === null) throw new RangeError(`LinearGaussianSsm.filter: innovation covariance at step ${n + 1} is not positive definite`);
      const v = subtract(column(x.subarray(n * D, (n + 1) * D)), addVec(matmul(this.#C, m), this.#d));
      const SinvV = choleskySolve(cholS, v);
      let quad = 0;
      for (let i = 0; i < D; i++) quad += v.data[i]! * SinvV.data[i]!;
      logLikelihood += -0.5 * (D * LOG_2PI + choleskyLogDet(cholS) + quad);
      // Gain K = P C^T S^{-1}, i.e. K^T = S^{-1} C P.
      const K = transpose(choleskySolve(cholS, CP));
      m = addVec(m, matmul(K, v));
      // Joseph form keeps P symmetric positive semi-definite under rounding.
      const IKC = subtract(eyeL, matmul(K, this.#C));
      P = symmetrize(addMat(matmulTransB(matmul(IKC, P), IKC), matmulTransB(matmul(K, this.#R), K)));
      means.set(m.data, n * L);
      covariances.set(P.data, n * L * L);
    }
    return { logLikelihood, means, covariances, predictedMeans, predictedCovariances };
  }

  #smooth(f: FilterResult): SmoothResult {
    const L = this.latentDim;
    const T = f.means.length / L;
    const means = f.means.slice();
    const covariances = f.covariances.slice();
    const crossCovariances = new Float64Array(Math.max(T - 1, 0) * L * L);
    const at = (arr: Float64Array, n: number, rows: number, cols: number): Matrix => ({
      rows,
      cols,
      data: arr.slice(n * rows * cols, (n + 1) * rows * cols),
    });
    for (let n = T - 2; n >= 0; n--) {
      const Pf = at(f.covariances, n, L, L);
      const Ppred = at(f.predictedCovariances, n + 1, L, L);
      const cholPpred = cholesky(Ppred);
      if (cholPpred === null) throw new RangeError(`LinearGaussianSsm.smooth: predicted covariance at step ${n + 2} is not positive definite`);
      // J = Pf A^T Ppred^{-1}
      const J = transpose(choleskySolve(cholPpred, matmul(this.#A, Pf)));
      const msNext = at(means, n + 1, L, 1);
      const PsNext = at(covariances, n + 1, L, L);
      const ms = addVec(at(f.means, n, L, 1), matmul(J, subtract(msNext, at(f.predictedMeans, n + 1, L, 1))));
      const Ps = symmetrize(addMat(Pf, matmulTransB(matmul(J, subtract(PsNext, Ppred)), J)));
      means.set(ms.data, n * L);
      covariances.set(Ps.data, n * L * L);
      crossCovariances.set(matmulTransB(PsNext, J).data, n * L * L);
    }
    return { logLikelihood: f.logLikelihood, means, covariances, crossCovariances };
  }

  #mStep(seqs: Float64Array[], smoothed: SmoothResult[], diagonalR: boolean): LinearGaussianSsm {
    const L = this.latentDim;
    const D = this.obsDim;
    const L1 = L + 1;
    // Augmented second moments with a constant 1 appended, so offsets are fitted jointly.
    const Suu = zeros(L1, L1); // sum E[u_{n-1} u_{n-1}^T], u = [z; 1], n >= 2
    const Szu = zeros(L, L1); // sum E[z_n u_{n-1}^T]
    const Szz = zeros(L, L); // sum E[z_n z_n^T], n >= 2
    const Sww = zeros(L1, L1); // sum E[w_n w_n^T], w = [z; 1], all n
    const Sxw = zeros(D, L1); // sum x_n E[w_n]^T
    const Sxx = zeros(D, D);
    const mu0 = zeros(L, 1);
    let transitions = 0;
    let steps = 0;
    const secondMoment = (r: SmoothResult, n: number): Matrix => {
      const m = r.means.subarray(n * L, (n + 1) * L);
      const out = zeros(L1, L1);
      for (let i = 0; i < L; i++) {
        for (let j = 0; j < L; j++) out.data[i * L1 + j] = r.covariances[n * L * L + i * L + j]! + m[i]! * m[j]!;
        out.data[i * L1 + L] = m[i]!;
        out.data[L * L1 + i] = m[i]!;
      }
      out.data[L * L1 + L] = 1;
      return out;
    };
    for (let s = 0; s < seqs.length; s++) {
      const x = seqs[s]!;
      const r = smoothed[s]!;
      const T = x.length / D;
      for (let i = 0; i < L; i++) mu0.data[i]! += r.means[i]!;
      let prev = secondMoment(r, 0);
      for (let n = 0; n < T; n++) {
        const Eww = n === 0 ? prev : secondMoment(r, n);
        addScaledInPlace(Sww, Eww);
        const xn = x.subarray(n * D, (n + 1) * D);
        for (let i = 0; i < D; i++) {
          for (let j = 0; j < L; j++) Sxw.data[i * L1 + j]! += xn[i]! * r.means[n * L + j]!;
          Sxw.data[i * L1 + L]! += xn[i]!;
          for (let j = 0; j < D; j++) Sxx.data[i * D + j]! += xn[i]! * xn[j]!;
        }
        steps++;
        if (n > 0) {
          addScaledInPlace(Suu, prev);
          for (let i = 0; i < L; i++) {
            for (let j = 0; j < L; j++) {
              Szu.data[i * L1 + j]! += r.crossCovariances[(n - 1) * L * L + i * L + j]! + r.means[n * L + i]! * r.means[(n - 1) * L + j]!;
              Szz.data[i * L + j]! += Eww.data[i * L1 + j]!;
            }
            Szu.data[i * L1 + L]! += r.means[n * L + i]!;
          }
          transitions++;
        }
        prev = Eww;
      }
    }
    const K = seqs.length;
    for (let i = 0; i < L; i++) mu0.data[i]! /= K;
    const V0 = zeros(L, L);
    for (const r of smoothed) {
      for (let i = 0; i < L; i++) {
        for (let j = 0; j < L; j++) {
          V0.data[i * L + j]! += (r.covariances[i * L + j]! + (r.means[i]! - mu0.data[i]!) * (r.means[j]! - mu0.data[j]!)) / K;
        }
      }
    }
    let A = this.#A;
    let b = this.#b;
    let Q = this.#Q;
    if (transitions > 0) {
      const AB = solveSpd(Szu, Suu, 'transition');
      A = { rows: L, cols: L, data: new Float64Array(L * L) };
      b = zeros(L, 1);
      for (let i = 0; i < L; i++) {
        for (let j = 0; j < L; j++) A.data[i * L + j] = AB.data[i * L1 + j]!;
        b.data[i] = AB.data[i * L1 + L]!;
      }
      const Qsum = subtract(Szz, matmulTransB(AB, Szu));
      Q = symmetrize({ rows: L, cols: L, data: Qsum.data.map((v) => v / transitions) });
    }
    const CD = solveSpd(Sxw, Sww, 'emission');
    const C = zeros(D, L);
    const d = zeros(D, 1);
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < L; j++) C.data[i * L + j] = CD.data[i * L1 + j]!;
      d.data[i] = CD.data[i * L1 + L]!;
    }
    const Rsum = subtract(Sxx, matmulTransB(CD, Sxw));
    let R = symmetrize({ rows: D, cols: D, data: Rsum.data.map((v) => v / steps) });
    if (diagonalR) {
      const diag = zeros(D, D);
      for (let i = 0; i < D; i++) diag.data[i * D + i] = R.data[i * D + i]!;
      R = diag;
    }
    return new LinearGaussianSsm({
      A: toRows(A),
      b: b.data,
      Q: toRows(Q),
      C: toRows(C),
      d: d.data,
      R: toRows(R),
      mu0: mu0.data,
      V0: toRows(symmetrize(V0)),
    });
  }
}

/** X = B M^{-1} for the symmetric positive-definite second-moment matrix M. */
function solveSpd(B: Matrix, M: Matrix, what: string): Matrix {
  const chol = cholesky(M);
  if (chol === null) {
    throw new RangeError(`LinearGaussianSsm.fitEm: the ${what} second-moment matrix is singular (too few time steps, or a latent that never varies)`);
  }
  return transpose(choleskySolve(chol, transpose(B)));
}

function addVec(a: Matrix, b: Matrix): Matrix {
  const out = copy(a);
  addScaledInPlace(out, b);
  return out;
}

const addMat = addVec;

function checkDim(where: string, what: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw invalidArgument(where, what, 'a positive integer', value);
}

function readMatrix(where: string, what: string, value: MatrixInput): Matrix {
  if (value === null || typeof value !== 'object' || typeof value.length !== 'number') {
    throw invalidArgument(where, what, 'a matrix given as an array of rows', value);
  }
  const cols = value.length === 0 ? 0 : value[0]?.length;
  for (let i = 0; i < value.length; i++) {
    const row = value[i];
    if (row === null || typeof row !== 'object' || row.length !== cols) {
      throw invalidArgument(where, `${what}[${i}]`, `a row of length ${cols}`, row);
    }
    for (let j = 0; j < row.length; j++) {
      if (!Number.isFinite(row[j])) throw invalidArgument(where, `${what}[${i}][${j}]`, 'a finite number', row[j]);
    }
  }
  return fromRows(value);
}

function readVector(where: string, what: string, value: ArrayLike<number>, n: number): Matrix {
  if (value === null || typeof value !== 'object' || value.length !== n) {
    throw invalidArgument(where, what, `an array of length ${n}`, value);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(value[i])) throw invalidArgument(where, `${what}[${i}]`, 'a finite number', value[i]);
  }
  return column(value);
}

function readCovariance(where: string, what: string, value: MatrixInput, n: number): Matrix {
  const m = readMatrix(where, what, value);
  if (m.rows !== n || m.cols !== n) throw invalidArgument(where, what, `a ${n}x${n} matrix`, { raw: `${m.rows}x${m.cols}` });
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const a = m.data[i * n + j]!;
      const b = m.data[j * n + i]!;
      if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))) {
        throw invalidArgument(where, what, 'symmetric', { raw: `${what}[${i}][${j}] = ${a} but ${what}[${j}][${i}] = ${b}` });
      }
    }
  }
  if (cholesky(m) === null) throw invalidArgument(where, what, 'positive definite', { raw: 'a matrix with a non-positive pivot in its Cholesky factorisation' });
  return symmetrize(m);
}

function readSequence(where: string, what: string, x: Sequence, obsDim: number): Float64Array {
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number') {
    throw invalidArgument(where, what, `an array of rows or a flat array of length T * ${obsDim}`, x);
  }
  let flat: Float64Array;
  if (x.length > 0 && typeof x[0] === 'object') {
    const rows = x as ArrayLike<ArrayLike<number>>;
    flat = new Float64Array(rows.length * obsDim);
    for (let n = 0; n < rows.length; n++) {
      const row = rows[n]!;
      if (row.length !== obsDim) throw invalidArgument(where, `${what}[${n}]`, `a row of length ${obsDim} (obsDim)`, row);
      for (let i = 0; i < obsDim; i++) flat[n * obsDim + i] = row[i]!;
    }
  } else {
    if (x.length % obsDim !== 0) {
      throw invalidArgument(where, `${what}'s length`, `a multiple of obsDim ${obsDim}`, x.length);
    }
    flat = Float64Array.from(x as ArrayLike<number>);
  }
  if (flat.length === 0) throw invalidArgument(where, what, 'at least one time step', { raw: 'an empty sequence' });
  for (let i = 0; i < flat.length; i++) {
    if (!Number.isFinite(flat[i])) {
      throw invalidArgument(where, `${what} at step ${Math.floor(i / obsDim) + 1}, dim ${i % obsDim}`, 'finite', flat[i]);
    }
  }
  return flat;
}

function readSequences(where: string, sequences: readonly Sequence[], obsDim: number): Float64Array[] {
  if (!Array.isArray(sequences) || sequences.length === 0) {
    throw invalidArgument(where, 'sequences', 'a non-empty array of sequences', sequences);
  }
  return sequences.map((s, i) => readSequence(where, `sequences[${i}]`, s, obsDim));
}
