/** Argument checks shared by the objectives; each names the function and the option. */
import * as tf from '@tensorflow/tfjs';
import { Distribution } from '@elbo/distributions';
import { formatShape, invalidArgument } from '@elbo/runtime';

export function checkTensor(where: string, name: string, value: unknown): tf.Tensor {
  if (!(value instanceof tf.Tensor)) throw invalidArgument(where, name, 'a tf.Tensor', value);
  if (value.isDisposed) throw invalidArgument(where, name, 'a live tensor', { raw: 'a disposed tensor' });
  return value;
}

export function checkDistribution(where: string, name: string, value: unknown): Distribution {
  if (!(value instanceof Distribution)) throw invalidArgument(where, name, 'a Distribution from @elbo/distributions', value);
  return value;
}

export function checkPositiveInteger(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidArgument(where, name, 'a positive integer', value);
  }
  return value;
}

export function checkNonNegative(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidArgument(where, name, 'a finite number >= 0', value);
  }
  return value;
}

export function checkChoice<T extends string>(where: string, name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw invalidArgument(where, name, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  }
  return value as T;
}

/** Throws unless `actual` equals `expected`, naming `what`. */
export function checkShape(where: string, what: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw invalidArgument(where, what, formatShape(expected), { raw: formatShape(actual) });
  }
}

/** Throws unless `shape` broadcasts to `target` (trailing alignment), naming `what`. */
export function checkBroadcastsTo(where: string, what: string, shape: readonly number[], target: readonly number[]): void {
  const offset = target.length - shape.length;
  const ok = offset >= 0 && shape.every((d, i) => d === 1 || d === target[offset + i]);
  if (!ok) throw invalidArgument(where, what, `broadcastable to ${formatShape(target)}`, { raw: formatShape(shape) });
}
