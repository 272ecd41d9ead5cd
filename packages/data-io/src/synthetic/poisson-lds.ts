import { resolveRng } from './random-source.js';
import { checkInteger, checkPositive, checkRange } from './check-options.js';
import type { SeedOrRng } from './random-source.js';
import { randomReadout, resolveDynamics, simulateLatents } from './linear-dynamics.js';
import type { LatentDynamics, LatentDynamicsOptions } from './linear-dynamics.js';
import { checkMatrix, checkVector, matVecInto } from './small-matrix.js';
import type { Matrix } from './small-matrix.js';
import { poissonCountsFromLogRates } from './poisson-counts.js';

export interface PoissonLdsOptions extends SeedOrRng, LatentDynamicsOptions {
  trials: number;
  steps: number;
  latentDim: number;
  neurons: number;
  /** Bin width in seconds. Default 0.02. */
  binSize?: number;
  /** Loading matrix C, [neurons][latentDim]. Default: entries N(0, 1 / latentDim). */
  C?: Matrix;
  /** Log base rates in log Hz, one per neuron. Default: log of rates drawn from `baseRate`. */
  bias?: number[];
  /** Base rate range in Hz when `bias` is not given. Default [5, 20]. */
  baseRate?: number | [number, number];
}

export interface PoissonLdsParameters extends LatentDynamics {
  C: Matrix;
  /** Log base rate per neuron in log Hz. */
  bias: number[];
  binSize: number;
}

export interface PoissonLdsData {
  /** counts ~ Poisson(rates * binSize), [trials, steps, neurons]. */
  counts: Float32Array;
  /** Rates in spikes per second (Hz): exp(C x_t + bias). */
  rates: Float32Array;
  /** Natural log of `rates` (Hz). */
  logRates: Float32Array;
  latents: Float32Array;
  params: PoissonLdsParameters;
  shape: [number, number, number];
  latentShape: [number, number, number];
}

/** Samples a Poisson linear dynamical system: Gaussian linear latents, counts ~ Poisson(exp(C x + bias) * binSize). */
export function poissonLds(options: PoissonLdsOptions): PoissonLdsData {
  const where = 'poissonLds';
  const trials = checkInteger(where, 'trials', options.trials, 1);
  const steps = checkInteger(where, 'steps', options.steps, 1);
  const latentDim = checkInteger(where, 'latentDim', options.latentDim, 1);
  const neurons = checkInteger(where, 'neurons', options.neurons, 1);
  const binSize = checkPositive(where, 'binSize', options.binSize ?? 0.02);
  const rng = resolveRng(where, options);
  const dynamics = resolveDynamics(where, options, latentDim, rng);
  const C = options.C !== undefined ? checkMatrix(where, 'C', options.C, neurons, latentDim) : randomReadout(neurons, latentDim, rng);
  let bias: number[];
  if (options.bias !== undefined) {
    bias = checkVector(where, 'bias', options.bias, neurons);
  } else {
    const [low, high] = checkRange(where, 'baseRate', options.baseRate ?? [5, 20]);
    bias = Array.from(rng.uniformArray(neurons), (u) => Math.log(low + (high - low) * u));
  }

  const x = simulateLatents(where, dynamics, trials, steps, rng);
  const count = trials * steps;
  const logRates = new Float32Array(count * neurons);
  const eta = new Float64Array(neurons);
  for (let i = 0; i < count; i++) {
    matVecInto(C, x, i * latentDim, eta);
    for (let n = 0; n < neurons; n++) logRates[i * neurons + n] = eta[n]! + bias[n]!;
  }
  const { rates, counts } = poissonCountsFromLogRates(where, logRates, binSize, rng);
  return {
    counts,
    rates,
    logRates,
    latents: Float32Array.from(x),
    params: { ...dynamics, C, bias, binSize },
    shape: [trials, steps, neurons],
    latentShape: [trials, steps, latentDim],
  };
}
