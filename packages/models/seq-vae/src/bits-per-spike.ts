/**
 * Co-smoothing bits per spike, as the Neural Latents Benchmark scores it
 * (nlb_tools/evaluation.py): co-bps = (NLL_null - NLL_model) / total spikes / ln 2, with
 * the Poisson NLL r - n log r + lgamma(n + 1) summed over bins and neurons, and the null
 * model predicting each neuron's mean count per bin over the evaluated data.
 */
import { invalidArgument } from '@elbo/runtime';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
// Lanczos approximation (g = 7, n = 9), relative error below 1e-13 for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Gamma(x) for x > 0, float64. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw invalidArgument('logGamma', 'x', 'a positive number', x);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (y + i);
  return HALF_LOG_2PI + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Poisson negative log-likelihood of count n at rate r (per bin): r - n log r + lgamma(n + 1). */
export function poissonNll(rate: number, count: number): number {
  const logFactorial = logGamma(count + 1);
  if (count === 0) return rate + logFactorial;
  return rate - count * Math.log(rate) + logFactorial;
}

export interface BitsPerSpikeOptions {
  /** Which neurons to score (default: all). */
  readonly neurons?: readonly number[];
  /** Shape `[trials, bins]`: score only bins with 1 (default: all bins). */
  readonly mask?: ArrayLike<number> | null;
}

/**
 * Bits per spike of predicted `rates` (expected counts per bin) for observed `counts`,
 * both [trials, bins, neurons] row-major with `shape`. Rates must be positive and
 * finite; the scored neurons must have at least one spike.
 */
export function bitsPerSpike(
  rates: ArrayLike<number>,
  counts: ArrayLike<number>,
  shape: readonly [number, number, number],
  options: BitsPerSpikeOptions = {},
): number {
  const where = 'bitsPerSpike';
  const [trials, bins, neurons] = shape;
  const size = trials * bins * neurons;
  if (rates.length !== size) throw invalidArgument(where, 'rates', `${size} values for shape [${shape.join(', ')}]`, { raw: `${rates.length}` });
  if (counts.length !== size) throw invalidArgument(where, 'counts', `${size} values for shape [${shape.join(', ')}]`, { raw: `${counts.length}` });
  const scored = options.neurons ?? Array.from({ length: neurons }, (_, i) => i);
  if (scored.length === 0) throw invalidArgument(where, 'options.neurons', 'a non-empty list', scored);
  for (const [k, j] of scored.entries()) {
    if (!Number.isInteger(j) || j < 0 || j >= neurons) throw invalidArgument(where, `options.neurons[${k}]`, `an integer in [0, ${neurons})`, j);
  }
  const mask = options.mask ?? null;
  if (mask !== null && mask.length !== trials * bins) throw invalidArgument(where, 'options.mask', `${trials * bins} values ([trials, bins])`, { raw: `${mask.length}` });
  let modelNll = 0;
  let nullNll = 0;
  let spikes = 0;
  for (const j of scored) {
    let sum = 0;
    let observed = 0;
    for (let i = 0; i < trials * bins; i++) {
      if (mask !== null && mask[i] === 0) continue;
      sum += counts[i * neurons + j]!;
      observed++;
    }
    if (sum === 0) throw invalidArgument(where, `counts of neuron ${j}`, 'at least one spike (the null rate would be 0)', { raw: 'no spikes' });
    const nullRate = sum / observed;
    for (let i = 0; i < trials * bins; i++) {
      if (mask !== null && mask[i] === 0) continue;
      const n = counts[i * neurons + j]!;
      const r = rates[i * neurons + j]!;
      if (!(r > 0) || !Number.isFinite(r)) throw invalidArgument(where, `rates at trial ${Math.floor(i / bins)}, bin ${i % bins}, neuron ${j}`, 'positive and finite', r);
      modelNll += poissonNll(r, n);
      nullNll += poissonNll(nullRate, n);
    }
    spikes += sum;
  }
  return (nullNll - modelNll) / spikes / Math.LN2;
}
