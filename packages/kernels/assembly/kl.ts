// Diagonal-Gaussian KL divergences, elementwise, with their gradients in the same pass.
// Forward sums accumulate in float64. exp(logvar) is computed as exp(logvar / 2)^2 so
// the fused sampler (which needs exp(logvar / 2) for z) shares one exponential.
import { exp4 } from './approx';
import { accumulate, laneMask, loadPartial, storePartial, total } from './lanes';

// @ts-ignore: decorator
@inline export function sigma4(logvar: v128): v128 {
  return exp4(f32x4.mul(logvar, f32x4.splat(0.5)));
}

/** 0.5 (exp(logvar) + mu^2 - (logvar + 1)), with variance = exp(logvar). */
// @ts-ignore: decorator
@inline export function klStd4(mu: v128, logvar: v128, variance: v128): v128 {
  const a = f32x4.add(variance, f32x4.mul(mu, mu));
  return f32x4.mul(f32x4.sub(a, f32x4.add(logvar, f32x4.splat(1.0))), f32x4.splat(0.5));
}

/** 0.5 (exp(r) + d^2 exp(-lp) - (r + 1)) with r = lq - lp, d = mq - mp (tfjs-ops' form). */
// @ts-ignore: decorator
@inline export function klDiag4(logRatio: v128, ratio: v128, meanTerm: v128): v128 {
  const a = f32x4.add(ratio, meanTerm);
  return f32x4.mul(f32x4.sub(a, f32x4.add(logRatio, f32x4.splat(1.0))), f32x4.splat(0.5));
}

// @ts-ignore: decorator
@inline function at(ptr: usize, i: i32): usize {
  return ptr + (<usize>i << 2);
}

/** Elementwise KL[N(mu, e^logvar) || N(0, 1)] into out (if not 0); returns the float64 sum. */
export function klStandardNormal(mu: usize, logvar: usize, n: i32, out: usize): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const m = v128.load(at(mu, i));
    const l = v128.load(at(logvar, i));
    const s = sigma4(l);
    const kl = klStd4(m, l, f32x4.mul(s, s));
    if (out != 0) v128.store(at(out, i), kl);
    acc = accumulate(acc, kl);
  }
  if (i < n) {
    const c = n - i;
    const l = loadPartial(at(logvar, i), c);
    const s = sigma4(l);
    const kl = klStd4(loadPartial(at(mu, i), c), l, f32x4.mul(s, s));
    storePartial(out == 0 ? 0 : at(out, i), kl, c);
    acc = accumulate(acc, v128.and(kl, laneMask(c)));
  }
  return total(acc);
}

/**
 * KL[N(mu, e^logvar) || N(0, 1)] and its gradients for the upstream gradient
 * `weight` (gradKl = 0) or gradKl[i]: gradMu = g mu, gradLogvar = g (e^logvar - 1) / 2.
 * Elementwise KL goes to klOut if not 0. Returns the float64 sum of the KL.
 */
export function klStandardNormalGrad(
  mu: usize, logvar: usize, n: i32, weight: f32, gradKl: usize,
  klOut: usize, gradMu: usize, gradLogvar: usize,
): f64 {
  let acc = f64x2.splat(0);
  const half = f32x4.splat(0.5);
  const one = f32x4.splat(1.0);
  for (let i = 0; i < n; i += 4) {
    const c = min(4, n - i);
    const full = c == 4;
    const m = full ? v128.load(at(mu, i)) : loadPartial(at(mu, i), c);
    const l = full ? v128.load(at(logvar, i)) : loadPartial(at(logvar, i), c);
    const g = gradKl == 0 ? f32x4.splat(weight) : full ? v128.load(at(gradKl, i)) : loadPartial(at(gradKl, i), c);
    const s = sigma4(l);
    const v = f32x4.mul(s, s);
    const kl = klStd4(m, l, v);
    const gm = f32x4.mul(g, m);
    const gl = f32x4.mul(f32x4.mul(g, half), f32x4.sub(v, one));
    if (full) {
      if (klOut != 0) v128.store(at(klOut, i), kl);
      v128.store(at(gradMu, i), gm);
      v128.store(at(gradLogvar, i), gl);
      acc = accumulate(acc, kl);
    } else {
      storePartial(klOut == 0 ? 0 : at(klOut, i), kl, c);
      storePartial(at(gradMu, i), gm, c);
      storePartial(at(gradLogvar, i), gl, c);
      acc = accumulate(acc, v128.and(kl, laneMask(c)));
    }
  }
  return total(acc);
}

/** Elementwise KL[N(qMu, e^qLogvar) || N(pMu, e^pLogvar)] into out (if not 0); returns the sum. */
export function klDiagNormal(qMu: usize, qLogvar: usize, pMu: usize, pLogvar: usize, n: i32, out: usize): f64 {
  let acc = f64x2.splat(0);
  for (let i = 0; i < n; i += 4) {
    const c = min(4, n - i);
    const full = c == 4;
    const qm = full ? v128.load(at(qMu, i)) : loadPartial(at(qMu, i), c);
    const ql = full ? v128.load(at(qLogvar, i)) : loadPartial(at(qLogvar, i), c);
    const pm = full ? v128.load(at(pMu, i)) : loadPartial(at(pMu, i), c);
    const pl = full ? v128.load(at(pLogvar, i)) : loadPartial(at(pLogvar, i), c);
    const r = f32x4.sub(ql, pl);
    const d = f32x4.sub(qm, pm);
    const kl = klDiag4(r, exp4(r), f32x4.mul(f32x4.mul(d, d), exp4(f32x4.neg(pl))));
    if (full) {
      if (out != 0) v128.store(at(out, i), kl);
      acc = accumulate(acc, kl);
    } else {
      storePartial(out == 0 ? 0 : at(out, i), kl, c);
      acc = accumulate(acc, v128.and(kl, laneMask(c)));
    }
  }
  return total(acc);
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
  const half = f32x4.splat(0.5);
  const one = f32x4.splat(1.0);
  for (let i = 0; i < n; i += 4) {
    const c = min(4, n - i);
    const full = c == 4;
    const qm = full ? v128.load(at(qMu, i)) : loadPartial(at(qMu, i), c);
    const ql = full ? v128.load(at(qLogvar, i)) : loadPartial(at(qLogvar, i), c);
    const pm = full ? v128.load(at(pMu, i)) : loadPartial(at(pMu, i), c);
    const pl = full ? v128.load(at(pLogvar, i)) : loadPartial(at(pLogvar, i), c);
    const g = gradKl == 0 ? f32x4.splat(weight) : full ? v128.load(at(gradKl, i)) : loadPartial(at(gradKl, i), c);
    const r = f32x4.sub(ql, pl);
    const d = f32x4.sub(qm, pm);
    const ratio = exp4(r);
    const precision = exp4(f32x4.neg(pl));
    const meanTerm = f32x4.mul(f32x4.mul(d, d), precision);
    const kl = klDiag4(r, ratio, meanTerm);
    const gqm = f32x4.mul(g, f32x4.mul(d, precision));
    const gh = f32x4.mul(g, half);
    const gql = f32x4.mul(gh, f32x4.sub(ratio, one));
    const gpl = f32x4.mul(gh, f32x4.sub(f32x4.sub(one, ratio), meanTerm));
    if (full) {
      if (klOut != 0) v128.store(at(klOut, i), kl);
      v128.store(at(gradQMu, i), gqm);
      v128.store(at(gradQLogvar, i), gql);
      if (gradPMu != 0) v128.store(at(gradPMu, i), f32x4.neg(gqm));
      if (gradPLogvar != 0) v128.store(at(gradPLogvar, i), gpl);
      acc = accumulate(acc, kl);
    } else {
      storePartial(klOut == 0 ? 0 : at(klOut, i), kl, c);
      storePartial(at(gradQMu, i), gqm, c);
      storePartial(at(gradQLogvar, i), gql, c);
      storePartial(gradPMu == 0 ? 0 : at(gradPMu, i), f32x4.neg(gqm), c);
      storePartial(gradPLogvar == 0 ? 0 : at(gradPLogvar, i), gpl, c);
      acc = accumulate(acc, v128.and(kl, laneMask(c)));
    }
  }
  return total(acc);
}
