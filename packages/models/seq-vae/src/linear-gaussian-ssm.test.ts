import { Generator } from '@elbo/runtime';
import { describe, expect, it } from 'vitest';
import { LinearGaussianSsm } from './linear-gaussian-ssm.js';
import type { LinearGaussianSsmParams } from './linear-gaussian-ssm.js';

// Independent reference: the joint Gaussian of all latents and observations, built
// by brute force with nested arrays and Gauss-Jordan elimination (no Cholesky, no
// recursion over time), so it shares no code with the filter.
type M = number[][];
const mm = (a: M, b: M): M => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const tr = (a: M): M => a[0]!.map((_, j) => a.map((row) => row[j]!));
const plus = (a: M, b: M): M => a.map((row, i) => row.map((v, j) => v + b[i]![j]!));
const minus = (a: M, b: M): M => a.map((row, i) => row.map((v, j) => v - b[i]![j]!));
const zerosM = (r: number, c: number): M => Array.from({ length: r }, () => new Array<number>(c).fill(0));
const col = (v: number[]): M => v.map((x) => [x]);

/** Solves A X = B by Gauss-Jordan with partial pivoting; also returns log|det A|. */
function gaussJordan(a: M, b: M): { x: M; logAbsDet: number } {
  const n = a.length;
  const aug = a.map((row, i) => [...row, ...b[i]!]);
  let logAbsDet = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(aug[r]![c]!) > Math.abs(aug[p]![c]!)) p = r;
    [aug[c], aug[p]] = [aug[p]!, aug[c]!];
    const pivot = aug[c]![c]!;
    logAbsDet += Math.log(Math.abs(pivot));
    for (let j = 0; j < aug[c]!.length; j++) aug[c]![j]! /= pivot;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = aug[r]![c]!;
      if (f === 0) continue;
      for (let j = 0; j < aug[r]!.length; j++) aug[r]![j]! -= f * aug[c]![j]!;
    }
  }
  return { x: aug.map((row) => row.slice(n)), logAbsDet };
}

function jointGaussian(p: LinearGaussianSsmParams, T: number) {
  const A = p.A as M;
  const C = p.C as M;
  const L = A.length;
  const D = C.length;
  const b = Array.from(p.b ?? new Array<number>(L).fill(0));
  const d = Array.from(p.d ?? new Array<number>(D).fill(0));
  const means: M[] = [col(Array.from(p.mu0))];
  const vars: M[] = [p.V0 as M];
  for (let n = 1; n < T; n++) {
    means.push(plus(mm(A, means[n - 1]!), col(b)));
    vars.push(plus(mm(mm(A, vars[n - 1]!), tr(A)), p.Q as M));
  }
  const Szz = zerosM(T * L, T * L);
  for (let n = 0; n < T; n++) {
    for (let m = 0; m <= n; m++) {
      let block = vars[m]!;
      for (let k = m; k < n; k++) block = mm(A, block); // Cov(z_n, z_m) = A^{n-m} Var(z_m)
      for (let i = 0; i < L; i++) {
        for (let j = 0; j < L; j++) {
          Szz[n * L + i]![m * L + j] = block[i]![j]!;
          Szz[m * L + j]![n * L + i] = block[i]![j]!;
        }
      }
    }
  }
  const bigC = zerosM(T * D, T * L);
  const bigR = zerosM(T * D, T * D);
  for (let n = 0; n < T; n++) {
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < L; j++) bigC[n * D + i]![n * L + j] = C[i]![j]!;
      for (let j = 0; j < D; j++) bigR[n * D + i]![n * D + j] = (p.R as M)[i]![j]!;
    }
  }
  const muZ = means.flatMap((m) => m.map((r) => r[0]!));
  const muX = mm(bigC, col(muZ)).map((r, i) => r[0]! + d[i % D]!);
  const Sxx = plus(mm(mm(bigC, Szz), tr(bigC)), bigR);
  const Szx = mm(Szz, tr(bigC));
  return { muZ, muX, Szz, Sxx, Szx };
}

function bruteForceLogLikelihood(p: LinearGaussianSsmParams, x: number[]): number {
  const T = x.length / (p.C as M).length;
  const { muX, Sxx } = jointGaussian(p, T);
  const r = col(x.map((v, i) => v - muX[i]!));
  const { x: sol, logAbsDet } = gaussJordan(Sxx, r);
  const quad = r.reduce((s, v, i) => s + v[0]! * sol[i]![0]!, 0);
  return -0.5 * (x.length * Math.log(2 * Math.PI) + logAbsDet + quad);
}

function bruteForcePosterior(p: LinearGaussianSsmParams, x: number[]) {
  const T = x.length / (p.C as M).length;
  const { muZ, muX, Szz, Sxx, Szx } = jointGaussian(p, T);
  const r = col(x.map((v, i) => v - muX[i]!));
  const gain = tr(gaussJordan(Sxx, tr(Szx)).x); // Szx Sxx^{-1}
  const mean = mm(gain, r).map((row, i) => row[0]! + muZ[i]!);
  const cov = minus(Szz, mm(gain, tr(Szx)));
  return { mean, cov };
}

const model2: LinearGaussianSsmParams = {
  A: [
    [0.9, 0.2],
    [-0.1, 0.8],
  ],
  b: [0.1, -0.2],
  Q: [
    [0.3, 0.05],
    [0.05, 0.2],
  ],
  C: [
    [1.0, 0.5],
    [-0.3, 0.8],
    [0.2, 0.1],
  ],
  d: [0.5, -1, 0.25],
  R: [
    [0.5, 0.1, 0],
    [0.1, 0.4, 0.05],
    [0, 0.05, 0.3],
  ],
  mu0: [0.3, -0.4],
  V0: [
    [1.0, 0.2],
    [0.2, 0.7],
  ],
};

describe('LinearGaussianSsm', () => {
  it('matches a scalar model worked by hand (T = 2)', () => {
    const [a, q, c, r, mu0, v0] = [0.7, 0.5, 2, 0.3, 1, 2];
    const ssm = new LinearGaussianSsm({ A: [[a]], Q: [[q]], C: [[c]], R: [[r]], mu0: [mu0], V0: [[v0]] });
    const x = [1.5, -0.4];
    const logN = (v: number, m: number, s2: number) => -0.5 * (Math.log(2 * Math.PI * s2) + (v - m) ** 2 / s2);
    // Step 1: x1 ~ N(c mu0, c^2 v0 + r); posterior by the scalar Bayes rule.
    const s1 = c * c * v0 + r;
    const m1 = mu0 + ((v0 * c) / s1) * (x[0]! - c * mu0);
    const p1 = v0 - (v0 * c) ** 2 / s1;
    // Step 2: predicted N(a m1, a^2 p1 + q).
    const m2p = a * m1;
    const p2p = a * a * p1 + q;
    const s2 = c * c * p2p + r;
    const expected = logN(x[0]!, c * mu0, s1) + logN(x[1]!, c * m2p, s2);
    const f = ssm.filter(x);
    expect(f.logLikelihood).toBeCloseTo(expected, 12);
    expect(f.means[0]).toBeCloseTo(m1, 12);
    expect(f.covariances[0]).toBeCloseTo(p1, 12);
    expect(f.predictedMeans[1]).toBeCloseTo(m2p, 12);
    expect(f.predictedCovariances[1]).toBeCloseTo(p2p, 12);
    const m2 = m2p + ((p2p * c) / s2) * (x[1]! - c * m2p);
    const p2 = p2p - (p2p * c) ** 2 / s2;
    // RTS by hand: J = p1 a / p2p.
    const J = (p1 * a) / p2p;
    const s = ssm.smooth(x);
    expect(s.means[1]).toBeCloseTo(m2, 12);
    expect(s.means[0]).toBeCloseTo(m1 + J * (m2 - m2p), 12);
    expect(s.covariances[0]).toBeCloseTo(p1 + J * J * (p2 - p2p), 12);
    expect(s.crossCovariances[0]).toBeCloseTo(p2 * J, 12);
  });

  it('with T = 1 gives the Gaussian marginal N(C mu0 + d, C V0 C^T + R)', () => {
    const ssm = new LinearGaussianSsm(model2);
    const x = [0.7, -1.3, 0.9];
    expect(ssm.logLikelihood(x)).toBeCloseTo(bruteForceLogLikelihood(model2, x), 10);
    const smoothed = ssm.smooth([x]);
    expect(smoothed.crossCovariances.length).toBe(0);
  });

  it('equals the brute-force joint Gaussian for T = 6 (log-likelihood, means, covariances, lag-one cross-covariances)', () => {
    const ssm = new LinearGaussianSsm(model2);
    const { observations } = ssm.sample(6, { rng: Generator.fromSeed(3) });
    const x = Array.from(observations);
    expect(ssm.logLikelihood(x)).toBeCloseTo(bruteForceLogLikelihood(model2, x), 9);
    const { mean, cov } = bruteForcePosterior(model2, x);
    const s = ssm.smooth(x);
    const L = 2;
    for (let i = 0; i < mean.length; i++) expect(s.means[i]).toBeCloseTo(mean[i]!, 9);
    for (let n = 0; n < 6; n++) {
      for (let i = 0; i < L; i++) {
        for (let j = 0; j < L; j++) {
          expect(s.covariances[n * L * L + i * L + j]).toBeCloseTo(cov[n * L + i]![n * L + j]!, 9);
          if (n < 5) expect(s.crossCovariances[n * L * L + i * L + j]).toBeCloseTo(cov[(n + 1) * L + i]![n * L + j]!, 9);
        }
      }
    }
  });

  it('accepts rows, flat number arrays and typed arrays alike', () => {
    const ssm = new LinearGaussianSsm(model2);
    const rows = [
      [0.1, 0.2, 0.3],
      [-0.5, 0.4, 1.1],
    ];
    const a = ssm.logLikelihood(rows);
    expect(ssm.logLikelihood(rows.flat())).toBe(a);
    expect(ssm.logLikelihood(Float64Array.from(rows.flat()))).toBe(a);
  });

  it('EM never lowers the likelihood and ends above the true parameters on their own data', () => {
    const truth = new LinearGaussianSsm(model2);
    const rng = Generator.fromSeed(11);
    const sequences = [40, 25, 60].map((T) => truth.sample(T, { rng }).observations);
    const start = LinearGaussianSsm.initialize(sequences, { obsDim: 3, latentDim: 2, rng: Generator.fromSeed(5) });
    const { model, logLikelihoods } = start.fitEm(sequences, { iterations: 60, tolerance: 0 });
    for (let i = 1; i < logLikelihoods.length; i++) {
      // Exact M-steps: any decrease is rounding only.
      expect(logLikelihoods[i]!).toBeGreaterThanOrEqual(logLikelihoods[i - 1]! - 1e-8 * Math.abs(logLikelihoods[i - 1]!));
    }
    const fitted = sequences.reduce((s, x) => s + model.logLikelihood(x), 0);
    const atTruth = sequences.reduce((s, x) => s + truth.logLikelihood(x), 0);
    expect(fitted).toBeGreaterThan(atTruth);
  });

  it('EM with a diagonal emission covariance keeps R diagonal and still climbs', () => {
    const truth = new LinearGaussianSsm(model2);
    const sequences = [truth.sample(80, { rng: Generator.fromSeed(2) }).observations];
    const start = LinearGaussianSsm.initialize(sequences, { obsDim: 3, latentDim: 2, rng: Generator.fromSeed(1) });
    const { model, logLikelihoods } = start.fitEm(sequences, { iterations: 20, diagonalEmissionCovariance: true, tolerance: 0 });
    expect(logLikelihoods.at(-1)!).toBeGreaterThan(logLikelihoods[0]!);
    const R = model.params.R;
    expect(R[0]![1]).toBe(0);
    expect(R[2]![1]).toBe(0);
  });

  it('rejects bad parameters and data with messages naming them', () => {
    expect(() => new LinearGaussianSsm({ ...model2, Q: [[1, 0], [0, -1]] })).toThrow(/Q must be positive definite/);
    expect(() => new LinearGaussianSsm({ ...model2, R: [[1, 0.5, 0], [0, 1, 0], [0, 0, 1]] })).toThrow(/R must be symmetric/);
    expect(() => new LinearGaussianSsm({ ...model2, C: [[1, 2, 3]] })).toThrow(/C must be a matrix with 2 columns/);
    expect(() => new LinearGaussianSsm({ ...model2, mu0: [1] })).toThrow(/mu0 must be an array of length 2/);
    expect(() => new LinearGaussianSsm({ ...model2, A: [[1, NaN], [0, 1]] })).toThrow(/A\[0\]\[1\] must be a finite number/);
    const ssm = new LinearGaussianSsm(model2);
    expect(() => ssm.filter([1, 2])).toThrow(/length must be a multiple of obsDim 3/);
    expect(() => ssm.filter([[1, 2, NaN]])).toThrow(/x at step 1, dim 2 must be finite/);
    expect(() => ssm.fitEm([], {})).toThrow(/sequences must be a non-empty array/);
    expect(() => ssm.fitEm([[1, 2, 3]], { iterations: 0 })).toThrow(/iterations must be a positive integer/);
  });
});
