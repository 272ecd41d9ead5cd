import * as tf from '@tensorflow/tfjs';
import { Generator } from '@elbo/runtime';
import { bitsPerSpike } from '@elbo/seq-vae';
import type { DataOptions } from '../data-loading.js';
import { EXIT } from '../errors.js';
import { disposeModel, loadModelDir } from '../model-dir.js';
import { formatNumber } from '../progress.js';
import type { Reporter } from '../reporter.js';
import { startRuntime } from '../runtime-choice.js';
import type { BackendChoice, KernelsChoice } from '../runtime-choice.js';
import { dataOptionsFor, rowsFor, sequencesFor } from './model-data.js';

export interface EvaluateOptions extends DataOptions {
  readonly model: string;
  readonly data: string;
  readonly samples?: number;
  readonly backend: BackendChoice;
  readonly kernels: KernelsChoice;
  readonly seed: number;
}

/**
 * ELBO, a log-likelihood estimate (importance sampled for the VAE; the ELBO bounds it
 * for the SeqVAE) and, for Poisson models of counts, bits per spike.
 */
export async function evaluateCommand(options: EvaluateOptions, explicit: ReadonlySet<string>, reporter: Reporter): Promise<number> {
  const runtime = await startRuntime({ backend: options.backend, kernels: options.kernels, seed: options.seed });
  const loaded = await loadModelDir(options.model);
  try {
    const dataOptions = dataOptionsFor(loaded, options, explicit);
    const rng = Generator.fromSeed(options.seed);
    let metrics: Record<string, number | undefined>;
    if (loaded.kind === 'vae') {
      const { x, counts, values } = await rowsFor(loaded, options.data, dataOptions);
      try {
        const samples = options.samples ?? 100;
        const result = await loaded.model.evaluate(x, { samples, rng, batchSize: 100 });
        let bps: number | undefined;
        if (counts && loaded.model.config.likelihood.type === 'poisson') {
          const rates = loaded.model.reconstruct(x);
          const rateValues = await rates.data();
          rates.dispose();
          bps = bitsPerSpike(rateValues, values, [1, x.shape[0], x.shape[1]], { neurons: neuronsWithSpikes(values, x.shape[1]) });
        }
        metrics = {
          examples: result.examples,
          elbo: result.elbo,
          reconstruction: result.reconstruction,
          kl: result.kl,
          logLikelihood: result.logLikelihood,
          importanceSamples: samples,
          activeUnits: result.activeUnits,
          bitsPerSpike: bps,
        };
        reporter.say(`examples       ${result.examples}`);
        reporter.say(`ELBO           ${formatNumber(result.elbo)} nats per example (reconstruction ${formatNumber(result.reconstruction)}, KL ${formatNumber(result.kl)})`);
        if (result.logLikelihood !== undefined) reporter.say(`log p(x)       ${formatNumber(result.logLikelihood)} nats per example (importance sampled, ${samples} samples)`);
        if (result.activeUnits !== undefined) reporter.say(`active units   ${result.activeUnits} of ${loaded.model.config.latentDim}`);
      } finally {
        tf.dispose(x);
      }
    } else {
      const sequences = await sequencesFor(loaded, options.data, dataOptions);
      const samples = options.samples ?? 10;
      const result = loaded.model.evaluate({ x: sequences.values, shape: sequences.shape }, { samples, rng });
      metrics = {
        trials: sequences.shape[0],
        steps: sequences.shape[1],
        elbo: result.elbo,
        elboPerStep: result.elboPerStep,
        elboPerStepStdError: result.elboPerStepStdError,
        reconstruction: result.reconstruction,
        kl: result.kl,
        logLikelihoodLowerBound: result.elbo,
        samples,
        bitsPerSpike: result.bitsPerSpike,
      };
      reporter.say(`trials         ${sequences.shape[0]} x ${sequences.shape[1]} steps`);
      reporter.say(`ELBO           ${formatNumber(result.elbo)} nats per trial, ${formatNumber(result.elboPerStep, 4)} ± ${formatNumber(result.elboPerStepStdError, 4)} per step (a lower bound on log p(x))`);
      reporter.say(`terms          reconstruction ${formatNumber(result.reconstruction)}, KL ${formatNumber(result.kl)} per trial`);
    }
    if (metrics['bitsPerSpike'] !== undefined) reporter.say(`bits/spike     ${formatNumber(metrics['bitsPerSpike'], 4)} (against each neuron's mean rate)`);
    reporter.result({ ok: true, command: 'evaluate', model: loaded.kind, data: options.data, backend: runtime.backend, ...metrics });
    return EXIT.ok;
  } finally {
    disposeModel(loaded);
  }
}

// Neurons silent in these data have no spikes to score.
function neuronsWithSpikes(values: Float32Array, columns: number): number[] {
  const total = new Float64Array(columns);
  for (let i = 0; i < values.length; i++) total[i % columns]! += values[i]!;
  return Array.from(total.keys()).filter((j) => total[j]! > 0);
}
