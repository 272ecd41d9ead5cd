import type { Generator } from '@elbo/runtime';
import { invalidArgument } from '@elbo/runtime';
import { samplePoisson } from './poisson-sampler.js';
import { UniformStream } from './random-source.js';

/**
 * Rates in Hz (exp of `logRates`) and Poisson counts for bins of `binSize` seconds,
 * element by element; `where` names the generator in errors.
 */
export function poissonCountsFromLogRates(
  where: string,
  logRates: Float32Array,
  binSize: number,
  rng: Generator,
): { rates: Float32Array; counts: Float32Array } {
  const rates = new Float32Array(logRates.length);
  const counts = new Float32Array(logRates.length);
  const uniforms = new UniformStream(rng);
  for (let i = 0; i < logRates.length; i++) {
    const rate = Math.exp(logRates[i]!);
    if (!Number.isFinite(rate)) {
      throw invalidArgument(where, 'log-rates', 'values whose exponential is finite', { raw: `${logRates[i]} at element ${i}` });
    }
    rates[i] = rate;
    counts[i] = samplePoisson(rate * binSize, uniforms);
  }
  return { rates, counts };
}
