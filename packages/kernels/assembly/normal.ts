// Uniform and standard normal draws from the Philox stream, laid out exactly like
// @elbo/runtime's Generator: draw i uses word i mod 4 of block counter + floor(i / 4),
// normals pair words 2j (radius) and 2j + 1 (angle): draw 2j = r cos, 2j + 1 = r sin.
import { highWords, lowWords, philox8, philoxWords, setRoundKeys, storeTransposed, unitFloat } from './philox';
import { cosOfWords, log4, sinOfWords } from './approx';

/** 128 bytes: the 32 draws of the last group call. */
export const groupOut: usize = memory.data(128, 16);

/** The 32 uniforms of the eight blocks of philox8's arguments, in stream order, at out. */
// @ts-ignore: decorator
@inline export function uniforms32(lowA: v128, highA: v128, lowB: v128, highB: v128, out: usize): void {
  philox8(lowA, highA, lowB, highB);
  for (let half = 0; half < 2; half++) {
    const w = philoxWords + (<usize>half << 6);
    storeTransposed(
      out + (<usize>half << 6),
      unitFloat(v128.load(w, 0)),
      unitFloat(v128.load(w, 16)),
      unitFloat(v128.load(w, 32)),
      unitFloat(v128.load(w, 48)),
    );
  }
}

/** The 32 standard normals of the eight blocks of philox8's arguments, in stream order, at out. */
// @ts-ignore: decorator
@inline export function normals32(lowA: v128, highA: v128, lowB: v128, highB: v128, out: usize): void {
  philox8(lowA, highA, lowB, highB);
  normalsHalf(philoxWords, out);
  normalsHalf(philoxWords + 64, out + 64);
}

// @ts-ignore: decorator
@inline function normalsHalf(w: usize, out: usize): void {
  const minusTwo = f32x4.splat(-2.0);
  const r01 = f32x4.sqrt(f32x4.mul(log4(unitFloat(v128.load(w, 0))), minusTwo));
  const c01 = cosOfWords(v128.load(w, 16));
  const s01 = sinOfWords(v128.load(w, 16));
  const r23 = f32x4.sqrt(f32x4.mul(log4(unitFloat(v128.load(w, 32))), minusTwo));
  const c23 = cosOfWords(v128.load(w, 48));
  const s23 = sinOfWords(v128.load(w, 48));
  storeTransposed(out, f32x4.mul(r01, c01), f32x4.mul(r01, s01), f32x4.mul(r23, c23), f32x4.mul(r23, s23));
}

function counterOf(lo: u32, hi: u32): u64 {
  return (<u64>hi << 32) | <u64>lo;
}

/** n uniforms (or normals) from blocks counter.. of key (k0, k1); ceil(n / 4) blocks. */
// @ts-ignore: decorator
@inline function fill(normal: bool, out: usize, n: i32, k0: u32, k1: u32, counterLo: u32, counterHi: u32): void {
  let counter = counterOf(counterLo, counterHi);
  setRoundKeys(k0, k1);
  // The counter words of the next eight blocks, as vectors; moved on by adding 8 to the low
  // words, and rebuilt where a low word wraps around 2^32 (this group or the last).
  let lowA = lowWords(counter);
  let highA = highWords(counter);
  let lowB = lowWords(counter + 4);
  let highB = highWords(counter + 4);
  let i = 0;
  for (; i + 32 <= n; i += 32) {
    if (normal) normals32(lowA, highA, lowB, highB, out + (<usize>i << 2));
    else uniforms32(lowA, highA, lowB, highB, out + (<usize>i << 2));
    counter += 8;
    if (<u32>counter + 8 < 16) {
      lowA = lowWords(counter);
      highA = highWords(counter);
      lowB = lowWords(counter + 4);
      highB = highWords(counter + 4);
    } else {
      lowA = i32x4.add(lowA, i32x4.splat(8));
      lowB = i32x4.add(lowB, i32x4.splat(8));
    }
  }
  if (i < n) {
    if (normal) normals32(lowA, highA, lowB, highB, groupOut);
    else uniforms32(lowA, highA, lowB, highB, groupOut);
    memory.copy(out + (<usize>i << 2), groupOut, <usize>(n - i) << 2);
  }
}

/** n uniforms in (0, 1) from blocks counter.. of key (k0, k1); uses ceil(n / 4) blocks. */
export function fillUniform(out: usize, n: i32, k0: u32, k1: u32, counterLo: u32, counterHi: u32): void {
  fill(false, out, n, k0, k1, counterLo, counterHi);
}

/** n standard normals from blocks counter.. of key (k0, k1); uses ceil(n / 4) blocks. */
export function fillNormal(out: usize, n: i32, k0: u32, k1: u32, counterLo: u32, counterHi: u32): void {
  fill(true, out, n, k0, k1, counterLo, counterHi);
}
