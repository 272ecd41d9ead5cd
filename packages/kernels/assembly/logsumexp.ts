// log-sum-exp over the leading (sample) axis of a [samples, n] array, as importance
// weighted bounds need: out[j] = log sum_s exp(x[s, j]). Sums run in float64 after
// subtracting the column maximum; optional normalised weights exp(x[s, j] - out[j]).
import { exp4 } from './approx';
import { loadPartial, storePartial } from './lanes';

/** Returns the float64 sum of out (a finiteness check); weights may be 0. */
export function logSumExp(x: usize, samples: i32, n: i32, out: usize, weights: usize): f64 {
  const rowBytes = <usize>n << 2;
  let check = 0.0;
  for (let j = 0; j < n; j += 4) {
    const c = min(4, n - j);
    const col = <usize>j << 2;
    let top = f32x4.splat(-Infinity);
    for (let s = 0; s < samples; s++) {
      const ptr = x + <usize>s * rowBytes + col;
      top = f32x4.max(top, c == 4 ? v128.load(ptr) : loadPartial(ptr, c));
    }
    // A column of -Infinity (or +Infinity) keeps its max as the answer.
    const finiteTop = f32x4.eq(f32x4.sub(top, top), f32x4.splat(0));
    const shift = v128.and(top, finiteTop);
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    for (let s = 0; s < samples; s++) {
      const ptr = x + <usize>s * rowBytes + col;
      const e = exp4(f32x4.sub(c == 4 ? v128.load(ptr) : loadPartial(ptr, c), shift));
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 2, 3)));
    }
    const t0 = <f64>f32x4.extract_lane(top, 0);
    const t1 = <f64>f32x4.extract_lane(top, 1);
    const t2 = <f64>f32x4.extract_lane(top, 2);
    const t3 = <f64>f32x4.extract_lane(top, 3);
    const r0 = isFinite(t0) ? t0 + Math.log(f64x2.extract_lane(lo, 0)) : t0;
    const r1 = isFinite(t1) ? t1 + Math.log(f64x2.extract_lane(lo, 1)) : t1;
    const r2 = isFinite(t2) ? t2 + Math.log(f64x2.extract_lane(hi, 0)) : t2;
    const r3 = isFinite(t3) ? t3 + Math.log(f64x2.extract_lane(hi, 1)) : t3;
    const result = f32x4(<f32>r0, <f32>r1, <f32>r2, <f32>r3);
    if (c == 4) v128.store(out + col, result);
    else storePartial(out + col, result, c);
    check += r0;
    if (c > 1) check += r1;
    if (c > 2) check += r2;
    if (c > 3) check += r3;
    if (weights != 0) {
      const r64lo = f64x2(r0, r1);
      const r64hi = f64x2(r2, r3);
      // exp(x - lse) with lse rounded to float32 only at the end: subtract in float64.
      for (let s = 0; s < samples; s++) {
        const off = <usize>s * rowBytes + col;
        const v = c == 4 ? v128.load(x + off) : loadPartial(x + off, c);
        const dlo = f64x2.sub(f64x2.promote_low_f32x4(v), r64lo);
        const dhi = f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)), r64hi);
        const w = exp4(f32x4.shuffle(f32x4.demote_f64x2_zero(dlo), f32x4.demote_f64x2_zero(dhi), 0, 1, 4, 5));
        if (c == 4) v128.store(weights + off, w);
        else storePartial(weights + off, w, c);
      }
    }
  }
  return check;
}
