import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '@elbo/runtime';
import { checkConstraint, real } from './constraints.js';
import type { Constraint } from './constraints.js';

/** What a distribution parameter may be given as. Tensors are used as-is (no copy). */
export type ParamInput = number | number[] | number[][] | number[][][] | Float32Array | Float64Array | tf.Tensor;

/** Options holding exactly one of two alternative parameters, e.g. `{ logits }` or `{ probs }`. */
export type Alternatives<A extends string, B extends string> =
  | ({ readonly [K in A]: ParamInput } & { readonly [K in B]?: undefined })
  | ({ readonly [K in B]: ParamInput } & { readonly [K in A]?: undefined });

/**
 * Converts one parameter to a float32 tensor. Returns the tensor and whether it was
 * created here (and so belongs to the distribution) rather than passed in.
 */
export function toFloatTensor(where: string, name: string, value: unknown): { tensor: tf.Tensor; created: boolean } {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw invalidArgument(where, name, 'a live tensor', { raw: 'a disposed tensor' });
    if (value.dtype === 'float32') return { tensor: value, created: false };
    if (value.dtype === 'int32' || value.dtype === 'bool') return { tensor: tf.cast(value, 'float32'), created: true };
    throw invalidArgument(where, name, 'a float32, int32 or bool tensor', { raw: `dtype ${value.dtype}` });
  }
  if (typeof value === 'number') return { tensor: tf.scalar(value, 'float32'), created: true };
  if (value instanceof Float32Array || value instanceof Float64Array) {
    return { tensor: tf.tensor1d(Float32Array.from(value), 'float32'), created: true };
  }
  if (Array.isArray(value)) {
    if (!isRectangularNumberArray(value)) {
      throw invalidArgument(where, name, 'a rectangular (non-ragged) array of numbers', value);
    }
    return { tensor: tf.tensor(value as number[], undefined, 'float32'), created: true };
  }
  throw invalidArgument(where, name, 'a number, an array of numbers, a Float32Array/Float64Array or a tf.Tensor', value);
}

function isRectangularNumberArray(value: unknown[]): boolean {
  if (value.length === 0) return true;
  if (value.every((v) => typeof v === 'number')) return true;
  if (!value.every(Array.isArray)) return false;
  const rows = value as unknown[][];
  const length = rows[0]!.length;
  return rows.every((row) => row.length === length && isRectangularNumberArray(row));
}

/**
 * Collects a distribution's parameters: converts them, checks constraints when
 * validating, and remembers which tensors it created so the distribution can free them.
 */
export class ParamBuilder {
  readonly owned: tf.Tensor[] = [];

  constructor(
    readonly where: string,
    readonly validate: boolean,
  ) {}

  /** A required parameter, converted to float32 and checked against `constraint` when validating. */
  tensor(name: string, value: unknown, constraint: Constraint): tf.Tensor {
    if (value === undefined || value === null) {
      throw invalidArgument(this.where, name, 'given', value);
    }
    const { tensor, created } = toFloatTensor(this.where, name, value);
    if (created) this.owned.push(tensor);
    if (this.validate) checkConstraint(this.where, name, tensor, constraint);
    return tensor;
  }

  /** A parameter the distribution derived itself (freed with it). */
  own(tensor: tf.Tensor): tf.Tensor {
    this.owned.push(tensor);
    return tensor;
  }

  /** Picks which of two alternative parameters was given; exactly one must be. */
  oneOf<A extends string, B extends string>(options: Partial<Record<A | B, unknown>>, a: A, b: B): A | B {
    const hasA = options[a] !== undefined;
    const hasB = options[b] !== undefined;
    if (hasA === hasB) {
      throw invalidArgument(this.where, 'options', `exactly one of ${a} or ${b}`, { raw: hasA ? 'both' : 'neither' });
    }
    return hasA ? a : b;
  }

  /**
   * One of two alternative parameters (e.g. logits or probs): exactly one must be given.
   * Returns which, and its tensor checked against that alternative's constraint.
   */
  either<A extends string, B extends string>(
    options: Partial<Record<A | B, unknown>>,
    [a, constraintA]: [A, Constraint],
    [b, constraintB]: [B, Constraint],
  ): { which: A | B; tensor: tf.Tensor } {
    const which = this.oneOf(options, a, b);
    return { which, tensor: this.tensor(which, options[which], which === a ? constraintA : constraintB) };
  }

  /**
   * Logits from `{ logits }` or `{ probs }` (probabilities of the positive outcome):
   * log(p) - log(1 - p), a tensor the distribution owns.
   */
  logitsOrProbs(
    options: { logits?: unknown; probs?: unknown },
    probsConstraint: Constraint,
  ): { which: 'logits' | 'probs'; logits: tf.Tensor; probs?: tf.Tensor } {
    const { which, tensor } = this.either(options, ['logits', real], ['probs', probsConstraint]);
    if (which === 'logits') return { which, logits: tensor };
    return { which, probs: tensor, logits: this.own(tf.tidy(() => tf.sub(tf.log(tensor), tf.log1p(tf.neg(tensor))))) };
  }

  /** Requires `tensor` to have at least `rank` dimensions (e.g. a vector of event values). */
  atLeastRank(name: string, tensor: tf.Tensor, rank: number, what: string): void {
    if (tensor.rank < rank) {
      throw invalidArgument(this.where, name, `at least ${rank}-dimensional (${what})`, {
        raw: `shape [${tensor.shape.join(', ')}]`,
      });
    }
  }
}

/**
 * Runs a constructor's parameter handling; if it throws, frees the tensors created so
 * far so that a rejected distribution leaks nothing.
 */
export function buildParams<T extends object>(where: string, validate: boolean | undefined, fn: (params: ParamBuilder) => T): T & { owned: tf.Tensor[]; validate: boolean } {
  if (validate !== undefined && typeof validate !== 'boolean') {
    throw invalidArgument(where, 'validate', 'a boolean', validate);
  }
  const params = new ParamBuilder(where, validate ?? true);
  try {
    return Object.assign(fn(params), { owned: params.owned, validate: params.validate });
  } catch (error) {
    tf.dispose(params.owned);
    throw error;
  }
}
