// Uniform and standard normal draws from the Philox stream, laid out exactly like
// @elbo/runtime's Generator: draw i uses word i mod 4 of block counter + floor(i / 4),
// normals pair words 2j (radius) and 2j + 1 (angle): draw 2j = r cos, 2j + 1 = r sin.
import { highWords, lowWords, philox8, setRoundKeys } from './philox';

/** 128 bytes: the 32 draws of the last group call. */
export const groupOut: usize = memory.data(128, 16);

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
    philox8(lowA, highA, lowB, highB, normal, out + (<usize>i << 2));
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
    philox8(lowA, highA, lowB, highB, normal, groupOut);
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
