/**
 * R^2 after an affine map: how much of a target (true latents, true rates) a
 * representation explains once it is allowed any linear change of coordinates plus an
 * offset, the standard score of latent recovery (latent models are identifiable only
 * up to such maps). Least squares in float64.
 */
import { invalidArgument } from '@elbo/runtime';
import { cholesky, choleskySolve } from './dense.js';
import type { Matrix } from './dense.js';

export interface AffineMap {
  /** Shape `[inputDim + 1, outputDim]`: rows for the inputs, then the offset row. */
  readonly weights: Float64Array;
  readonly inputDim: number;
  readonly outputDim: number;
}

/** Least-squares W minimising |[x, 1] W - y|^2 over rows; x [n, p], y [n, q] row-major. */
export function fitAffineMap(x: ArrayLike<number>, y: ArrayLike<number>, dims: { inputDim: number; outputDim: number }): AffineMap {
  const where = 'fitAffineMap';
  const { inputDim: p, outputDim: q } = dims;
  const n = checkRows(where, x, y, p, q);
  const P = p + 1;
  const xtx: Matrix = { rows: P, cols: P, data: new Float64Array(P * P) };
  const xty: Matrix = { rows: P, cols: q, data: new Float64Array(P * q) };
  const row = new Float64Array(P);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < p; k++) row[k] = x[i * p + k]!;
    row[p] = 1;
    for (let a = 0; a < P; a++) {
      const ra = row[a]!;
      for (let b = 0; b < P; b++) xtx.data[a * P + b]! += ra * row[b]!;
      for (let c = 0; c < q; c++) xty.data[a * q + c]! += ra * y[i * q + c]!;
    }
  }
  // A tiny ridge keeps the solve defined when inputs are collinear (e.g. a dead latent).
  let trace = 0;
  for (let a = 0; a < P; a++) trace += xtx.data[a * P + a]!;
  for (let a = 0; a < P; a++) xtx.data[a * P + a]! += 1e-10 * (trace / P) + 1e-12;
  const chol = cholesky(xtx);
  if (chol === null) throw invalidArgument(where, 'x', 'rows whose second-moment matrix is positive definite', { raw: 'a singular design' });
  return { weights: choleskySolve(chol, xty).data, inputDim: p, outputDim: q };
}

export function applyAffineMap(map: AffineMap, x: ArrayLike<number>): Float64Array {
  const { inputDim: p, outputDim: q, weights } = map;
  if (x.length % p !== 0) throw invalidArgument('applyAffineMap', "x's length", `a multiple of inputDim ${p}`, x.length);
  const n = x.length / p;
  const out = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < q; c++) {
      let s = weights[p * q + c]!;
      for (let k = 0; k < p; k++) s += x[i * p + k]! * weights[k * q + c]!;
      out[i * q + c] = s;
    }
  }
  return out;
}

/**
 * Coefficient of determination per output dimension, 1 - SS_res / SS_tot, averaged
 * over dimensions (each dimension weighs the same, as in sklearn's 'uniform_average').
 */
export function rSquared(predicted: ArrayLike<number>, target: ArrayLike<number>, outputDim: number): number {
  const where = 'rSquared';
  if (predicted.length !== target.length) throw invalidArgument(where, 'predicted', `${target.length} values (as many as target)`, { raw: `${predicted.length}` });
  if (target.length === 0 || target.length % outputDim !== 0) throw invalidArgument(where, 'target', `a non-empty multiple of ${outputDim} values`, { raw: `${target.length}` });
  const n = target.length / outputDim;
  let total = 0;
  for (let c = 0; c < outputDim; c++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += target[i * outputDim + c]!;
    mean /= n;
    let res = 0;
    let tot = 0;
    for (let i = 0; i < n; i++) {
      const t = target[i * outputDim + c]!;
      res += (t - predicted[i * outputDim + c]!) ** 2;
      tot += (t - mean) ** 2;
    }
    if (tot === 0) throw invalidArgument(where, `target dimension ${c}`, 'not constant', { raw: 'zero variance' });
    total += 1 - res / tot;
  }
  return total / outputDim;
}

/**
 * R^2 of `target` [n, q] explained by `x` [n, p] through the best affine map. The map
 * is fitted on `fitOn` ({ x, y }) when given (e.g. training trials), else on the same rows.
 */
export function r2AfterAffineMap(
  x: ArrayLike<number>,
  target: ArrayLike<number>,
  dims: { inputDim: number; outputDim: number },
  options: { fitOn?: { x: ArrayLike<number>; y: ArrayLike<number> } } = {},
): number {
  const map = fitAffineMap(options.fitOn?.x ?? x, options.fitOn?.y ?? target, dims);
  return rSquared(applyAffineMap(map, x), target, dims.outputDim);
}

function checkRows(where: string, x: ArrayLike<number>, y: ArrayLike<number>, p: number, q: number): number {
  for (const [name, v] of [
    ['dims.inputDim', p],
    ['dims.outputDim', q],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw invalidArgument(where, name, 'a positive integer', v);
  }
  if (x.length % p !== 0) throw invalidArgument(where, "x's length", `a multiple of inputDim ${p}`, x.length);
  const n = x.length / p;
  if (y.length !== n * q) throw invalidArgument(where, "y's length", `${n * q} (${n} rows of ${q})`, y.length);
  if (n <= p) throw invalidArgument(where, 'the number of rows', `more than inputDim + 1 = ${p + 1}`, n);
  return n;
}
