// Philox4x32-10, eight blocks at a time in i32x4 lanes (lane l = block base + l), word for
// word the same function as @elbo/runtime's philox.ts.

const M0: u32 = 0xd2511f53;
const M1: u32 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;

/** 128 bytes: the word vectors of the last philox8 call (word j of blocks 0-3 at 16 j, of blocks 4-7 at 64 + 16 j). */
export const philoxWords: usize = memory.data(128, 16);

// @ts-ignore: decorator
@inline function lowWords(counter: u64): v128 {
  return i32x4(<i32>(counter as u32), <i32>((counter + 1) as u32), <i32>((counter + 2) as u32), <i32>((counter + 3) as u32));
}

// @ts-ignore: decorator
@inline function highWords(counter: u64): v128 {
  return i32x4(
    <i32>((counter >> 32) as u32),
    <i32>(((counter + 1) >> 32) as u32),
    <i32>(((counter + 2) >> 32) as u32),
    <i32>(((counter + 3) >> 32) as u32),
  );
}

/**
 * Blocks counter .. counter + 7 of key (k0, k1) into philoxWords. Two independent sets of
 * four blocks go through the rounds together: each round is a chain of dependent
 * multiplies, and interleaving two chains keeps the vector units busy.
 */
// @ts-ignore: decorator
@inline export function philox8(counter: u64, k0: u32, k1: u32): void {
  let a0 = lowWords(counter);
  let a1 = highWords(counter);
  let a2 = i32x4.splat(0);
  let a3 = i32x4.splat(0);
  let b0 = lowWords(counter + 4);
  let b1 = highWords(counter + 4);
  let b2 = i32x4.splat(0);
  let b3 = i32x4.splat(0);
  const m0 = i32x4.splat(<i32>M0);
  const m1 = i32x4.splat(<i32>M1);
  let key0 = k0;
  let key1 = k1;
  for (let round = 0; round < 10; round++) {
    const kk0 = i32x4.splat(<i32>key0);
    const kk1 = i32x4.splat(<i32>key1);
    // The 64-bit products of lanes 0, 1 and 2, 3; their high and low words.
    const pa0 = i64x2.extmul_low_i32x4_u(a0, m0);
    const pa1 = i64x2.extmul_high_i32x4_u(a0, m0);
    const pa2 = i64x2.extmul_low_i32x4_u(a2, m1);
    const pa3 = i64x2.extmul_high_i32x4_u(a2, m1);
    const pb0 = i64x2.extmul_low_i32x4_u(b0, m0);
    const pb1 = i64x2.extmul_high_i32x4_u(b0, m0);
    const pb2 = i64x2.extmul_low_i32x4_u(b2, m1);
    const pb3 = i64x2.extmul_high_i32x4_u(b2, m1);
    const na0 = v128.xor(v128.xor(i32x4.shuffle(pa2, pa3, 1, 3, 5, 7), a1), kk0);
    const na2 = v128.xor(v128.xor(i32x4.shuffle(pa0, pa1, 1, 3, 5, 7), a3), kk1);
    a1 = i32x4.shuffle(pa2, pa3, 0, 2, 4, 6);
    a3 = i32x4.shuffle(pa0, pa1, 0, 2, 4, 6);
    a0 = na0;
    a2 = na2;
    const nb0 = v128.xor(v128.xor(i32x4.shuffle(pb2, pb3, 1, 3, 5, 7), b1), kk0);
    const nb2 = v128.xor(v128.xor(i32x4.shuffle(pb0, pb1, 1, 3, 5, 7), b3), kk1);
    b1 = i32x4.shuffle(pb2, pb3, 0, 2, 4, 6);
    b3 = i32x4.shuffle(pb0, pb1, 0, 2, 4, 6);
    b0 = nb0;
    b2 = nb2;
    key0 += W0;
    key1 += W1;
  }
  v128.store(philoxWords, a0, 0);
  v128.store(philoxWords, a1, 16);
  v128.store(philoxWords, a2, 32);
  v128.store(philoxWords, a3, 48);
  v128.store(philoxWords, b0, 64);
  v128.store(philoxWords, b1, 80);
  v128.store(philoxWords, b2, 96);
  v128.store(philoxWords, b3, 112);
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

/** ((word >>> 9) + 0.5) * 2^-23 in four lanes: exact in float32, in (0, 1). */
// @ts-ignore: decorator
@inline export function unitFloat(words: v128): v128 {
  const top = f32x4.convert_i32x4_s(i32x4.shr_u(words, 9));
  return f32x4.mul(f32x4.add(top, f32x4.splat(0.5)), f32x4.splat(1.1920928955078125e-7));
}

/** The same map for one word, in float64 (Poisson and the scalar paths). */
// @ts-ignore: decorator
@inline export function unitFloat64(word: u32): f64 {
  return (<f64>(word >>> 9) + 0.5) * 1.1920928955078125e-7;
}

/** Transposes four vectors (rows) so row i holds lane i of each input; stores them at out. */
// @ts-ignore: decorator
@inline export function storeTransposed(out: usize, a: v128, b: v128, c: v128, d: v128): void {
  const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(c, d, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(out, i32x4.shuffle(t0, t2, 0, 1, 4, 5), 0);
  v128.store(out, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
  v128.store(out, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
  v128.store(out, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
}
