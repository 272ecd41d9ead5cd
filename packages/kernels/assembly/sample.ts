// Reparameterised sampling z = mu + exp(logvar / 2) * eps, alone and fused with the KL
// of q = N(mu, e^logvar) against N(0, I) or a diagonal Gaussian prior, eps drawn from
// the Philox stream inside the same pass; and the backward passes. The float32
// arithmetic of z is the same in every kernel, so fused and unfused draws agree bit for bit.
import { exp4 } from './approx';
import { klDiag4, klStd4, sigma4 } from './kl';
import { accumulate, laneMask, loadPartial, storePartial, total } from './lanes';
import { groupOut, normals16 } from './normal';

// @ts-ignore: decorator
@inline function at(ptr: usize, i: i32): usize {
  return ptr + (<usize>i << 2);
}

// @ts-ignore: decorator
@inline function loadAt(ptr: usize, i: i32, c: i32): v128 {
  return c == 4 ? v128.load(at(ptr, i)) : loadPartial(at(ptr, i), c);
}

// @ts-ignore: decorator
@inline function storeAt(ptr: usize, i: i32, v: v128, c: i32): void {
  if (c == 4) {
    if (ptr != 0) v128.store(at(ptr, i), v);
  } else {
    storePartial(ptr == 0 ? 0 : at(ptr, i), v, c);
  }
}

// @ts-ignore: decorator
@inline function masked(v: v128, c: i32): v128 {
  return c == 4 ? v : v128.and(v, laneMask(c));
}

/** z = mu + exp(logvar / 2) eps. Returns the float64 sum of z (a finiteness check). */
export function reparameterize(mu: usize, logvar: usize, eps: usize, n: i32, z: usize): f64 {
  let acc = f64x2.splat(0);
  for (let i = 0; i < n; i += 4) {
    const c = min(4, n - i);
    const zz = f32x4.add(loadAt(mu, i, c), f32x4.mul(sigma4(loadAt(logvar, i, c)), loadAt(eps, i, c)));
    storeAt(z, i, zz, c);
    acc = accumulate(acc, masked(zz, c));
  }
  return total(acc);
}

/** d/dlogvar of sum(gradZ * z): gradZ * exp(logvar / 2) * eps / 2. Returns its sum. */
export function reparameterizeBackward(logvar: usize, eps: usize, gradZ: usize, n: i32, gradLogvar: usize): f64 {
  let acc = f64x2.splat(0);
  const half = f32x4.splat(0.5);
  for (let i = 0; i < n; i += 4) {
    const c = min(4, n - i);
    const se = f32x4.mul(sigma4(loadAt(logvar, i, c)), loadAt(eps, i, c));
    const gl = f32x4.mul(f32x4.mul(loadAt(gradZ, i, c), half), se);
    storeAt(gradLogvar, i, gl, c);
    acc = accumulate(acc, masked(gl, c));
  }
  return total(acc);
}

/** z, eps and the KL of four elements at index i (c of them valid); returns the masked KL. */
// @ts-ignore: decorator
@inline function fusedStep(
  i: i32, c: i32, e: v128, mu: usize, logvar: usize, pMu: usize, pLogvar: usize,
  z: usize, klOut: usize, epsOut: usize,
): v128 {
  const m = loadAt(mu, i, c);
  const l = loadAt(logvar, i, c);
  const s = sigma4(l);
  storeAt(z, i, f32x4.add(m, f32x4.mul(s, e)), c);
  storeAt(epsOut, i, e, c);
  let kl: v128;
  if (pMu == 0) {
    kl = klStd4(m, l, f32x4.mul(s, s));
  } else {
    const pl = loadAt(pLogvar, i, c);
    const r = f32x4.sub(l, pl);
    const d = f32x4.sub(m, loadAt(pMu, i, c));
    kl = klDiag4(r, exp4(r), f32x4.mul(f32x4.mul(d, d), exp4(f32x4.neg(pl))));
  }
  storeAt(klOut, i, kl, c);
  return masked(kl, c);
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
  let counter = (<u64>counterHi << 32) | <u64>counterLo;
  let acc = f64x2.splat(0);
  let base = 0;
  // Whole groups of 16 draws (four Philox blocks), straight-line.
  for (; base + 16 <= n; base += 16, counter += 4) {
    normals16(counter, k0, k1, groupOut);
    acc = accumulate(acc, fusedStep(base, 4, v128.load(groupOut, 0), mu, logvar, pMu, pLogvar, z, klOut, epsOut));
    acc = accumulate(acc, fusedStep(base + 4, 4, v128.load(groupOut, 16), mu, logvar, pMu, pLogvar, z, klOut, epsOut));
    acc = accumulate(acc, fusedStep(base + 8, 4, v128.load(groupOut, 32), mu, logvar, pMu, pLogvar, z, klOut, epsOut));
    acc = accumulate(acc, fusedStep(base + 12, 4, v128.load(groupOut, 48), mu, logvar, pMu, pLogvar, z, klOut, epsOut));
  }
  // The last, partial group: same arithmetic, staged lane by lane.
  if (base < n) {
    normals16(counter, k0, k1, groupOut);
    for (let j = 0; base + j < n; j += 4) {
      const c = min(4, n - base - j);
      const e = v128.load(groupOut + (<usize>j << 2));
      acc = accumulate(acc, fusedStep(base + j, c, e, mu, logvar, pMu, pLogvar, z, klOut, epsOut));
    }
  }
  return total(acc);
}

/**
 * Backward pass of sampleWithKl for upstream gradients gradZ (0: none) and the KL's
 * (`weight` everywhere when gradKl is 0, else gradKl[i]):
 *   gradMu = gz + g dKL/dmu,  gradLogvar = gz exp(logvar / 2) eps / 2 + g dKL/dlogvar,
 * and, with a diagonal prior (pMu not 0), gradPMu / gradPLogvar when those are not 0.
 * Returns the float64 sum of gradLogvar (a finiteness check).
 */
export function sampleWithKlBackward(
  mu: usize, logvar: usize, pMu: usize, pLogvar: usize, eps: usize, gradZ: usize, n: i32,
  weight: f32, gradKl: usize, gradMu: usize, gradLogvar: usize, gradPMu: usize, gradPLogvar: usize,
): f64 {
  let acc = f64x2.splat(0);
  const half = f32x4.splat(0.5);
  const one = f32x4.splat(1.0);
  const zero = f32x4.splat(0.0);
  for (let i = 0; i < n; i += 4) {
    const c = min(4, n - i);
    const m = loadAt(mu, i, c);
    const l = loadAt(logvar, i, c);
    const gz = gradZ == 0 ? zero : loadAt(gradZ, i, c);
    const g = gradKl == 0 ? f32x4.splat(weight) : loadAt(gradKl, i, c);
    const s = sigma4(l);
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
    storeAt(gradMu, i, gm, c);
    storeAt(gradLogvar, i, gl, c);
    acc = accumulate(acc, masked(gl, c));
  }
  return total(acc);
}
