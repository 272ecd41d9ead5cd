// Philox4x32-10, four blocks at a time in i32x4 lanes (lane l = block base + l), word for
// word the same function as @elbo/runtime's philox.ts. The four output words of the
// four blocks land in `scratch` as four vectors: word j of blocks base..base+3.

const M0: u32 = 0xd2511f53;
const M1: u32 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;

/** 64 bytes: the four word vectors of the last philox4 call. */
export const philoxWords: usize = memory.data(64, 16);


/** Blocks counter, counter + 1, counter + 2, counter + 3 of key (k0, k1) into philoxWords. */
// @ts-ignore: decorator
@inline export function philox4(counter: u64, k0: u32, k1: u32): void {
  let c0 = i32x4(
    <i32>(counter as u32),
    <i32>((counter + 1) as u32),
    <i32>((counter + 2) as u32),
    <i32>((counter + 3) as u32),
  );
  let c1 = i32x4(
    <i32>((counter >> 32) as u32),
    <i32>(((counter + 1) >> 32) as u32),
    <i32>(((counter + 2) >> 32) as u32),
    <i32>(((counter + 3) >> 32) as u32),
  );
  let c2 = i32x4.splat(0);
  let c3 = i32x4.splat(0);
  const m0 = i32x4.splat(<i32>M0);
  const m1 = i32x4.splat(<i32>M1);
  let key0 = k0;
  let key1 = k1;
  for (let round = 0; round < 10; round++) {
    // The 64-bit products of lanes 0, 1 and 2, 3; their high and low words.
    const p0a = i64x2.extmul_low_i32x4_u(c0, m0);
    const p0b = i64x2.extmul_high_i32x4_u(c0, m0);
    const p1a = i64x2.extmul_low_i32x4_u(c2, m1);
    const p1b = i64x2.extmul_high_i32x4_u(c2, m1);
    const hi0 = i32x4.shuffle(p0a, p0b, 1, 3, 5, 7);
    const lo0 = i32x4.shuffle(p0a, p0b, 0, 2, 4, 6);
    const hi1 = i32x4.shuffle(p1a, p1b, 1, 3, 5, 7);
    const lo1 = i32x4.shuffle(p1a, p1b, 0, 2, 4, 6);
    c0 = v128.xor(v128.xor(hi1, c1), i32x4.splat(<i32>key0));
    c1 = lo1;
    c2 = v128.xor(v128.xor(hi0, c3), i32x4.splat(<i32>key1));
    c3 = lo0;
    key0 += W0;
    key1 += W1;
  }
  v128.store(philoxWords, c0, 0);
  v128.store(philoxWords, c1, 16);
  v128.store(philoxWords, c2, 32);
  v128.store(philoxWords, c3, 48);
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
