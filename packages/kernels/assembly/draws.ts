// The draws of the Philox stream from its words, laid out exactly like @elbo/runtime's
// Generator: draw i uses word i mod 4 of block floor(i / 4); uniforms map each word to
// ((word >>> 9) + 0.5) 2^-23, normals pair words 2j (radius) and 2j + 1 (angle):
// draw 2j = r cos, 2j + 1 = r sin (Box-Muller).
import { cosOfWords, log4, sinOfWords } from './approx';

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

/**
 * The 16 draws of four blocks, word j of block l in lane l of wj, in stream order at out:
 * uniforms, or normals when `normal`.
 */
// @ts-ignore: decorator
@inline export function drawFour(normal: bool, w0: v128, w1: v128, w2: v128, w3: v128, out: usize): void {
  if (normal) {
    const minusTwo = f32x4.splat(-2.0);
    const r01 = f32x4.sqrt(f32x4.mul(log4(unitFloat(w0)), minusTwo));
    const r23 = f32x4.sqrt(f32x4.mul(log4(unitFloat(w2)), minusTwo));
    storeTransposed(
      out,
      f32x4.mul(r01, cosOfWords(w1)),
      f32x4.mul(r01, sinOfWords(w1)),
      f32x4.mul(r23, cosOfWords(w3)),
      f32x4.mul(r23, sinOfWords(w3)),
    );
  } else {
    storeTransposed(out, unitFloat(w0), unitFloat(w1), unitFloat(w2), unitFloat(w3));
  }
}
