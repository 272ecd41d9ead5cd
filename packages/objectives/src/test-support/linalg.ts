/**
 * Small dense float64 linear algebra for the test oracles (plain arrays, no tfjs), so
 * that reference values are computed independently of the code under test.
 */
export type Matrix = number[][];
export type Vector = number[];

export const zeros = (rows: number, cols: number): Matrix => Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
export const identity = (n: number): Matrix => zeros(n, n).map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
export const transpose = (a: Matrix): Matrix => a[0]!.map((_, j) => a.map((row) => row[j]!));

export function matMul(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}
export const matVec = (a: Matrix, v: Vector): Vector => a.map((row) => row.reduce((s, x, k) => s + x * v[k]!, 0));
export const add = (a: Matrix, b: Matrix): Matrix => a.map((row, i) => row.map((v, j) => v + b[i]![j]!));
export const sub = (a: Matrix, b: Matrix): Matrix => a.map((row, i) => row.map((v, j) => v - b[i]![j]!));
export const scale = (a: Matrix, s: number): Matrix => a.map((row) => row.map((v) => v * s));
export const addVec = (a: Vector, b: Vector): Vector => a.map((v, i) => v + b[i]!);
export const subVec = (a: Vector, b: Vector): Vector => a.map((v, i) => v - b[i]!);
export const dot = (a: Vector, b: Vector): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
export const trace = (a: Matrix): number => a.reduce((s, row, i) => s + row[i]!, 0);
export const symmetrize = (a: Matrix): Matrix => a.map((row, i) => row.map((v, j) => 0.5 * (v + a[j]![i]!)));

/** Lower Cholesky factor L with L L^T = a (a symmetric positive definite). */
export function cholesky(a: Matrix): Matrix {
  const n = a.length;
  const l = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error(`cholesky: matrix is not positive definite (pivot ${s} at ${i})`);
        l[i]![i] = Math.sqrt(s);
      } else {
        l[i]![j] = s / l[j]![j]!;
      }
    }
  }
  return l;
}

/** Solves a x = b for symmetric positive definite a, one right-hand side per column of b. */
export function solveSpd(a: Matrix, b: Matrix): Matrix {
  const l = cholesky(a);
  const n = a.length;
  return transpose(
    transpose(b).map((rhs) => {
      const y = new Array<number>(n).fill(0);
      for (let i = 0; i < n; i++) {
        let s = rhs[i]!;
        for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
        y[i] = s / l[i]![i]!;
      }
      const x = new Array<number>(n).fill(0);
      for (let i = n - 1; i >= 0; i--) {
        let s = y[i]!;
        for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
        x[i] = s / l[i]![i]!;
      }
      return x;
    }),
  );
}

export const inverseSpd = (a: Matrix): Matrix => solveSpd(a, identity(a.length));
export const logDetSpd = (a: Matrix): number => 2 * cholesky(a).reduce((s, row, i) => s + Math.log(row[i]!), 0);

/** log N(x; mean, cov) for a dense covariance. */
export function gaussianLogDensity(x: Vector, mean: Vector, cov: Matrix): number {
  const r = subVec(x, mean);
  const solved = solveSpd(cov, r.map((v) => [v])).map((row) => row[0]!);
  return -0.5 * (x.length * Math.log(2 * Math.PI) + logDetSpd(cov) + dot(r, solved));
}

/** KL[N(m0, s0) || N(m1, s1)] for dense covariances. */
export function gaussianKl(m0: Vector, s0: Matrix, m1: Vector, s1: Matrix): number {
  const d = m0.length;
  const s1inv = inverseSpd(s1);
  const diff = subVec(m1, m0);
  return 0.5 * (trace(matMul(s1inv, s0)) + dot(diff, matVec(s1inv, diff)) - d + logDetSpd(s1) - logDetSpd(s0));
}
