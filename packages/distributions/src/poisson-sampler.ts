import type { DrawStream } from './draw-stream.js';
import { lgammaScalar } from './special-scalar.js';

const INVERSION_LIMIT = 10;

/**
 * One Poisson(rate) draw: sequential-search inversion for small rates (one uniform),
 * Hormann's transformed rejection with squeeze (PTRS, 1993) above.
 */
export function samplePoisson(rate: number, stream: DrawStream): number {
  if (rate === 0) return 0;
  if (rate < INVERSION_LIMIT) {
    let u = stream.uniform();
    let k = 0;
    let p = Math.exp(-rate);
    // The tail beyond k = 1000 has probability far below float64 resolution for rate < 10.
    while (u > p && k < 1000) {
      u -= p;
      k += 1;
      p *= rate / k;
    }
    return k;
  }
  const logRate = Math.log(rate);
  const b = 0.931 + 2.53 * Math.sqrt(rate);
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = stream.uniform() - 0.5;
    const v = stream.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + rate + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -rate + k * logRate - lgammaScalar(k + 1)) {
      return k;
    }
  }
}
