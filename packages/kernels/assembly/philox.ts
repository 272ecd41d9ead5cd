// Philox4x32-10, eight blocks at a time in i32x4 lanes (lane l = block base + l), word for
// word the same function as @elbo/runtime's philox.ts.

const M0: u32 = 0xd2511f53;
const M1: u32 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;

/** 128 bytes: the word vectors of the last philox8 call (word j of blocks 0-3 at 16 j, of blocks 4-7 at 64 + 16 j). */
export const philoxWords: usize = memory.data(128, 16);

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
 * The blocks with counter words (low, high) lowA, highA (four blocks) and lowB, highB
 * (four more) of the key set by setRoundKeys into philoxWords. Two
 * independent sets of four blocks go through the rounds together: each round is a chain
 * of dependent multiplies, and interleaving two chains keeps the vector units busy.
 */
// @ts-ignore: decorator
@inline export function philox8(lowA: v128, highA: v128, lowB: v128, highB: v128): void {
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

/**
 * ((word >>> 9) + 0.5) * 2^-23 in four lanes: exact in float32, in (0, 1). Built as the
 * float 1 + (word >>> 9) 2^-23 (the top 23 bits as mantissa) minus (1 - 2^-24): Sterbenz's
 * lemma makes the subtraction exact, and it is cheaper than an integer conversion.
 */
// @ts-ignore: decorator
@inline export function unitFloat(words: v128): v128 {
  const oneToTwo = v128.or(i32x4.shr_u(words, 9), i32x4.splat(0x3f800000));
  return f32x4.sub(oneToTwo, f32x4.splat(0.99999994039535522));
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
