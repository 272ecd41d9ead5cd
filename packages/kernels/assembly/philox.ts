// Philox4x32-10, eight blocks at a time in i32x4 lanes (lane l = block base + l), word for
// word the same function as @elbo/runtime's philox.ts.

import { drawFour } from './draws';

const M0: u32 = 0xd2511f53;
const M1: u32 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;

// @ts-ignore: decorator
@inline export function lowWords(counter: u64): v128 {
  return i32x4(<i32>(counter as u32), <i32>((counter + 1) as u32), <i32>((counter + 2) as u32), <i32>((counter + 3) as u32));
}

// @ts-ignore: decorator
@inline export function highWords(counter: u64): v128 {
  return i32x4(
    <i32>((counter >> 32) as u32),
    <i32>(((counter + 1) >> 32) as u32),
    <i32>(((counter + 2) >> 32) as u32),
    <i32>(((counter + 3) >> 32) as u32),
  );
}

/**
 * 320 bytes: the round keys of setRoundKeys' key, splatted (key word 0 of round r at
 * 32 r, word 1 at 32 r + 16), so the rounds load them instead of rebuilding them.
 */
export const roundKeys: usize = memory.data(320, 16);

/** Fills roundKeys for key (k0, k1); philox8 uses them. */
export function setRoundKeys(k0: u32, k1: u32): void {
  for (let round = 0; round < 10; round++) {
    v128.store(roundKeys + (<usize>round << 5), i32x4.splat(<i32>k0));
    v128.store(roundKeys + (<usize>round << 5), i32x4.splat(<i32>k1), 16);
    k0 += W0;
    k1 += W1;
  }
}

/**
 * The 32 draws (uniforms, or normals when `normal`) of the blocks with counter words
 * (low, high) lowA, highA (four blocks) and lowB, highB (four more) of the key set by
 * setRoundKeys, in stream order at out: the words go from the rounds to drawFour in
 * registers. Two
 * independent sets of four blocks go through the rounds together: each round is a chain
 * of dependent multiplies, and interleaving two chains keeps the vector units busy.
 */
// @ts-ignore: decorator
@inline export function philox8(lowA: v128, highA: v128, lowB: v128, highB: v128, normal: bool, out: usize): void {
  let a0 = lowA;
  let a1 = highA;
  let a2 = i32x4.splat(0);
  let a3 = i32x4.splat(0);
  let b0 = lowB;
  let b1 = highB;
  let b2 = i32x4.splat(0);
  let b3 = i32x4.splat(0);
  const m0 = i32x4.splat(<i32>M0);
  const m1 = i32x4.splat(<i32>M1);
  for (let keys = roundKeys; keys < roundKeys + 320; keys += 32) {
    const kk0 = v128.load(keys);
    const kk1 = v128.load(keys, 16);
    // The 64-bit products of lanes 0, 1 and 2, 3; their high and low words.
    const pa0 = i64x2.extmul_low_i32x4_u(a0, m0);
    const pa1 = i64x2.extmul_high_i32x4_u(a0, m0);
    const pa2 = i64x2.extmul_low_i32x4_u(a2, m1);
    const pa3 = i64x2.extmul_high_i32x4_u(a2, m1);
    const pb0 = i64x2.extmul_low_i32x4_u(b0, m0);
    const pb1 = i64x2.extmul_high_i32x4_u(b0, m0);
    const pb2 = i64x2.extmul_low_i32x4_u(b2, m1);
    const pb3 = i64x2.extmul_high_i32x4_u(b2, m1);
    a0 = v128.xor(v128.xor(i32x4.shuffle(pa2, pa3, 1, 3, 5, 7), a1), kk0);
    a2 = v128.xor(v128.xor(i32x4.shuffle(pa0, pa1, 1, 3, 5, 7), a3), kk1);
    a1 = i32x4.shuffle(pa2, pa3, 0, 2, 4, 6);
    a3 = i32x4.shuffle(pa0, pa1, 0, 2, 4, 6);
    b0 = v128.xor(v128.xor(i32x4.shuffle(pb2, pb3, 1, 3, 5, 7), b1), kk0);
    b2 = v128.xor(v128.xor(i32x4.shuffle(pb0, pb1, 1, 3, 5, 7), b3), kk1);
    b1 = i32x4.shuffle(pb2, pb3, 0, 2, 4, 6);
    b3 = i32x4.shuffle(pb0, pb1, 0, 2, 4, 6);
  }
  drawFour(normal, a0, a1, a2, a3, out);
  drawFour(normal, b0, b1, b2, b3, out + 64);
}

/** One block, scalar, with a free counter word c2 (Poisson's rejection attempts use it). */
export function philoxBlock(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32, out: usize): void {
  for (let round = 0; round < 10; round++) {
    const p0 = <u64>M0 * <u64>c0;
    const p1 = <u64>M1 * <u64>c2;
    c0 = (<u32>(p1 >> 32)) ^ c1 ^ k0;
    c1 = <u32>p1;
    c2 = (<u32>(p0 >> 32)) ^ c3 ^ k1;
    c3 = <u32>p0;
    k0 += W0;
    k1 += W1;
  }
  store<u32>(out, c0, 0);
  store<u32>(out, c1, 4);
  store<u32>(out, c2, 8);
  store<u32>(out, c3, 12);
}
