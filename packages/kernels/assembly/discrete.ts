// Bernoulli and Poisson draws for synthetic data. Bernoulli: draw i is u_i < p_i with
// u_i the i-th uniform of the stream (ceil(n / 4) blocks, like fillUniform). Poisson:
// draw i owns block counter + i (n blocks); attempt t of a rejection sampler uses the
// block with counter words (counter + i, t >> 1) and words 2 (t & 1), 2 (t & 1) + 1, so
// attempt 0 is the data block and later ones lie in a domain the data stream never uses.
import { unitFloat64 } from './draws';
import { philoxBlock } from './philox';
import { fillUniform } from './normal';

const block: usize = memory.data(16, 16);

/**
 * out[i] = 1 if u_i < p else 0, p = probs[i] (probsLength n) or probs[0] (probsLength 1).
 * Returns -1, or the index of the first probability outside [0, 1] (NaN included),
 * in which case out is left unspecified.
 */
export function fillBernoulli(
  out: usize, n: i32, probs: usize, probsLength: i32,
  k0: u32, k1: u32, counterLo: u32, counterHi: u32,
): i32 {
  for (let i = 0; i < probsLength; i++) {
    const p = load<f32>(probs + (<usize>i << 2));
    if (!(p >= 0 && p <= 1)) return i;
  }
  fillUniform(out, n, k0, k1, counterLo, counterHi);
  const step: usize = probsLength == 1 ? 0 : 4;
  for (let i = 0; i < n; i++) {
    const ptr = out + (<usize>i << 2);
    store<f32>(ptr, load<f32>(ptr) < load<f32>(probs + <usize>i * step) ? 1 : 0);
  }
  return -1;
}

/** log Gamma(x) for x >= 1: Stirling's series after shifting x to at least 10 (error < 1e-12). */
function logGamma(x: f64): f64 {
  let shift = 0.0;
  while (x < 10) {
    shift += Math.log(x);
    x += 1;
  }
  const r = 1 / (x * x);
  const series = (1.0 / 12 - r * (1.0 / 360 - r * (1.0 / 1260 - r / 1680))) / x;
  return (x - 0.5) * Math.log(x) - x + 0.91893853320467274 + series - shift;
}

function uniformOf(lo: u32, hi: u32, attempt: u32, word: u32, k0: u32, k1: u32): f64 {
  philoxBlock(lo, hi, attempt, 0, k0, k1, block);
  return unitFloat64(load<u32>(block + (<usize>word << 2)));
}

/** One Poisson(rate) draw from the blocks (lo, hi, t, 0) of key (k0, k1). */
function poisson(rate: f64, lo: u32, hi: u32, k0: u32, k1: u32): f64 {
  if (rate == 0) return 0;
  if (rate < 10) {
    // Inversion by sequential search on one uniform.
    const u = uniformOf(lo, hi, 0, 0, k0, k1);
    let p = Math.exp(-rate);
    let cdf = p;
    let k = 0.0;
    while (u > cdf && p > 0) {
      k += 1;
      p *= rate / k;
      cdf += p;
    }
    return k;
  }
  // PTRS: W. Hormann, "The transformed rejection method for generating Poisson random
  // variables", Insurance: Mathematics and Economics 12 (1993).
  const sqrtRate = Math.sqrt(rate);
  const logRate = Math.log(rate);
  const b = 0.931 + 2.53 * sqrtRate;
  const a = -0.059 + 0.02483 * b;
  const logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
  const vr = 0.9277 - 3.6224 / (b - 2);
  // Each attempt accepts with probability above 0.85, so the loop ends.
  for (let attempt: u32 = 0; ; attempt++) {
    philoxBlock(lo, hi, attempt >> 1, 0, k0, k1, block);
    const word = (attempt & 1) << 1;
    const u = unitFloat64(load<u32>(block + (<usize>word << 2))) - 0.5;
    const v = unitFloat64(load<u32>(block + (<usize>(word + 1) << 2)));
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + rate + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b) <= -rate + k * logRate - logGamma(k + 1)) return k;
  }
  return unreachable();
}

/**
 * out[i] ~ Poisson(rate), rate = rates[i] (ratesLength n) or rates[0] (ratesLength 1).
 * Returns -1, or the index of the first rate that is negative, infinite or NaN.
 */
export function fillPoisson(
  out: usize, n: i32, rates: usize, ratesLength: i32,
  k0: u32, k1: u32, counterLo: u32, counterHi: u32,
): i32 {
  for (let i = 0; i < ratesLength; i++) {
    const r = load<f32>(rates + (<usize>i << 2));
    if (!(r >= 0 && isFinite<f32>(r))) return i;
  }
  const counter = (<u64>counterHi << 32) | <u64>counterLo;
  const step: usize = ratesLength == 1 ? 0 : 4;
  for (let i = 0; i < n; i++) {
    const c = counter + <u64>i;
    const rate = <f64>load<f32>(rates + <usize>i * step);
    store<f32>(out + (<usize>i << 2), <f32>poisson(rate, <u32>c, <u32>(c >> 32), k0, k1));
  }
  return -1;
}
