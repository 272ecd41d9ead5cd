// Diagonal-Gaussian KL divergences, elementwise, with their gradients in the same pass.
// Forward sums accumulate in float64. exp(logvar) is computed as exp(logvar / 2)^2 so
// the fused sampler (which needs exp(logvar / 2) for z) shares one exponential and gives
// the same KL bit for bit.
import { exp4, halfExp4, halfExp4InRange, halvesInExpRange, magnitudeBits } from './approx';
import { accumulate, loadAt, masked, storeAt, total } from './lanes';


/** exp(logvar / 2) in four lanes (halfExp4). */
// @ts-ignore: decorator
@inline export function sigma4(logvar: v128): v128 {
  return halfExp4(logvar);
}

/** sigma4 for lanes where sigmasInRange holds: the same bits, without the range selects. */
// @ts-ignore: decorator
@inline export function sigma4InRange(logvar: v128): v128 {
  return halfExp4InRange(logvar);
}

/**
 * Whether sigma4InRange equals sigma4 in every lane of four logvar vectors: the largest
 * |logvar| of the sixteen, by integer max of the bit patterns, against 173.96.
 */
// @ts-ignore: decorator
@inline export function sigmasInRange(l0: v128, l1: v128, l2: v128, l3: v128): bool {
  const a = i32x4.max_s(magnitudeBits(l0), magnitudeBits(l1));
  const b = i32x4.max_s(magnitudeBits(l2), magnitudeBits(l3));
  return halvesInExpRange(i32x4.max_s(a, b));
}

/** sigmasInRange of the sixteen logvar at ptr. */
// @ts-ignore: decorator
@inline export function sigmasInRangeAt(ptr: usize): bool {
  return sigmasInRange(v128.load(ptr), v128.load(ptr, 16), v128.load(ptr, 32), v128.load(ptr, 48));
}

/**
 * Twice the KL against N(0, 1): exp(logvar) + mu^2 - (logvar + 1), with variance =
 * exp(logvar). Sums add these and halve the total once (halving commutes exactly with
 * float rounding), which saves a multiplication per vector; stored KLs are halved here.
 */
// @ts-ignore: decorator
@inline export function klStdTwice4(mu: v128, logvar: v128, variance: v128): v128 {
  // mu^2 - (logvar + 1) does not wait for the exponential: one addition after it.
  return f32x4.add(variance, f32x4.sub(f32x4.mul(mu, mu), f32x4.add(logvar, f32x4.splat(1.0))));
}

/** Stores half of twiceKl (the KL) at element i of out (nothing when out is 0). */
// @ts-ignore: decorator
@inline export function storeKl(out: usize, i: i32, twiceKl: v128, c: i32): void {
  if (out != 0) storeAt(out, i, f32x4.mul(twiceKl, f32x4.splat(0.5)), c);
}

/** 0.5 (exp(r) + d^2 exp(-lp) - (r + 1)) with r = lq - lp, d = mq - mp (tfjs-ops' form). */
// @ts-ignore: decorator
@inline export function klDiag4(logRatio: v128, ratio: v128, meanTerm: v128): v128 {
  const a = f32x4.add(ratio, meanTerm);
  return f32x4.mul(f32x4.sub(a, f32x4.add(logRatio, f32x4.splat(1.0))), f32x4.splat(0.5));
}

/** Elementwise KL[N(mu, e^logvar) || N(0, 1)] into out (if not 0); returns the float64 sum. */
export function klStandardNormal(mu: usize, logvar: usize, n: i32, out: usize): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  // Groups of sixteen elements: four independent exp chains for the out-of-order core,
  // added in float32 (all terms are >= 0, so that costs at most 2 roundings, 1.2e-7
  // relative, of each group) before the float64 accumulation. Groups whose logvar / 2
  // are all in exp4's plain range take sigma4InRange (same bits). Four groups a turn:
  // each group's branch keeps V8's schedule to sixteen elements at a time (more spills
  // otherwise), and the loop's own overhead (V8 reloads spilled constants at its head) is
  // paid once per 64 elements; measured 5-7% faster than a group a turn (no faster with
  // `out`). The loop without `out` is a separate copy so it carries no store. The sums add twice the KL
  // (klStdTwice4) and are halved once at the end.
  if (out == 0) {
    for (; i + 64 <= n; i += 64) {
      acc = accumulate(acc, klStdGroup(i, mu, logvar, 0));
      acc = accumulate(acc, klStdGroup(i + 16, mu, logvar, 0));
      acc = accumulate(acc, klStdGroup(i + 32, mu, logvar, 0));
      acc = accumulate(acc, klStdGroup(i + 48, mu, logvar, 0));
    }
    for (; i + 16 <= n; i += 16) acc = accumulate(acc, klStdGroup(i, mu, logvar, 0));
  } else {
    for (; i + 16 <= n; i += 16) acc = accumulate(acc, klStdGroup(i, mu, logvar, out));
  }
  for (; i < n; i += 4) acc = accumulate(acc, klStdStep(i, min(4, n - i), mu, logvar, out));
  return 0.5 * total(acc);
}

/** (a + b) + (c + d), lane by lane. */
// @ts-ignore: decorator
@inline export function sum4(a: v128, b: v128, c: v128, d: v128): v128 {
  return f32x4.add(f32x4.add(a, b), f32x4.add(c, d));
}

/**
 * Sixteen elements of klStdStep at index i, summed four lanes wide. The logvar vectors
 * are loaded once, for the range check and the arithmetic (V8 does not merge two loads).
 */
// @ts-ignore: decorator
@inline function klStdGroup(i: i32, mu: usize, logvar: usize, out: usize): v128 {
  const p = logvar + (<usize>i << 2);
  const l0 = v128.load(p);
  const l1 = v128.load(p, 16);
  const l2 = v128.load(p, 32);
  const l3 = v128.load(p, 48);
  return sigmasInRange(l0, l1, l2, l3)
    ? klStdGroupWith(true, i, mu, l0, l1, l2, l3, out)
    : klStdGroupWith(false, i, mu, l0, l1, l2, l3, out);
}

// @ts-ignore: decorator
@inline function klStdGroupWith(inRange: bool, i: i32, mu: usize, l0: v128, l1: v128, l2: v128, l3: v128, out: usize): v128 {
  return sum4(
    klStdVector(i, l0, mu, out, inRange), klStdVector(i + 4, l1, mu, out, inRange),
    klStdVector(i + 8, l2, mu, out, inRange), klStdVector(i + 12, l3, mu, out, inRange));
}

/** Four elements at index i with their logvar l loaded; returns twice their KL. */
// @ts-ignore: decorator
@inline function klStdVector(i: i32, l: v128, mu: usize, out: usize, inRange: bool): v128 {
  const s = inRange ? sigma4InRange(l) : sigma4(l);
  const twiceKl = klStdTwice4(v128.load(mu + (<usize>i << 2)), l, f32x4.mul(s, s));
  storeKl(out, i, twiceKl, 4);
  return twiceKl;
}

/** The last, partial vector (c < 4 elements at index i): klStdVector through the staging lanes. */
// @ts-ignore: decorator
@inline function klStdStep(i: i32, c: i32, mu: usize, logvar: usize, out: usize): v128 {
  const l = loadAt(logvar, i, c);
  const s = sigma4(l);
  const twiceKl = klStdTwice4(loadAt(mu, i, c), l, f32x4.mul(s, s));
  storeKl(out, i, twiceKl, c);
  return masked(twiceKl, c);
}

/**
 * KL[N(mu, e^logvar) || N(0, 1)] and its gradients for the upstream gradient
 * `weight` (gradKl = 0) or gradKl[i]: gradMu = g mu, gradLogvar = g (e^logvar - 1) / 2.
 * Elementwise KL goes to klOut if not 0. Returns the float64 sum of the KL, added in
 * the same order as klStandardNormal's (the two sums are equal).
 */
export function klStandardNormalGrad(
  mu: usize, logvar: usize, n: i32, weight: f32, gradKl: usize,
  klOut: usize, gradMu: usize, gradLogvar: usize,
): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    acc = accumulate(acc, sum4(
      klStdGradStep(i, 4, mu, logvar, weight, gradKl, klOut, gradMu, gradLogvar),
      klStdGradStep(i + 4, 4, mu, logvar, weight, gradKl, klOut, gradMu, gradLogvar),
      klStdGradStep(i + 8, 4, mu, logvar, weight, gradKl, klOut, gradMu, gradLogvar),
      klStdGradStep(i + 12, 4, mu, logvar, weight, gradKl, klOut, gradMu, gradLogvar)));
  }
  for (; i < n; i += 4) acc = accumulate(acc, klStdGradStep(i, min(4, n - i), mu, logvar, weight, gradKl, klOut, gradMu, gradLogvar));
  return 0.5 * total(acc);
}

// @ts-ignore: decorator
@inline function klStdGradStep(
  i: i32, c: i32, mu: usize, logvar: usize, weight: f32, gradKl: usize, klOut: usize, gradMu: usize, gradLogvar: usize,
): v128 {
  const m = loadAt(mu, i, c);
  const l = loadAt(logvar, i, c);
  const g = gradKl == 0 ? f32x4.splat(weight) : loadAt(gradKl, i, c);
  const s = sigma4(l);
  const v = f32x4.mul(s, s);
  const twiceKl = klStdTwice4(m, l, v);
  storeKl(klOut, i, twiceKl, c);
  storeAt(gradMu, i, f32x4.mul(g, m), c);
  storeAt(gradLogvar, i, f32x4.mul(f32x4.mul(g, f32x4.splat(0.5)), f32x4.sub(v, f32x4.splat(1.0))), c);
  return masked(twiceKl, c);
}

/** Elementwise KL[N(qMu, e^qLogvar) || N(pMu, e^pLogvar)] into out (if not 0); returns the sum. */
export function klDiagNormal(qMu: usize, qLogvar: usize, pMu: usize, pLogvar: usize, n: i32, out: usize): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = accumulate(acc, klDiagStep(i, 4, qMu, qLogvar, pMu, pLogvar, out));
  if (i < n) acc = accumulate(acc, klDiagStep(i, n - i, qMu, qLogvar, pMu, pLogvar, out));
  return total(acc);
}

// @ts-ignore: decorator
@inline function klDiagStep(i: i32, c: i32, qMu: usize, qLogvar: usize, pMu: usize, pLogvar: usize, out: usize): v128 {
  const pl = loadAt(pLogvar, i, c);
  const r = f32x4.sub(loadAt(qLogvar, i, c), pl);
  const d = f32x4.sub(loadAt(qMu, i, c), loadAt(pMu, i, c));
  const kl = klDiag4(r, exp4(r), f32x4.mul(f32x4.mul(d, d), exp4(f32x4.neg(pl))));
  storeAt(out, i, kl, c);
  return masked(kl, c);
}

/**
 * KL[q || p] of diagonal Gaussians and its gradients in all four parameters for the
 * upstream gradient `weight` (gradKl = 0) or gradKl[i]; gradPMu / gradPLogvar may be 0
 * (not wanted). Returns the float64 sum of the KL.
 */
export function klDiagNormalGrad(
  qMu: usize, qLogvar: usize, pMu: usize, pLogvar: usize, n: i32, weight: f32, gradKl: usize,
  klOut: usize, gradQMu: usize, gradQLogvar: usize, gradPMu: usize, gradPLogvar: usize,
): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    acc = accumulate(acc, klDiagGradStep(i, 4, qMu, qLogvar, pMu, pLogvar, weight, gradKl, klOut, gradQMu, gradQLogvar, gradPMu, gradPLogvar));
  }
  if (i < n) {
    acc = accumulate(acc, klDiagGradStep(i, n - i, qMu, qLogvar, pMu, pLogvar, weight, gradKl, klOut, gradQMu, gradQLogvar, gradPMu, gradPLogvar));
  }
  return total(acc);
}

// @ts-ignore: decorator
@inline function klDiagGradStep(
  i: i32, c: i32, qMu: usize, qLogvar: usize, pMu: usize, pLogvar: usize, weight: f32, gradKl: usize,
  klOut: usize, gradQMu: usize, gradQLogvar: usize, gradPMu: usize, gradPLogvar: usize,
): v128 {
  const half = f32x4.splat(0.5);
  const one = f32x4.splat(1.0);
  const pl = loadAt(pLogvar, i, c);
  const g = gradKl == 0 ? f32x4.splat(weight) : loadAt(gradKl, i, c);
  const r = f32x4.sub(loadAt(qLogvar, i, c), pl);
  const d = f32x4.sub(loadAt(qMu, i, c), loadAt(pMu, i, c));
  const ratio = exp4(r);
  const precision = exp4(f32x4.neg(pl));
  const meanTerm = f32x4.mul(f32x4.mul(d, d), precision);
  const kl = klDiag4(r, ratio, meanTerm);
  const gqm = f32x4.mul(g, f32x4.mul(d, precision));
  const gh = f32x4.mul(g, half);
  storeAt(klOut, i, kl, c);
  storeAt(gradQMu, i, gqm, c);
  storeAt(gradQLogvar, i, f32x4.mul(gh, f32x4.sub(ratio, one)), c);
  storeAt(gradPMu, i, f32x4.neg(gqm), c);
  storeAt(gradPLogvar, i, f32x4.mul(gh, f32x4.sub(f32x4.sub(one, ratio), meanTerm)), c);
  return masked(kl, c);
}



