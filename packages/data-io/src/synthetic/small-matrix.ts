import { invalidArgument } from '@elbo/runtime';

/** A dense matrix as rows of numbers: `m[i][j]` is row i, column j. */
export type Matrix = number[][];

/** Checks `value` is a rows x cols matrix of finite numbers and returns a copy. */
export function checkMatrix(where: string, name: string, value: unknown, rows: number, cols: number): Matrix {
  const ok =
    Array.isArray(value) &&
    value.length === rows &&
    value.every(
      (row) => Array.isArray(row) && row.length === cols && row.every((v) => typeof v === 'number' && Number.isFinite(v)),
    );
  if (!ok) throw invalidArgument(where, name, `a ${rows} x ${cols} array of finite numbers`, value);
  return (value as Matrix).map((row) => row.slice());
}

/** Checks `value` is a vector of `length` finite numbers and returns a copy. */
export function checkVector(where: string, name: string, value: unknown, length: number): number[] {
  const ok =
    (Array.isArray(value) || value instanceof Float32Array || value instanceof Float64Array) &&
    value.length === length &&
    Array.from(value as ArrayLike<number>).every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!ok) throw invalidArgument(where, name, `a vector of ${length} finite numbers`, value);
  return Array.from(value as ArrayLike<number>);
}

export function identity(n: number, scale = 1): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? scale : 0)));
}

/**
 * Lower-triangular L with L L^T = `a` for a symmetric positive-definite `a`; names
 * the matrix when it is not.
 */
export function cholesky(where: string, name: string, a: Matrix): Matrix {
  const n = a.length;
  const l: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (Math.abs(a[i]![j]! - a[j]![i]!) > 1e-9 * (1 + Math.abs(a[i]![j]!))) {
        throw invalidArgument(where, name, 'a symmetric matrix', { raw: `entries [${i}][${j}] and [${j}][${i}] differ` });
      }
    }
  }
  for (let j = 0; j < n; j++) {
    let diag = a[j]![j]!;
    for (let k = 0; k < j; k++) diag -= l[j]![k]! ** 2;
    if (!(diag > 0)) throw invalidArgument(where, name, 'a positive-definite covariance', { raw: `pivot ${j} is ${diag}` });
    const ljj = Math.sqrt(diag);
    l[j]![j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = s / ljj;
    }
  }
  return l;
}

/** out[0..rows) = m x (+ out when `accumulate`), x read from `x[xOffset..]`. */
export function matVecInto(m: Matrix, x: ArrayLike<number>, xOffset: number, out: Float64Array, accumulate = false): void {
  for (let i = 0; i < m.length; i++) {
    const row = m[i]!;
    let s = accumulate ? out[i]! : 0;
    for (let j = 0; j < row.length; j++) s += row[j]! * x[xOffset + j]!;
    out[i] = s;
  }
}
