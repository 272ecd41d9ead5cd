/**
 * Small dense float64 matrices (row-major) for the exact linear-Gaussian baseline.
 * State-space models here have a handful of latents and at most a few hundred
 * observed dimensions, so plain loops in float64 are both exact enough and fast enough.
 */

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export function fromRows(rows: ArrayLike<ArrayLike<number>>): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0]!.length;
  const m = zeros(r, c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) m.data[i * c + j] = rows[i]![j]!;
  return m;
}

export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

export function column(values: ArrayLike<number>): Matrix {
  return { rows: values.length, cols: 1, data: Float64Array.from(values) };
}

export function copy(m: Matrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: m.data.slice() };
}

export function transpose(m: Matrix): Matrix {
  const t = zeros(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) t.data[j * m.rows + i] = m.data[i * m.cols + j]!;
  return t;
}

export function matmul(a: Matrix, b: Matrix): Matrix {
  const out = zeros(a.rows, b.cols);
  const { data: ad } = a;
  const { data: bd } = b;
  const od = out.data;
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = ad[i * a.cols + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < b.cols; j++) od[i * b.cols + j]! += aik * bd[k * b.cols + j]!;
    }
  }
  return out;
}

/** a * b^T without forming the transpose. */
export function matmulTransB(a: Matrix, b: Matrix): Matrix {
  const out = zeros(a.rows, b.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.rows; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k]! * b.data[j * b.cols + k]!;
      out.data[i * b.rows + j] = s;
    }
  }
  return out;
}

export function add(a: Matrix, b: Matrix): Matrix {
  const out = copy(a);
  for (let i = 0; i < out.data.length; i++) out.data[i]! += b.data[i]!;
  return out;
}

export function subtract(a: Matrix, b: Matrix): Matrix {
  const out = copy(a);
  for (let i = 0; i < out.data.length; i++) out.data[i]! -= b.data[i]!;
  return out;
}

export function scale(a: Matrix, s: number): Matrix {
  const out = copy(a);
  for (let i = 0; i < out.data.length; i++) out.data[i]! *= s;
  return out;
}

/** In place: adds s * b to a. */
export function addScaledInPlace(a: Matrix, b: Matrix, s = 1): void {
  for (let i = 0; i < a.data.length; i++) a.data[i]! += s * b.data[i]!;
}

/** (m + m^T) / 2: removes the asymmetry rounding leaves in covariance updates. */
export function symmetrize(m: Matrix): Matrix {
  const n = m.rows;
  const out = copy(m);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (m.data[i * n + j]! + m.data[j * n + i]!);
      out.data[i * n + j] = v;
      out.data[j * n + i] = v;
    }
  }
  return out;
}

/** Lower Cholesky factor of a symmetric positive-definite matrix, or null when it is not. */
export function cholesky(m: Matrix): Matrix | null {
  const n = m.rows;
  const l = zeros(n, n);
  for (let j = 0; j < n; j++) {
    let d = m.data[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l.data[j * n + k]! ** 2;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l.data[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = m.data[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l.data[i * n + k]! * l.data[j * n + k]!;
      l.data[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L L^T X = B for X given the lower Cholesky factor L. */
export function choleskySolve(l: Matrix, b: Matrix): Matrix {
  const n = l.rows;
  const x = copy(b);
  const c = b.cols;
  for (let col = 0; col < c; col++) {
    for (let i = 0; i < n; i++) {
      let s = x.data[i * c + col]!;
      for (let k = 0; k < i; k++) s -= l.data[i * n + k]! * x.data[k * c + col]!;
      x.data[i * c + col] = s / l.data[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x.data[i * c + col]!;
      for (let k = i + 1; k < n; k++) s -= l.data[k * n + i]! * x.data[k * c + col]!;
      x.data[i * c + col] = s / l.data[i * n + i]!;
    }
  }
  return x;
}

/** log det(L L^T) from the Cholesky factor. */
export function choleskyLogDet(l: Matrix): number {
  let s = 0;
  for (let i = 0; i < l.rows; i++) s += Math.log(l.data[i * l.rows + i]!);
  return 2 * s;
}

/** X = B A^{-1} for symmetric positive-definite A (through its Cholesky factor). */
export function solveRight(b: Matrix, aChol: Matrix): Matrix {
  return transpose(choleskySolve(aChol, transpose(b)));
}
