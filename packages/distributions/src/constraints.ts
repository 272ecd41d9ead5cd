import { describeValue, formatShape, invalidArgument } from '@elbo/runtime';
import type { Tensor } from '@tensorflow/tfjs';
import { unravelIndex } from './shapes.js';

/**
 * A constraint on parameter or sample values. `firstViolation` scans the values
 * (row-major, with the tensor's shape) and reports the first one that breaks it, or null.
 */
export interface Constraint {
  /** Read as "must be <description>", e.g. `positive (> 0)`. */
  readonly description: string;
  firstViolation(values: ArrayLike<number>, shape: readonly number[]): Violation | null;
}

/** Where a constraint broke (flat row-major offset) and, for row-wise rules, what was found. */
export interface Violation {
  readonly index: number;
  readonly found?: string;
}

/** A constraint checked value by value. */
export function elementwiseConstraint(description: string, ok: (v: number) => boolean): Constraint {
  return {
    description,
    firstViolation(values) {
      for (let i = 0; i < values.length; i++) if (!ok(values[i]!)) return { index: i };
      return null;
    },
  };
}

export const real = elementwiseConstraint('finite', (v) => Number.isFinite(v));
export const positive = elementwiseConstraint('positive (> 0) and finite', (v) => v > 0 && Number.isFinite(v));
export const nonNegative = elementwiseConstraint('non-negative (>= 0) and finite', (v) => v >= 0 && Number.isFinite(v));
export const unitInterval = elementwiseConstraint('in [0, 1]', (v) => v >= 0 && v <= 1);
export const openUnitInterval = elementwiseConstraint('in (0, 1)', (v) => v > 0 && v < 1);
export const binary = elementwiseConstraint('0 or 1', (v) => v === 0 || v === 1);
export const nonNegativeInteger = elementwiseConstraint('a non-negative integer', (v) => v >= 0 && Number.isInteger(v));
export const positiveSupport = elementwiseConstraint('positive (> 0)', (v) => v > 0);
export const realSupport = elementwiseConstraint('a real number (not NaN)', (v) => !Number.isNaN(v));

export function integerInterval(upper: number): Constraint {
  return elementwiseConstraint(`an integer in [0, ${upper - 1}]`, (v) => Number.isInteger(v) && v >= 0 && v < upper);
}

export function greaterThan(lower: number): Constraint {
  return elementwiseConstraint(`greater than ${lower}`, (v) => v > lower);
}

/**
 * A constraint on each row along the last axis: `checkRow(values, start, k)` returns a
 * violation (absolute index) or null.
 */
function rowwise(description: string, checkRow: (values: ArrayLike<number>, start: number, k: number) => Violation | null): Constraint {
  return {
    description,
    firstViolation(values, shape) {
      const k = shape[shape.length - 1] ?? 1;
      for (let row = 0; row < values.length; row += k) {
        const bad = checkRow(values, row, k);
        if (bad) return bad;
      }
      return null;
    },
  };
}

/** Along the last axis: non-negative entries summing to 1 (within `tolerance`). */
export function simplex(tolerance = 1e-5): Constraint {
  return rowwise(`on the simplex (non-negative, summing to 1 along the last axis, within ${tolerance})`, (values, row, k) => {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const v = values[row + j]!;
      if (!(v >= 0)) return { index: row + j };
      sum += v;
    }
    return Math.abs(sum - 1) <= tolerance * k ? null : { index: row, found: `a row summing to ${sum}` };
  });
}

/** Along the last axis: non-negative entries with a positive finite sum. */
export const nonNegativeWeights = rowwise('non-negative and finite, with a positive sum along the last axis', (values, row, k) => {
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const v = values[row + j]!;
    if (!(v >= 0 && Number.isFinite(v))) return { index: row + j };
    sum += v;
  }
  return sum > 0 ? null : { index: row, found: 'a row summing to 0' };
});

/** Along the last axis: a one-hot vector. */
export const oneHot = rowwise('one-hot along the last axis (0s and a single 1)', (values, row, k) => {
  let ones = 0;
  for (let j = 0; j < k; j++) {
    const v = values[row + j]!;
    if (v === 1) ones++;
    else if (v !== 0) return { index: row + j };
  }
  return ones === 1 ? null : { index: row, found: `a row with ${ones} ones` };
});

/** The last two axes form lower-triangular matrices with a positive diagonal. */
export const lowerCholesky: Constraint = {
  description: 'lower-triangular (zeros above the diagonal) with a positive finite diagonal',
  firstViolation(values, shape) {
    const n = shape[shape.length - 1] ?? 1;
    for (let m = 0; m < values.length; m += n * n) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const v = values[m + i * n + j]!;
          const ok = j > i ? v === 0 : j === i ? v > 0 && Number.isFinite(v) : Number.isFinite(v);
          if (!ok) return { index: m + i * n + j };
        }
      }
    }
    return null;
  },
};

/**
 * Throws `${where}: ${what} must be ${constraint}, found ${value} at [i, j]` when a
 * value of `tensor` breaks `constraint`. Reads the tensor's values (synchronously).
 */
export function checkConstraint(where: string, what: string, tensor: Tensor, constraint: Constraint): void {
  const values = tensor.dataSync();
  const bad = constraint.firstViolation(values, tensor.shape);
  if (bad === null) return;
  const at = tensor.rank === 0 ? '' : ` at index ${formatShape(unravelIndex(bad.index, tensor.shape))}`;
  const found = bad.found ?? describeValue(values[bad.index]);
  throw invalidArgument(where, what, constraint.description, { raw: `${found}${at}` });
}
