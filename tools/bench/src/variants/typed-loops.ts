import type { Generator } from '@elbo/runtime';

// The kernels written the plain TypeScript way: one loop per operation, Math.exp,
// float64 accumulation. They are the "no tfjs, no AssemblyScript" baseline.

export function reparameterizeLoop(mu: Float32Array, logvar: Float32Array, eps: Float32Array, z: Float32Array): void {
  for (let i = 0; i < mu.length; i++) z[i] = mu[i]! + Math.exp(0.5 * logvar[i]!) * eps[i]!;
}

/** Sum of elementwise KL[N(mu, exp(logvar)) || N(0, 1)]. */
export function klStandardNormalSumLoop(mu: Float32Array, logvar: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < mu.length; i++) {
    const m = mu[i]!;
    const lv = logvar[i]!;
    sum += 0.5 * (Math.exp(lv) + m * m - 1 - lv);
  }
  return sum;
}

/**
 * Training's hot path without a framework: eps ~ N(0, 1), z = mu + sigma * eps, the KL
 * sum, and the gradients of sum(gradZ * z) + KL with respect to mu and logvar.
 */
export function fusedSampleKlLoop(
  mu: Float32Array,
  logvar: Float32Array,
  gradZ: Float32Array,
  rng: Generator,
  scratch: { eps: Float32Array; z: Float32Array; gradMu: Float32Array; gradLogvar: Float32Array },
): number {
  const { eps, z, gradMu, gradLogvar } = scratch;
  rng.fillNormal(eps);
  let kl = 0;
  for (let i = 0; i < mu.length; i++) {
    const m = mu[i]!;
    const lv = logvar[i]!;
    const sigma = Math.exp(0.5 * lv);
    const variance = sigma * sigma;
    const e = eps[i]!;
    const g = gradZ[i]!;
    z[i] = m + sigma * e;
    kl += 0.5 * (variance + m * m - 1 - lv);
    gradMu[i] = g + m;
    gradLogvar[i] = 0.5 * g * sigma * e + 0.5 * (variance - 1);
  }
  return kl;
}
