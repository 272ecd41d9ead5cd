// SIMD float32 kernels for tfjs-backend-wasm's slow transcendental unary ops (its Exp,
// Log, Log1p and Softplus call scalar libm: ~6-13 ns per element). Compiled with
// --importMemory: the module has no memory of its own and works in place on the
// backend's heap, at offsets the plugin passes in. It must not use static data or a
// stack (no arrays, strings or allocations), so every function is pure arithmetic.
//
// Cephes' single-precision expf and logf (S. L. Moshier), vectorised: ~1 ulp.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const SQRT_HALF: f32 = 0.707106781186547524;

// @ts-ignore: decorator
@inline
function expv(x: v128): v128 {
  // Clamped so that 2^k splits into two normal factors; NaN passes through min/max.
  const xc = f32x4.max(f32x4.min(x, f32x4.splat(89.0)), f32x4.splat(-104.0));
  const k = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(k, f32x4.splat(LN2_HI))), f32x4.mul(k, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const r2 = f32x4.mul(r, r);
  p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1.0));
  // 2^k as 2^k1 * 2^k2, both normal for k in [-150, 129]: overflow and subnormal
  // results come out of the multiplications as IEEE rounding gives them.
  const ki = i32x4.trunc_sat_f32x4_s(k);
  const k1 = i32x4.shr_s(ki, 1);
  const k2 = i32x4.sub(ki, k1);
  const s1 = i32x4.shl(i32x4.add(k1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(k2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

// @ts-ignore: decorator
@inline
function logv(x: v128): v128 {
  // Subnormal inputs: scale into the normal range first.
  const tiny = f32x4.lt(x, f32x4.splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, tiny);
  const eAdjust = v128.bitselect(f32x4.splat(-23.0), f32x4.splat(0.0), tiny);
  // x = f * 2^e with f in [0.5, 1).
  let e = f32x4.add(f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(v128.and(xs, i32x4.splat(0x7f800000)), 23), i32x4.splat(126))), eAdjust);
  let f = v128.or(v128.and(xs, i32x4.splat(0x807fffff)), i32x4.splat(0x3f000000));
  // f < sqrt(1/2): use 2f - 1 and e - 1, else f - 1.
  const low = f32x4.lt(f, f32x4.splat(SQRT_HALF));
  e = f32x4.sub(e, v128.and(low, f32x4.splat(1.0)));
  f = f32x4.sub(f32x4.add(f, v128.and(low, f)), f32x4.splat(1.0));
  const z = f32x4.mul(f, f);
  let y = f32x4.splat(7.0376836292e-2);
  y = f32x4.add(f32x4.mul(y, f), f32x4.splat(-1.1514610310e-1));
  y = f32x4.add(f32x4.mul(y, f), f32x4.splat(1.1676998740e-1));
  y = f32x4.add(f32x4.mul(y, f), f32x4.splat(-1.2420140846e-1));
  y = f32x4.add(f32x4.mul(y, f), f32x4.splat(1.4249322787e-1));
  y = f32x4.add(f32x4.mul(y, f), f32x4.splat(-1.6668057665e-1));
  y = f32x4.add(f32x4.mul(y, f), f32x4.splat(2.0000714765e-1));
  y = f32x4.add(f32x4.mul(y, f), f32x4.splat(-2.4999993993e-1));
  y = f32x4.add(f32x4.mul(y, f), f32x4.splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, f), z);
  y = f32x4.add(y, f32x4.mul(e, f32x4.splat(LN2_LO)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  let result = f32x4.add(f32x4.add(f, y), f32x4.mul(e, f32x4.splat(LN2_HI)));
  // log(0) = -inf, log(+inf) = +inf, log(negative or NaN) = NaN.
  result = v128.bitselect(f32x4.splat(-Infinity), result, f32x4.eq(x, f32x4.splat(0.0)));
  result = v128.bitselect(f32x4.splat(Infinity), result, f32x4.eq(x, f32x4.splat(Infinity)));
  const invalid = v128.or(f32x4.lt(x, f32x4.splat(0.0)), f32x4.ne(x, x));
  return v128.bitselect(f32x4.splat(NaN), result, invalid);
}

// @ts-ignore: decorator
@inline
function log1pv(x: v128): v128 {
  // log1p(x) = log(u) * x / (u - 1) with u = 1 + x rounded (Goldberg), exact where u == 1.
  const u = f32x4.add(x, f32x4.splat(1.0));
  const d = f32x4.sub(u, f32x4.splat(1.0));
  // x / d first: near 1, it cannot overflow where log(u) * x would.
  let result = f32x4.mul(logv(u), f32x4.div(x, d));
  result = v128.bitselect(x, result, f32x4.eq(d, f32x4.splat(0.0)));
  return v128.bitselect(x, result, f32x4.eq(x, f32x4.splat(Infinity)));
}

// The thresholds of tfjs's softplus (its cpu kernel): log(float32 epsilon) + 2.
const SOFTPLUS_THRESHOLD: f32 = -13.942385152878742;

// @ts-ignore: decorator
@inline
function softplusv(x: v128): v128 {
  const ex = expv(x);
  let result = log1pv(ex);
  result = v128.bitselect(x, result, f32x4.gt(x, f32x4.splat(-SOFTPLUS_THRESHOLD)));
  return v128.bitselect(ex, result, f32x4.lt(x, f32x4.splat(SOFTPLUS_THRESHOLD)));
}

// @ts-ignore: decorator
@inline
function sqrtv(x: v128): v128 {
  return f32x4.sqrt(x);
}

// Each kernel: out[i] = f(in[i]) for i < n, 4 lanes at a time; the last n % 4 go
// through the same vector code one lane at a time.
// @ts-ignore: decorator
@inline
function map(input: usize, output: usize, n: i32, kind: i32): void {
  const full = n & ~3;
  for (let i = 0; i < full; i += 4) {
    const at = <usize>i << 2;
    const x = v128.load(input + at);
    let y: v128;
    if (kind == 0) y = expv(x);
    else if (kind == 1) y = logv(x);
    else if (kind == 2) y = log1pv(x);
    else if (kind == 3) y = softplusv(x);
    else y = sqrtv(x);
    v128.store(output + at, y);
  }
  for (let i = full; i < n; i++) {
    const at = <usize>i << 2;
    const x = f32x4.splat(load<f32>(input + at));
    let y: v128;
    if (kind == 0) y = expv(x);
    else if (kind == 1) y = logv(x);
    else if (kind == 2) y = log1pv(x);
    else if (kind == 3) y = softplusv(x);
    else y = sqrtv(x);
    store<f32>(output + at, f32x4.extract_lane(y, 0));
  }
}

export function exp(input: usize, output: usize, n: i32): void {
  map(input, output, n, 0);
}
export function log(input: usize, output: usize, n: i32): void {
  map(input, output, n, 1);
}
export function log1p(input: usize, output: usize, n: i32): void {
  map(input, output, n, 2);
}
export function softplus(input: usize, output: usize, n: i32): void {
  map(input, output, n, 3);
}
export function sqrt(input: usize, output: usize, n: i32): void {
  map(input, output, n, 4);
}

// One Adam step for n float32 parameters, in one pass: reads the gradient g, the
// moments m and v and the weights w, writes the new values to mOut, vOut and wOut
// (which may alias their inputs). Every operation is the one tfjs's AdamOptimizer
// runs, in its order and in float32, so the results are the same bits:
//   m' = m b1 + g (1 - b1);  v' = v b2 + g² (1 - b2)
//   w' = (m' / c1) / (sqrt(v' / c2) + eps) (-lr) + w,  c = 1 - beta^t
export function adam(
  g: usize, m: usize, v: usize, w: usize, mOut: usize, vOut: usize, wOut: usize, n: i32,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32,
  correction1: f32, correction2: f32, epsilon: f32, negativeRate: f32,
): void {
  const b1 = f32x4.splat(beta1);
  const c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2);
  const c2 = f32x4.splat(oneMinusBeta2);
  const k1 = f32x4.splat(correction1);
  const k2 = f32x4.splat(correction2);
  const e = f32x4.splat(epsilon);
  const r = f32x4.splat(negativeRate);
  const full = n & ~3;
  for (let i = 0; i < full; i += 4) {
    const at = <usize>i << 2;
    const gi = v128.load(g + at);
    const mi = f32x4.add(f32x4.mul(v128.load(m + at), b1), f32x4.mul(gi, c1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + at), b2), f32x4.mul(f32x4.mul(gi, gi), c2));
    const step = f32x4.div(f32x4.div(mi, k1), f32x4.add(f32x4.sqrt(f32x4.div(vi, k2)), e));
    const wi = f32x4.add(f32x4.mul(step, r), v128.load(w + at));
    v128.store(mOut + at, mi);
    v128.store(vOut + at, vi);
    v128.store(wOut + at, wi);
  }
  for (let i = full; i < n; i++) {
    const at = <usize>i << 2;
    const gi = load<f32>(g + at);
    const mi = load<f32>(m + at) * beta1 + gi * oneMinusBeta1;
    const vi = load<f32>(v + at) * beta2 + gi * gi * oneMinusBeta2;
    const step = mi / correction1 / (Mathf.sqrt(vi / correction2) + epsilon);
    const wi = step * negativeRate + load<f32>(w + at);
    store<f32>(mOut + at, mi);
    store<f32>(vOut + at, vi);
    store<f32>(wOut + at, wi);
  }
}

export { gemm, transpose } from './gemm';

// Column sums: out[j] = sum over i of x[i, j] for a [rows, cols] matrix, rows added in
// order (the bias gradients of dense layers: a sum over the batch). tfjs-backend-wasm
// transposes the matrix first to reduce along its last axis.
export function sumRows(x: usize, out: usize, rows: i32, cols: i32): void {
  const full = cols & ~3;
  const bytes = <usize>cols << 2;
  memory.fill(out, 0, bytes);
  for (let i = 0; i < rows; i++) {
    const row = x + <usize>i * bytes;
    for (let j = 0; j < full; j += 4) {
      const at = <usize>j << 2;
      v128.store(out + at, f32x4.add(v128.load(out + at), v128.load(row + at)));
    }
    for (let j = full; j < cols; j++) {
      const at = <usize>j << 2;
      store<f32>(out + at, load<f32>(out + at) + load<f32>(row + at));
    }
  }
}
