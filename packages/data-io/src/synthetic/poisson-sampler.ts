import { invalidArgument } from '@elbo/runtime';
import { logGamma } from './log-gamma.js';
import type { UniformStream } from './random-source.js';

// Below this mean, sequential inversion is fast (expected lambda + 1 steps) and exact.
const INVERSION_LIMIT = 10;
// Inversion never needs more terms than this for lambda < 10: P(K > 200) underflows.
const INVERSION_MAX_TERMS = 200;

/**
 * One Poisson(`rate`) draw from a uniform stream: sequential-search inversion for
 * rate < 10, Hörmann's PTRS transformed rejection (1993, as in NumPy) above.
 */
export function samplePoisson(rate: number, uniforms: UniformStream): number {
  if (!(rate >= 0) || !Number.isFinite(rate)) {
    throw invalidArgument('samplePoisson', 'rate', 'a finite number >= 0', rate);
  }
  if (rate === 0) return 0;
  return rate < INVERSION_LIMIT ? byInversion(rate, uniforms) : byPtrs(rate, uniforms);
}

function byInversion(rate: number, uniforms: UniformStream): number {
  const u = uniforms.uniform();
  let k = 0;
  let p = Math.exp(-rate);
  let cdf = p;
  while (u > cdf && k < INVERSION_MAX_TERMS) {
    k += 1;
    p *= rate / k;
    cdf += p;
  }
  return k;
}

function byPtrs(rate: number, uniforms: UniformStream): number {
  const sqrtRate = Math.sqrt(rate);
  const logRate = Math.log(rate);
  const b = 0.931 + 2.53 * sqrtRate;
  const a = -0.059 + 0.02483 * b;
  const logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = uniforms.uniform() - 0.5;
    const v = uniforms.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + rate + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b) <= -rate + k * logRate - logGamma(k + 1)) return k;
  }
}
