// Vectorised float32 exp, log and sin/cos for f32x4 lanes (AssemblyScript has no vector
// transcendental functions). The sin/cos polynomials are Cephes' single-precision minimax
// fits (S. L. Moshier, Cephes Math Library: sinf.c); exp's and log's are fitted by
// scripts/fit-exp.py and scripts/fit-log.py; the range reductions are written here for
// the ranges the kernels use. Measured maximum errors against float64
// Math.exp / Math.log / Math.cos / Math.sin are asserted in src/approx.test.ts.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const SQRT_HALF: f32 = 0.707106781186547524;
const TWO_PI: f32 = 6.28318530717958648;
const ROUNDER: f32 = 12582912.0; // 1.5 * 2^23
// exp4's polynomial coefficients (scripts/fit-exp.py).
const EXP_C2: f32 = 0.4999999403953552;
const EXP_C3: f32 = 0.1666652113199234;
const EXP_C4: f32 = 0.04166838899254799;
const EXP_C5: f32 = 0.008368710055947304;
const EXP_C6: f32 = 0.0013814599951729178;
// log4's polynomial coefficients (scripts/fit-log.py).
const LOG_Q0: f32 = 0.6666677594184875;
const LOG_Q1: f32 = 0.39977574348449707;
const LOG_Q2: f32 = 0.2987091839313507;

// exp4's plain range: the power-of-two scaling is valid there (k in [-125, 128]).
const EXP_LOW: f32 = -86.98;
const EXP_HIGH: f32 = 88.72283;

/**
 * e^x in four lanes. Relative error below 1e-7 (measured 8.2e-8, 1.4 ulp) for x in
 * [-86.98, 88.72]; x above 88.72283 gives +Infinity (e^x overflows float32 there), x
 * below -86.98 gives 0 (e^x < 2e-38 there: no subnormal results). NaN propagates.
 */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  const scaled = exp4InRange(x);
  // Above the range (and NaN, where `le` is false) the lane becomes x + Infinity: +Infinity or NaN.
  const high = v128.bitselect(scaled, f32x4.add(x, f32x4.splat(Infinity)), f32x4.le(x, f32x4.splat(EXP_HIGH)));
  return v128.andnot(high, f32x4.lt(x, f32x4.splat(EXP_LOW)));
}

/**
 * exp4 without the handling of the lanes outside [-86.98, 88.72283] (garbage there): the
 * same bits as exp4 inside [-86.98, 88.72283].
 */
// @ts-ignore: decorator
@inline export function exp4InRange(x: v128): v128 {
  // Round x log2(e) to an integer k by adding 1.5 * 2^23: k lands in the low mantissa
  // bits, so k as an integer is a shift of the bit pattern (no convert instruction).
  const shifted = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUNDER));
  const fx = f32x4.sub(shifted, f32x4.splat(ROUNDER));
  // Cody-Waite: r = x - k ln2 in two steps (k * LN2_HI is exact), |r| <= ln2 / 2.
  let r = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(LN2_LO)));
  // e^r = 1 + (r + r^2 q(r)), q a quartic fitted (minimax in relative error of e^r) on
  // [-ln2/2, ln2/2] by scripts/fit-exp.py; Estrin's form keeps the dependency chain short.
  const r2 = f32x4.mul(r, r);
  const q01 = f32x4.add(f32x4.mul(f32x4.splat(EXP_C3), r), f32x4.splat(EXP_C2));
  const q23 = f32x4.add(f32x4.mul(f32x4.splat(EXP_C5), r), f32x4.splat(EXP_C4));
  const q = f32x4.add(f32x4.add(q01, f32x4.mul(r2, q23)), f32x4.mul(f32x4.mul(r2, r2), f32x4.splat(EXP_C6)));
  const y = f32x4.add(f32x4.add(r, f32x4.mul(r2, q)), f32x4.splat(1.0));
  // 2^k by adding k to the exponent field: shifting the rounded bit pattern left by 23
  // leaves exactly k << 23 (the rounder's own bits shift out). Valid for k in
  // [-125, 128], i.e. x in [-86.98, 88.72283]; exp4's selects replace the rest.
  return i32x4.add(y, i32x4.shl(shifted, 23));
}

// exp4InRange's constants for e^(x / 2) (halfExp4InRange), scaled by powers of two.
const LOG2E_HALF: f32 = LOG2E * 0.5;
const LN2_HI_TWICE: f32 = LN2_HI * 2;
const LN2_LO_TWICE: f32 = LN2_LO * 2;
const HALF_C2: f32 = EXP_C2 / 2;
const HALF_C3: f32 = EXP_C3 / 4;
const HALF_C4: f32 = EXP_C4 / 8;
const HALF_C5: f32 = EXP_C5 / 16;
const HALF_C6: f32 = EXP_C6 / 32;
// |x| at most this (173.96, the smaller bound of exp4's plain range doubled) as a bit
// pattern: x / 2 is in that range. For halvesInExpRange's integer compare.
const HALF_IN_RANGE_BITS: i32 = 0x432df5c3;

/**
 * e^(x / 2) where x / 2 is in exp4's plain range [-86.98, 88.72283] (garbage outside;
 * halfExp4 handles that): the same bits as exp4InRange(x / 2), in fewer and shorter-chained
 * operations, as the KL and sampling loops need e^(logvar / 2). With r = x / 2 - k ln2 it
 * works on t = 2r, which exp4InRange's steps give exactly doubled (x itself, LN2_HI and
 * LN2_LO doubled; float rounding commutes with powers of two), evaluates
 * 2 e^r = 2 + (t + t^2 q'(t)) with q'(t) = q(t / 2) / 2 (the coefficients scaled by powers
 * of two: every intermediate is exp4InRange's times an exact power of two) and scales by
 * 2^(k - 1). k = nearest(x log2(e) / 2), ties to even as exp4InRange's rounder, which
 * still gives the exponent bits. Same bits hence the same error: tested against exp4 and
 * Math.exp through approxExpHalf.
 */
// @ts-ignore: decorator
@inline export function halfExp4InRange(x: v128): v128 {
  const u = f32x4.mul(x, f32x4.splat(LOG2E_HALF));
  const fx = f32x4.nearest(u);
  // 2^(k - 1): k << 23 from the rounder's bit pattern as in exp4InRange, less one.
  const scale = i32x4.sub(i32x4.shl(f32x4.add(u, f32x4.splat(ROUNDER)), 23), i32x4.splat(1 << 23));
  let t = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(LN2_HI_TWICE)));
  t = f32x4.sub(t, f32x4.mul(fx, f32x4.splat(LN2_LO_TWICE)));
  const t2 = f32x4.mul(t, t);
  const q01 = f32x4.add(f32x4.mul(f32x4.splat(HALF_C3), t), f32x4.splat(HALF_C2));
  const q23 = f32x4.add(f32x4.mul(f32x4.splat(HALF_C5), t), f32x4.splat(HALF_C4));
  const q = f32x4.add(f32x4.add(q01, f32x4.mul(t2, q23)), f32x4.mul(f32x4.mul(t2, t2), f32x4.splat(HALF_C6)));
  const y2 = f32x4.add(f32x4.add(t, f32x4.mul(t2, q)), f32x4.splat(2.0));
  return i32x4.add(y2, scale);
}

/** e^(x / 2) in four lanes with exp4's handling of the lanes outside its plain range. */
// @ts-ignore: decorator
@inline export function halfExp4(x: v128): v128 {
  const scaled = halfExp4InRange(x);
  const high = v128.bitselect(scaled, f32x4.add(x, f32x4.splat(Infinity)), f32x4.le(x, f32x4.splat(2 * EXP_HIGH)));
  return v128.andnot(high, f32x4.lt(x, f32x4.splat(2 * EXP_LOW)));
}

/**
 * The lanes' |x| bit patterns (sign cleared) as signed integers: ordered as |x|, NaN above
 * infinity. Loops take the lane-wise maximum of these over a group of vectors and test it
 * once with halvesInExpRange.
 */
// @ts-ignore: decorator
@inline export function magnitudeBits(x: v128): v128 {
  return v128.and(x, i32x4.splat(0x7fffffff));
}

/**
 * Whether every lane of maxMagnitude (a lane-wise i32x4.max_s of magnitudeBits) is at most
 * 173.96, i.e. x / 2 in exp4's plain range for every x behind it (NaN is not): then
 * halfExp4InRange equals halfExp4 on all of them.
 */
// @ts-ignore: decorator
@inline export function halvesInExpRange(maxMagnitude: v128): bool {
  return !v128.any_true(i32x4.gt_s(maxMagnitude, i32x4.splat(HALF_IN_RANGE_BITS)));
}

/**
 * Natural log in four lanes for positive normal x (the kernels use it on uniforms in
 * [2^-24, 1 - 2^-24]). Relative error below 1e-7 there (measured 8.0e-8).
 */
// @ts-ignore: decorator
@inline export function log4(x: v128): v128 {
  // x = m * 2^e with m in [0.5, 1); then m in [sqrt(1/2), sqrt(2)) by moving one factor 2.
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126));
  const m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  const small = f32x4.lt(m, f32x4.splat(SQRT_HALF));
  e = i32x4.add(e, small); // lanes of `small` are -1 where true
  const f = f32x4.add(f32x4.sub(m, f32x4.splat(1.0)), v128.and(m, small)); // m - 1, exact
  const fe = f32x4.convert_i32x4_s(e);
  // fdlibm's form: ln(1 + f) = f - hfsq + s (hfsq + R), s = f / (2 + f), hfsq = f^2 / 2,
  // R = s^2 q(s^2) = 2 s^2 / 3 + 2 s^4 / 5 + ...; the exact f carries the result and the
  // rounding of s only touches the small correction. q is a quadratic fitted by
  // scripts/fit-log.py.
  const s = f32x4.div(f, f32x4.add(f, f32x4.splat(2.0)));
  const z = f32x4.mul(s, s);
  let q = f32x4.add(f32x4.mul(z, f32x4.splat(LOG_Q2)), f32x4.splat(LOG_Q1));
  q = f32x4.add(f32x4.mul(z, q), f32x4.splat(LOG_Q0));
  const hfsq = f32x4.mul(f32x4.mul(f, f32x4.splat(0.5)), f);
  const a = f32x4.add(f32x4.mul(s, f32x4.add(hfsq, f32x4.mul(z, q))), f32x4.mul(fe, f32x4.splat(LN2_LO)));
  return f32x4.sub(f32x4.mul(fe, f32x4.splat(LN2_HI)), f32x4.sub(f32x4.sub(hfsq, a), f));
}

/** 2 pi 2^-23 in float32: exactly TWO_PI scaled, so (t + 0.5) times it rounds like ((t + 0.5) 2^-23) TWO_PI. */
const TWO_PI_ULP: f32 = TWO_PI * 1.1920928955078125e-7;

// cos(2 pi u) and sin(2 pi u) in four lanes for the stream's uniform of each word w,
// u = ((w >>> 9) + 0.5) 2^-23, reduced exactly in integer arithmetic without forming u:
// the quadrant q = round(4u) is bits 30, 31 of w + 2^29 (q = 4 wraps to 0), and
// u - q / 4 = (t + 0.5) 2^-23 with t the bits 9..29 of w read as a signed 21-bit number.
// Absolute error below 1e-7 (measured 9.1e-8) for every word. cosOfWords and sinOfWords
// share everything but their last three operations: called on the same words, the
// compiler computes the shared part once.

/** The reduced angle x = 2 pi (u - q / 4), in [-pi / 4, pi / 4]. */
// @ts-ignore: decorator
@inline function reducedAngle(w: v128): v128 {
  const t = i32x4.shr_s(i32x4.shl(w, 2), 11);
  return f32x4.mul(f32x4.add(f32x4.convert_i32x4_s(t), f32x4.splat(0.5)), f32x4.splat(TWO_PI_ULP));
}

/** sin x for the reduced angle (Cephes' polynomial). */
// @ts-ignore: decorator
@inline function sinReduced(x: v128): v128 {
  const z = f32x4.mul(x, x);
  let sn = f32x4.splat(-1.9515295891e-4);
  sn = f32x4.add(f32x4.mul(sn, z), f32x4.splat(8.3321608736e-3));
  sn = f32x4.add(f32x4.mul(sn, z), f32x4.splat(-1.6666654611e-1));
  return f32x4.add(f32x4.mul(f32x4.mul(sn, z), x), x);
}

/** cos x for the reduced angle (Cephes' polynomial). */
// @ts-ignore: decorator
@inline function cosReduced(x: v128): v128 {
  const z = f32x4.mul(x, x);
  let c = f32x4.splat(2.443315711809948e-5);
  c = f32x4.add(f32x4.mul(c, z), f32x4.splat(-1.388731625493765e-3));
  c = f32x4.add(f32x4.mul(c, z), f32x4.splat(4.166664568298827e-2));
  return f32x4.add(f32x4.sub(f32x4.mul(f32x4.mul(c, z), z), f32x4.mul(z, f32x4.splat(0.5))), f32x4.splat(1.0));
}

/**
 * For quadrant q: (cos, sin) = (c, s), (-s, c), (-c, -s), (s, -c) for q = 0, 1, 2, 3. The
 * lanes where q is odd (bit 30 of w + 2^29) hold c ^ s, the others 0: xor-ing it into c
 * gives s there (and into s gives c).
 */
// @ts-ignore: decorator
@inline function swapBits(w: v128, c: v128, s: v128): v128 {
  return v128.and(v128.xor(c, s), i32x4.shr_s(i32x4.shl(w, 1), 31));
}

/** cos(2 pi u): the sign flips for q = 1, 2 (bit 30 xor bit 31 of w + 2^29). */
// @ts-ignore: decorator
@inline export function cosOfWords(w: v128): v128 {
  const x = reducedAngle(w);
  const c = cosReduced(x);
  const s = i32x4.add(w, i32x4.splat(1 << 29));
  const sign = v128.and(v128.xor(s, i32x4.shl(s, 1)), i32x4.splat(<i32>0x80000000));
  return v128.xor(v128.xor(c, swapBits(s, c, sinReduced(x))), sign);
}

/** sin(2 pi u): the sign flips for q >= 2 (bit 31 of w + 2^29). */
// @ts-ignore: decorator
@inline export function sinOfWords(w: v128): v128 {
  const x = reducedAngle(w);
  const sn = sinReduced(x);
  const s = i32x4.add(w, i32x4.splat(1 << 29));
  const sign = v128.and(s, i32x4.splat(<i32>0x80000000));
  return v128.xor(v128.xor(sn, swapBits(s, cosReduced(x), sn)), sign);
}
