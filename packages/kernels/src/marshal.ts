import { describeValue, invalidArgument } from '@elbo/runtime';
import { KernelArray } from './kernel-array.js';
import { kernelModule } from './module.js';
import type { KernelModule } from './module.js';

/** What the typed-array functions accept: a plain Float32Array (copied) or a KernelArray (in place). */
export type FloatArray = Float32Array | KernelArray;

/** One array argument of a kernel call. */
export interface ArrayArg {
  readonly name: string;
  readonly array: FloatArray | undefined;
  /** Read by the kernel (copied in when a plain Float32Array). Default true. */
  readonly input?: boolean;
  /** Written by the kernel (copied out when a plain Float32Array). Default false. */
  readonly output?: boolean;
  /** Required length, with the argument it must match (for the message). */
  readonly length?: number;
  readonly lengthOf?: string;
  /** Checked for NaN / infinities when the kernel reports a non-finite result. */
  readonly finite?: 'finite' | 'not NaN';
}

// Staging memory for plain Float32Arrays, reused across calls and grown on demand.
let scratch = { ptr: 0, bytes: 0 };

function stagingArea(module: KernelModule, bytes: number): number {
  if (bytes > scratch.bytes) {
    if (scratch.ptr !== 0) module.exports.release(scratch.ptr);
    const size = Math.max(bytes, scratch.bytes * 2, 1024);
    scratch = { ptr: module.exports.alloc(size), bytes: size };
  }
  return scratch.ptr;
}

/** Checks an argument is a Float32Array or live KernelArray (of the given length). */
export function checkArray(where: string, arg: ArrayArg): void {
  const { name, array } = arg;
  if (array === undefined) return;
  if (!(array instanceof Float32Array) && !(array instanceof KernelArray)) {
    throw invalidArgument(where, name, 'a Float32Array or KernelArray', array);
  }
  if (array instanceof KernelArray && array.freed) {
    throw invalidArgument(where, name, 'a live KernelArray', { raw: 'a freed KernelArray' });
  }
  if (arg.length !== undefined && array.length !== arg.length) {
    throw invalidArgument(where, `${name}'s length`, `${arg.length} (the length of ${arg.lengthOf})`, array.length);
  }
}

/**
 * Runs `body` with the byte offsets of `args` in the module memory (0 for absent ones):
 * KernelArrays in place, Float32Arrays staged (inputs copied in, outputs copied out).
 */
export function withArrays<T>(where: string, args: readonly ArrayArg[], body: (ptrs: number[], module: KernelModule) => T): T {
  for (const arg of args) checkArray(where, arg);
  const module = kernelModule();
  const offsets = args.map((arg) => (arg.array instanceof Float32Array ? Math.ceil(arg.array.length / 4) * 16 : 0));
  const total = offsets.reduce((a, b) => a + b, 0);
  const base = total > 0 ? stagingArea(module, total) : 0;
  const ptrs: number[] = [];
  let cursor = base;
  args.forEach((arg, i) => {
    if (arg.array instanceof KernelArray) {
      ptrs.push(arg.array.ptr);
    } else if (arg.array instanceof Float32Array) {
      ptrs.push(cursor);
      cursor += offsets[i]!;
    } else {
      ptrs.push(0);
    }
  });
  let heap = module.heap;
  args.forEach((arg, i) => {
    if (arg.array instanceof Float32Array && arg.input !== false) heap.set(arg.array, ptrs[i]! >>> 2);
  });
  const result = body(ptrs, module);
  heap = module.heap;
  args.forEach((arg, i) => {
    if (arg.array instanceof Float32Array && arg.output) {
      arg.array.set(heap.subarray(ptrs[i]! >>> 2, (ptrs[i]! >>> 2) + arg.array.length));
    }
  });
  return result;
}

// Set while the kernel plugin runs: tensors follow tfjs's rules (NaN and infinities flow
// through, as with the default kernels) so model code can detect a diverged loss itself.
let propagating = false;

/** Runs fn with non-finite parameters passed through instead of rejected. */
export function propagatingNonFinite<T>(fn: () => T): T {
  const previous = propagating;
  propagating = true;
  try {
    return fn();
  } finally {
    propagating = previous;
  }
}

/**
 * After a kernel returned a non-finite check sum: throws naming the first input
 * holding NaN (or an infinity, where those are rejected). Returns quietly when every
 * input is valid (the result overflowed legitimately).
 */
export function rejectNonFinite(where: string, args: readonly ArrayArg[], ptrs: readonly number[], module: KernelModule): void {
  if (propagating) return;
  args.forEach((arg, i) => {
    if (arg.finite === undefined || arg.array === undefined) return;
    const n = arg.array.length;
    const bad = arg.finite === 'finite' ? module.exports.firstNonFinite(ptrs[i]!, n) : module.exports.firstNaN(ptrs[i]!, n);
    if (bad >= 0) {
      const value = module.heap[(ptrs[i]! >>> 2) + bad]!;
      throw invalidArgument(where, `${arg.name}[${bad}]`, arg.finite === 'finite' ? 'finite' : 'a number', value);
    }
  });
}

/** A scalar option that must be a finite number. */
export function checkScalar(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidArgument(where, name, 'a finite number', { raw: describeValue(value) });
  }
  return value;
}
