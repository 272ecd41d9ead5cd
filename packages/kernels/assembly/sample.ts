// Reparameterised sampling z = mu + exp(logvar / 2) * eps, alone and fused with the KL
// of q = N(mu, e^logvar) against N(0, I) or a diagonal Gaussian prior, eps drawn from
// the Philox stream inside the same pass; and the backward passes. The float32
// arithmetic of z is the same in every kernel, so fused and unfused draws agree bit for bit.
import { exp4 } from './approx';
import { klDiag4, klStdTwice4, sigma4, sigma4InRange, sigmasInRangeAt, storeKl, sum4 } from './kl';
import { accumulate, loadAt, loadPartial, masked, storeAt, storeAtPresent, total } from './lanes';
import { fillNormal } from './normal';

// Draws are made a chunk at a time (into epsOut, or here when it is not wanted) and then
// consumed from L1 by a separate, tight loop: two simple loops beat one crowded one.
const CHUNK: i32 = 1024;
const chunkEps: usize = memory.data(CHUNK << 2, 16);

/** z = mu + exp(logvar / 2) eps. Returns the float64 sum of z (a finiteness check). */
export function reparameterize(mu: usize, logvar: usize, eps: usize, n: i32, z: usize): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = accumulate(acc, reparameterizeStep(i, 4, mu, logvar, eps, z));
  if (i < n) acc = accumulate(acc, reparameterizeStep(i, n - i, mu, logvar, eps, z));
  return total(acc);
}

// @ts-ignore: decorator
@inline function reparameterizeStep(i: i32, c: i32, mu: usize, logvar: usize, eps: usize, z: usize): v128 {
  const zz = f32x4.add(loadAt(mu, i, c), f32x4.mul(sigma4(loadAt(logvar, i, c)), loadAt(eps, i, c)));
  storeAt(z, i, zz, c);
  return masked(zz, c);
}

/** d/dlogvar of sum(gradZ * z): gradZ * exp(logvar / 2) * eps / 2. Returns its sum. */
export function reparameterizeBackward(logvar: usize, eps: usize, gradZ: usize, n: i32, gradLogvar: usize): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = accumulate(acc, reparameterizeBackwardStep(i, 4, logvar, eps, gradZ, gradLogvar));
  if (i < n) acc = accumulate(acc, reparameterizeBackwardStep(i, n - i, logvar, eps, gradZ, gradLogvar));
  return total(acc);
}

// @ts-ignore: decorator
@inline function reparameterizeBackwardStep(i: i32, c: i32, logvar: usize, eps: usize, gradZ: usize, gradLogvar: usize): v128 {
  const se = f32x4.mul(sigma4(loadAt(logvar, i, c)), loadAt(eps, i, c));
  const gl = f32x4.mul(f32x4.mul(loadAt(gradZ, i, c), f32x4.splat(0.5)), se);
  storeAt(gradLogvar, i, gl, c);
  return masked(gl, c);
}

/**
 * z, eps and the KL of four elements at index i (c of them valid); returns the masked KL,
 * doubled against N(0, I) (klStdTwice4; the caller halves the sum).
 */
// @ts-ignore: decorator
@inline function fusedStep(
  i: i32, c: i32, e: v128, mu: usize, logvar: usize, pMu: usize, pLogvar: usize, z: usize, klOut: usize, inRange: bool = false,
): v128 {
  const m = loadAt(mu, i, c);
  const l = loadAt(logvar, i, c);
  const s = inRange ? sigma4InRange(l) : sigma4(l);
  storeAtPresent(z, i, f32x4.add(m, f32x4.mul(s, e)), c);
  let kl: v128;
  if (pMu == 0) {
    kl = klStdTwice4(m, l, f32x4.mul(s, s));
    storeKl(klOut, i, kl, c);
  } else {
    const pl = loadAt(pLogvar, i, c);
    const r = f32x4.sub(l, pl);
    const d = f32x4.sub(m, loadAt(pMu, i, c));
    kl = klDiag4(r, exp4(r), f32x4.mul(f32x4.mul(d, d), exp4(f32x4.neg(pl))));
    storeAt(klOut, i, kl, c);
  }
  return masked(kl, c);
}

/**
 * Sixteen elements of fusedStep against N(0, I) at index i, draws at e; their KL summed
 * four lanes wide. The group takes sigma4InRange when all its logvar / 2 are in exp4's
 * plain range (checked first, as z may overwrite logvar), exp4 otherwise.
 */
// @ts-ignore: decorator
@inline function fusedGroup(i: i32, e: usize, mu: usize, logvar: usize, z: usize, klOut: usize): v128 {
  return sigmasInRangeAt(logvar + (<usize>i << 2))
    ? fusedGroupWith(true, i, e, mu, logvar, z, klOut)
    : fusedGroupWith(false, i, e, mu, logvar, z, klOut);
}

// @ts-ignore: decorator
@inline function fusedGroupWith(inRange: bool, i: i32, e: usize, mu: usize, logvar: usize, z: usize, klOut: usize): v128 {
  return sum4(
    fusedStep(i, 4, v128.load(e), mu, logvar, 0, 0, z, klOut, inRange),
    fusedStep(i + 4, 4, v128.load(e, 16), mu, logvar, 0, 0, z, klOut, inRange),
    fusedStep(i + 8, 4, v128.load(e, 32), mu, logvar, 0, 0, z, klOut, inRange),
    fusedStep(i + 12, 4, v128.load(e, 48), mu, logvar, 0, 0, z, klOut, inRange));
}

/**
 * eps ~ N(0, I) from blocks counter.. of key (k0, k1) (ceil(n / 4) blocks, the stream of
 * fillNormal), z = mu + exp(logvar / 2) eps, and the elementwise KL against N(0, I)
 * (or against N(pMu, e^pLogvar) when pMu is not 0). klOut and epsOut may be 0.
 * Returns the float64 sum of the KL.
 */
export function sampleWithKl(
  mu: usize, logvar: usize, pMu: usize, pLogvar: usize, n: i32,
  z: usize, klOut: usize, epsOut: usize,
  k0: u32, k1: u32, counterLo: u32, counterHi: u32,
): f64 {
  const counter = (<u64>counterHi << 32) | <u64>counterLo;
  let acc = f64x2.splat(0);
  for (let base = 0; base < n; base += CHUNK) {
    const length = min(CHUNK, n - base);
    const eps = epsOut != 0 ? epsOut + (<usize>base << 2) : chunkEps;
    const blocks = counter + <u64>(base >> 2);
    fillNormal(eps, length, k0, k1, <u32>blocks, <u32>(blocks >> 32));
    let j = 0;
    // Two copies of the loop so the prior-free one carries no prior arithmetic.
    if (pMu == 0) {
      // Groups of sixteen added in float32 first, in klStandardNormal's order (CHUNK is a
      // multiple of 16), so the two KL sums are equal.
      // Separate loops with and without klOut, so the common one tests no pointer.
      if (klOut == 0) {
        for (; j + 16 <= length; j += 16) acc = accumulate(acc, fusedGroup(base + j, eps + (<usize>j << 2), mu, logvar, z, 0));
      } else {
        for (; j + 16 <= length; j += 16) acc = accumulate(acc, fusedGroup(base + j, eps + (<usize>j << 2), mu, logvar, z, klOut));
      }
      for (; j + 4 <= length; j += 4) {
        const e = v128.load(eps + (<usize>j << 2));
        acc = accumulate(acc, fusedStep(base + j, 4, e, mu, logvar, 0, 0, z, klOut));
      }
    } else {
      for (; j + 4 <= length; j += 4) {
        const e = v128.load(eps + (<usize>j << 2));
        acc = accumulate(acc, fusedStep(base + j, 4, e, mu, logvar, pMu, pLogvar, z, klOut));
      }
    }
    if (j < length) {
      const c = length - j;
      const e = loadPartial(eps + (<usize>j << 2), c);
      acc = accumulate(acc, fusedStep(base + j, c, e, mu, logvar, pMu, pLogvar, z, klOut));
    }
  }
  // Against N(0, I) acc holds twice the KL (klStdTwice4), halved here as in klStandardNormal.
  return pMu == 0 ? 0.5 * total(acc) : total(acc);
}

/** acc + (x - x): stays 0 while every lane of x is finite, NaN after any that is not. */
// @ts-ignore: decorator
@inline function finiteCheck(acc: v128, x: v128): v128 {
  return f32x4.add(acc, f32x4.sub(x, x));
}

/**
 * Backward pass of sampleWithKl for upstream gradients gradZ (0: none) and the KL's
 * (`weight` everywhere when gradKl is 0, else gradKl[i]):
 *   gradMu = gz + g dKL/dmu,  gradLogvar = gz exp(logvar / 2) eps / 2 + g dKL/dlogvar,
 * and, with a diagonal prior (pMu not 0), gradPMu / gradPLogvar when those are not 0.
 * Returns 0 when every gradLogvar is finite and NaN otherwise (the caller's finiteness
 * check: x - x is 0 for finite x, NaN for infinities and NaN; cheaper than a sum).
 */
export function sampleWithKlBackward(
  mu: usize, logvar: usize, pMu: usize, pLogvar: usize, eps: usize, gradZ: usize, n: i32,
  weight: f32, gradKl: usize, gradMu: usize, gradLogvar: usize, gradPMu: usize, gradPLogvar: usize,
): f64 {
  let acc = f32x4.splat(0);
  let i = 0;
  if (pMu == 0 && gradZ != 0 && gradKl == 0) {
    // The VAE's case, specialised: N(0, I) prior, a gradient for z, one KL weight; groups
    // of sixteen take sigma4InRange when all their logvar / 2 are in exp4's plain range.
    for (; i + 16 <= n; i += 16) {
      if (sigmasInRangeAt(logvar + (<usize>i << 2))) acc = vaeBackwardGroup(acc, true, i, mu, logvar, eps, gradZ, weight, gradMu, gradLogvar);
      else acc = vaeBackwardGroup(acc, false, i, mu, logvar, eps, gradZ, weight, gradMu, gradLogvar);
    }
    for (; i + 4 <= n; i += 4) {
      acc = finiteCheck(acc, backwardStep(i, 4, mu, logvar, 0, 0, eps, gradZ, true, weight, 0, gradMu, gradLogvar, 0, 0));
    }
  } else if (pMu == 0) {
    for (; i + 4 <= n; i += 4) {
      acc = finiteCheck(acc, backwardStep(i, 4, mu, logvar, 0, 0, eps, gradZ, gradZ != 0, weight, gradKl, gradMu, gradLogvar, 0, 0));
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      acc = finiteCheck(acc, backwardStep(i, 4, mu, logvar, pMu, pLogvar, eps, gradZ, gradZ != 0, weight, gradKl, gradMu, gradLogvar, gradPMu, gradPLogvar));
    }
  }
  if (i < n) {
    acc = finiteCheck(acc, backwardStep(i, n - i, mu, logvar, pMu, pLogvar, eps, gradZ, gradZ != 0, weight, gradKl, gradMu, gradLogvar, gradPMu, gradPLogvar));
  }
  const lanes = f32x4.add(acc, i32x4.shuffle(acc, acc, 2, 3, 0, 1));
  return <f64>(f32x4.extract_lane(lanes, 0) + f32x4.extract_lane(lanes, 1));
}

/** Sixteen elements of backwardStep in the VAE's case, each gradLogvar vector through finiteCheck. */
// @ts-ignore: decorator
@inline function vaeBackwardGroup(
  acc: v128, inRange: bool, i: i32, mu: usize, logvar: usize, eps: usize, gradZ: usize, weight: f32, gradMu: usize, gradLogvar: usize,
): v128 {
  acc = finiteCheck(acc, backwardStep(i, 4, mu, logvar, 0, 0, eps, gradZ, true, weight, 0, gradMu, gradLogvar, 0, 0, inRange));
  acc = finiteCheck(acc, backwardStep(i + 4, 4, mu, logvar, 0, 0, eps, gradZ, true, weight, 0, gradMu, gradLogvar, 0, 0, inRange));
  acc = finiteCheck(acc, backwardStep(i + 8, 4, mu, logvar, 0, 0, eps, gradZ, true, weight, 0, gradMu, gradLogvar, 0, 0, inRange));
  return finiteCheck(acc, backwardStep(i + 12, 4, mu, logvar, 0, 0, eps, gradZ, true, weight, 0, gradMu, gradLogvar, 0, 0, inRange));
}

/** Four elements of sampleWithKlBackward at index i (c valid); returns the masked gradLogvar. */
// @ts-ignore: decorator
@inline function backwardStep(
  i: i32, c: i32, mu: usize, logvar: usize, pMu: usize, pLogvar: usize, eps: usize, gradZ: usize, hasGradZ: bool,
  weight: f32, gradKl: usize, gradMu: usize, gradLogvar: usize, gradPMu: usize, gradPLogvar: usize, inRange: bool = false,
): v128 {
  const half = f32x4.splat(0.5);
  const one = f32x4.splat(1.0);
  const m = loadAt(mu, i, c);
  const l = loadAt(logvar, i, c);
  const gz = hasGradZ ? loadAt(gradZ, i, c) : f32x4.splat(0.0);
  const g = gradKl == 0 ? f32x4.splat(weight) : loadAt(gradKl, i, c);
  const s = inRange ? sigma4InRange(l) : sigma4(l);
  const dzdl = f32x4.mul(f32x4.mul(s, loadAt(eps, i, c)), half);
  let gm: v128;
  let gl: v128;
  if (pMu == 0) {
    gm = f32x4.add(gz, f32x4.mul(g, m));
    gl = f32x4.add(f32x4.mul(gz, dzdl), f32x4.mul(f32x4.mul(g, half), f32x4.sub(f32x4.mul(s, s), one)));
  } else {
    const pl = loadAt(pLogvar, i, c);
    const r = f32x4.sub(l, pl);
    const d = f32x4.sub(m, loadAt(pMu, i, c));
    const ratio = exp4(r);
    const precision = exp4(f32x4.neg(pl));
    const gdm = f32x4.mul(g, f32x4.mul(d, precision));
    const gh = f32x4.mul(g, half);
    gm = f32x4.add(gz, gdm);
    gl = f32x4.add(f32x4.mul(gz, dzdl), f32x4.mul(gh, f32x4.sub(ratio, one)));
    storeAt(gradPMu, i, f32x4.neg(gdm), c);
    storeAt(gradPLogvar, i, f32x4.mul(gh, f32x4.sub(f32x4.sub(one, ratio), f32x4.mul(f32x4.mul(d, d), precision))), c);
  }
  storeAtPresent(gradMu, i, gm, c);
  storeAtPresent(gradLogvar, i, gl, c);
  return masked(gl, c);
}
