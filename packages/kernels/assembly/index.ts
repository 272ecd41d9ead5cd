// The exports of kernels.wasm. Every array argument is a byte offset into this module's
// memory; the TypeScript side (src/) allocates, copies and checks.
import { cosOfWords, exp4, halfExp4, log4, sinOfWords } from './approx';

export { fillUniform, fillNormal } from './normal';
export { fillBernoulli, fillPoisson } from './discrete';
export { klStandardNormal, klStandardNormalGrad, klDiagNormal, klDiagNormalGrad } from './kl';
export { reparameterize, reparameterizeBackward, sampleWithKl, sampleWithKlBackward } from './sample';
export { logSumExp } from './logsumexp';
export { firstNonFinite, firstNaN } from './lanes';

/** Allocates `bytes` (16-byte aligned); free with release. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function release(ptr: usize): void {
  heap.free(ptr);
}

/** Test hooks for the vector approximations, on n floats (a multiple of 4). */
export function approxExp(input: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, exp4(v128.load(input + off)));
  }
}

export function approxExpHalf(input: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, halfExp4(v128.load(input + off)));
  }
}

export function approxLog(input: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, log4(v128.load(input + off)));
  }
}

/** cos(2 pi u) into cosOut and sin(2 pi u) into sinOutPtr for the uniforms u of n words. */
export function approxCosSinOfWords(words: usize, cosOut: usize, sinOutPtr: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const off = <usize>i << 2;
    v128.store(cosOut + off, cosOfWords(v128.load(words + off)));
    v128.store(sinOutPtr + off, sinOfWords(v128.load(words + off)));
  }
}
