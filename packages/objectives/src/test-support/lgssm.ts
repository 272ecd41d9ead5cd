/**
 * A linear-Gaussian state-space model in float64: z_1 ~ N(m0, P0),
 * z_n = A z_{n-1} + N(0, Q), x_n = C z_n + N(0, R). The Kalman filter gives log p(x);
 * the Rauch-Tung-Striebel smoother gives the exact posterior, written here in the
 * structured form of the sequential ELBO: q(z_1 | x) and q(z_n | z_{n-1}, x) =
 * N(F_n z_{n-1} + b_n, Sigma_n). Test oracle only.
 */
import {
  add,
  addVec,
  gaussianLogDensity,
  identity,
  inverseSpd,
  matMul,
  matVec,
  solveSpd,
  sub,
  subVec,
  symmetrize,
  transpose,
  type Matrix,
  type Vector,
} from './linalg.js';

export interface Lgssm {
  readonly m0: Vector;
  readonly p0: Matrix;
  readonly a: Matrix;
  readonly q: Matrix;
  readonly c: Matrix;
  readonly r: Matrix;
}

export interface KalmanResult {
  readonly logLikelihood: number;
  readonly predictedMeans: Vector[];
  readonly predictedCovs: Matrix[];
  readonly filteredMeans: Vector[];
  readonly filteredCovs: Matrix[];
}

export function kalmanFilter(model: Lgssm, xs: Vector[]): KalmanResult {
  const predictedMeans: Vector[] = [];
  const predictedCovs: Matrix[] = [];
  const filteredMeans: Vector[] = [];
  const filteredCovs: Matrix[] = [];
  let logLikelihood = 0;
  xs.forEach((x, n) => {
    const mp = n === 0 ? model.m0 : matVec(model.a, filteredMeans[n - 1]!);
    const pp =
      n === 0 ? model.p0 : add(matMul(matMul(model.a, filteredCovs[n - 1]!), transpose(model.a)), model.q);
    const s = add(matMul(matMul(model.c, pp), transpose(model.c)), model.r);
    const predictedX = matVec(model.c, mp);
    logLikelihood += gaussianLogDensity(x, predictedX, s);
    // Kalman gain K = Pp C^T S^-1 = (S^-1 C Pp)^T.
    const gain = transpose(solveSpd(s, matMul(model.c, pp)));
    predictedMeans.push(mp);
    predictedCovs.push(pp);
    filteredMeans.push(addVec(mp, matVec(gain, subVec(x, predictedX))));
    filteredCovs.push(symmetrize(sub(pp, matMul(matMul(gain, model.c), pp))));
  });
  return { logLikelihood, predictedMeans, predictedCovs, filteredMeans, filteredCovs };
}

export interface StructuredPosterior {
  /** q(z_1 | x) = N(firstMean, firstCov). */
  readonly firstMean: Vector;
  readonly firstCov: Matrix;
  /** For n >= 2 (index n - 1): q(z_n | z_{n-1}, x) = N(transition[n-1] z_{n-1} + offset[n-1], cov[n-1]). */
  readonly transition: Matrix[];
  readonly offset: Vector[];
  readonly cov: Matrix[];
  readonly smoothedMeans: Vector[];
  readonly smoothedCovs: Matrix[];
}

/** The exact smoothing posterior p(z_1:N | x_1:N) as a forward Markov chain. */
export function smoothingPosterior(model: Lgssm, xs: Vector[]): StructuredPosterior {
  const f = kalmanFilter(model, xs);
  const n = xs.length;
  const smoothedMeans: Vector[] = new Array(n);
  const smoothedCovs: Matrix[] = new Array(n);
  const gains: Matrix[] = new Array(n);
  smoothedMeans[n - 1] = f.filteredMeans[n - 1]!;
  smoothedCovs[n - 1] = f.filteredCovs[n - 1]!;
  for (let t = n - 2; t >= 0; t--) {
    // RTS gain G_t = Pf_t A^T Pp_{t+1}^-1.
    const g = transpose(solveSpd(f.predictedCovs[t + 1]!, matMul(model.a, f.filteredCovs[t]!)));
    gains[t] = g;
    smoothedMeans[t] = addVec(f.filteredMeans[t]!, matVec(g, subVec(smoothedMeans[t + 1]!, f.predictedMeans[t + 1]!)));
    smoothedCovs[t] = symmetrize(
      add(f.filteredCovs[t]!, matMul(matMul(g, sub(smoothedCovs[t + 1]!, f.predictedCovs[t + 1]!)), transpose(g))),
    );
  }
  const transition: Matrix[] = [identity(model.m0.length)];
  const offset: Vector[] = [smoothedMeans[0]!];
  const cov: Matrix[] = [smoothedCovs[0]!];
  for (let t = 1; t < n; t++) {
    // Cov(z_t, z_{t-1} | x) = Ps_t G_{t-1}^T; condition z_t on z_{t-1}.
    const cross = matMul(smoothedCovs[t]!, transpose(gains[t - 1]!));
    const ft = matMul(cross, inverseSpd(smoothedCovs[t - 1]!));
    transition.push(ft);
    offset.push(subVec(smoothedMeans[t]!, matVec(ft, smoothedMeans[t - 1]!)));
    cov.push(symmetrize(sub(smoothedCovs[t]!, matMul(ft, transpose(cross)))));
  }
  return { firstMean: smoothedMeans[0]!, firstCov: smoothedCovs[0]!, transition, offset, cov, smoothedMeans, smoothedCovs };
}

/** log p(x_1:N, z_1:N) of the model. */
export function lgssmLogJoint(model: Lgssm, xs: Vector[], zs: Vector[]): number {
  let total = 0;
  zs.forEach((z, t) => {
    total +=
      t === 0 ? gaussianLogDensity(z, model.m0, model.p0) : gaussianLogDensity(z, matVec(model.a, zs[t - 1]!), model.q);
    total += gaussianLogDensity(xs[t]!, matVec(model.c, z), model.r);
  });
  return total;
}

/** log q(z_1:N) of the structured posterior. */
export function structuredLogDensity(q: StructuredPosterior, zs: Vector[]): number {
  return zs.reduce(
    (sum, z, t) =>
      sum +
      (t === 0
        ? gaussianLogDensity(z, q.firstMean, q.firstCov)
        : gaussianLogDensity(z, addVec(matVec(q.transition[t]!, zs[t - 1]!), q.offset[t]!), q.cov[t]!)),
    0,
  );
}
