import { invalidArgument } from '@elbo/runtime';
import { poissonCountsFromLogRates } from './poisson-counts.js';
import { resolveRng } from './random-source.js';
import { checkInteger, checkPositive, checkRange } from './check-options.js';
import type { SeedOrRng } from './random-source.js';

/** Parameters of the Lorenz system dx/dt = σ(y - x), dy/dt = x(ρ - z) - y, dz/dt = xy - βz. */
export interface LorenzParameters {
  sigma: number;
  rho: number;
  beta: number;
}

export const CLASSIC_LORENZ: LorenzParameters = { sigma: 10, rho: 28, beta: 8 / 3 };

function derivative(p: LorenzParameters, x: number, y: number, z: number, out: Float64Array, at: number): void {
  out[at] = p.sigma * (y - x);
  out[at + 1] = x * (p.rho - z) - y;
  out[at + 2] = x * y - p.beta * z;
}

/**
 * Integrates the Lorenz system with classical fourth-order Runge-Kutta from `initial`
 * and returns `steps + 1` states (the initial one first), row-major [steps + 1, 3].
 */
export function integrateLorenz(options: {
  initial: readonly [number, number, number];
  steps: number;
  dt: number;
  parameters?: LorenzParameters;
}): Float64Array {
  const where = 'integrateLorenz';
  const steps = checkInteger(where, 'steps', options.steps, 0);
  const dt = checkPositive(where, 'dt', options.dt);
  const p = options.parameters ?? CLASSIC_LORENZ;
  const init = options.initial;
  if (!Array.isArray(init) || init.length !== 3 || !init.every((v) => Number.isFinite(v))) {
    throw invalidArgument(where, 'initial', 'three finite numbers', init);
  }
  const out = new Float64Array((steps + 1) * 3);
  out.set(init);
  const k = new Float64Array(12);
  for (let s = 0; s < steps; s++) {
    const o = s * 3;
    const x = out[o]!;
    const y = out[o + 1]!;
    const z = out[o + 2]!;
    derivative(p, x, y, z, k, 0);
    derivative(p, x + 0.5 * dt * k[0]!, y + 0.5 * dt * k[1]!, z + 0.5 * dt * k[2]!, k, 3);
    derivative(p, x + 0.5 * dt * k[3]!, y + 0.5 * dt * k[4]!, z + 0.5 * dt * k[5]!, k, 6);
    derivative(p, x + dt * k[6]!, y + dt * k[7]!, z + dt * k[8]!, k, 9);
    for (let d = 0; d < 3; d++) {
      out[o + 3 + d] = out[o + d]! + (dt / 6) * (k[d]! + 2 * k[3 + d]! + 2 * k[6 + d]! + k[9 + d]!);
    }
    if (!Number.isFinite(out[o + 3]!) || !Number.isFinite(out[o + 4]!) || !Number.isFinite(out[o + 5]!)) {
      throw invalidArgument(where, 'dt', 'small enough for a stable integration', dt);
    }
  }
  return out;
}

export interface LorenzSpikesOptions extends SeedOrRng {
  trials: number;
  /** Time bins per trial; one integration step of `dt` per bin. */
  bins: number;
  neurons: number;
  /** Bin width in seconds (counts are Poisson(rate_Hz * binSize)). Default 0.01. */
  binSize?: number;
  /** Each neuron's base rate in Hz, drawn uniformly from [low, high] (or fixed). Default [3, 8]. */
  baseRate?: number | [number, number];
  /** Standard deviation of the log-rate modulation from the latents. Default 1. */
  gain?: number;
  /** Lorenz time per bin. Default 0.01. */
  dt?: number;
  /** Steps run from each trial's random start before recording, to land on the attractor. Default 500. */
  burnIn?: number;
  parameters?: LorenzParameters;
}

export interface LorenzSpikes {
  /** Spike counts, [trials, bins, neurons] row-major. */
  counts: Float32Array;
  /** Firing rates in spikes per second (Hz), [trials, bins, neurons]. */
  rates: Float32Array;
  /** Natural log of `rates` (Hz): bias + latents x readout.weights. */
  logRates: Float32Array;
  /** Lorenz states standardised per dimension over all trials and bins, [trials, bins, 3]. */
  latents: Float32Array;
  /** log-rate[t, b, n] = bias[n] + sum_k latents[t, b, k] * weights[k * neurons + n]. */
  readout: { weights: Float64Array; bias: Float64Array; weightsShape: [number, number] };
  /** Mean and standard deviation that standardised the raw Lorenz states (x, y, z). */
  standardisation: { mean: [number, number, number]; std: [number, number, number] };
  /** [trials, bins, neurons]. */
  shape: [number, number, number];
  latentShape: [number, number, 3];
  binSize: number;
}

/**
 * Spike counts driven by a Lorenz attractor, the standard benchmark for sequential
 * latent-variable models: each trial starts from a random state burned in onto the
 * attractor, the states are standardised, log-rates are linear in them and counts are
 * Poisson. Everything random comes from the seeded generator.
 */
export function lorenzSpikes(options: LorenzSpikesOptions): LorenzSpikes {
  const where = 'lorenzSpikes';
  const trials = checkInteger(where, 'trials', options.trials, 1);
  const bins = checkInteger(where, 'bins', options.bins, 2);
  const neurons = checkInteger(where, 'neurons', options.neurons, 1);
  const binSize = checkPositive(where, 'binSize', options.binSize ?? 0.01);
  const [rateLow, rateHigh] = checkRange(where, 'baseRate', options.baseRate ?? [3, 8]);
  const gain = options.gain ?? 1;
  if (!Number.isFinite(gain) || gain < 0) throw invalidArgument(where, 'gain', 'a finite number >= 0', gain);
  const dt = checkPositive(where, 'dt', options.dt ?? 0.01);
  const burnIn = checkInteger(where, 'burnIn', options.burnIn ?? 500, 0);
  const parameters = options.parameters ?? CLASSIC_LORENZ;
  const rng = resolveRng(where, options);

  // Raw trajectories.
  const starts = rng.normalArray(trials * 3);
  const raw = new Float64Array(trials * bins * 3);
  for (let t = 0; t < trials; t++) {
    const initial: [number, number, number] = [10 * starts[3 * t]!, 10 * starts[3 * t + 1]!, 25 + 10 * starts[3 * t + 2]!];
    const path = integrateLorenz({ initial, steps: burnIn + bins - 1, dt, parameters });
    raw.set(path.subarray(burnIn * 3), t * bins * 3);
  }

  // Standardise each dimension over all trials and bins.
  const count = trials * bins;
  const mean: [number, number, number] = [0, 0, 0];
  const std: [number, number, number] = [0, 0, 0];
  for (let d = 0; d < 3; d++) {
    let s = 0;
    for (let i = 0; i < count; i++) s += raw[i * 3 + d]!;
    const m = s / count;
    let ss = 0;
    for (let i = 0; i < count; i++) ss += (raw[i * 3 + d]! - m) ** 2;
    const sd = Math.sqrt(ss / count);
    if (!(sd > 0)) throw invalidArgument(where, 'bins', 'enough bins for the latents to vary', bins);
    mean[d] = m;
    std[d] = sd;
  }
  const latents = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) for (let d = 0; d < 3; d++) latents[i * 3 + d] = (raw[i * 3 + d]! - mean[d]!) / std[d]!;

  // Readout: weights ~ N(0, gain^2 / 3) so the log-rate modulation has variance gain^2.
  const weights = Float64Array.from(rng.normalArray(3 * neurons), (w) => (w * gain) / Math.sqrt(3));
  const bias = Float64Array.from(rng.uniformArray(neurons), (u) => Math.log(rateLow + (rateHigh - rateLow) * u));

  const logRates = new Float32Array(count * neurons);
  for (let i = 0; i < count; i++) {
    const z0 = latents[i * 3]!;
    const z1 = latents[i * 3 + 1]!;
    const z2 = latents[i * 3 + 2]!;
    for (let n = 0; n < neurons; n++) {
      logRates[i * neurons + n] = bias[n]! + z0 * weights[n]! + z1 * weights[neurons + n]! + z2 * weights[2 * neurons + n]!;
    }
  }
  const { rates, counts } = poissonCountsFromLogRates(where, logRates, binSize, rng);
  return {
    counts,
    rates,
    logRates,
    latents,
    readout: { weights, bias, weightsShape: [3, neurons] },
    standardisation: { mean, std },
    shape: [trials, bins, neurons],
    latentShape: [trials, bins, 3],
    binSize,
  };
}
