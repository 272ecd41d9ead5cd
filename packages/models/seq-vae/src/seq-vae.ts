/**
 * The sequential VAE for state-space models (a deep Markov model, Krishnan et al.
 * 2017): generative p(z_1) prod p(z_n | z_{n-1}) prod p(x_n | z_n), structured
 * posterior q(z_1 | x) prod q(z_n | z_{n-1}, x) from a bidirectional GRU and a
 * combiner, trained on the sequential ELBO
 *   sum_n E_q[log p(x_n | z_n)] - KL[q(z_1|x) || p(z_1)] - sum_{n>=2} E_q[KL[q(z_n|z_{n-1},x) || p(z_n|z_{n-1})]].
 */
import * as tf from '@tensorflow/tfjs';
import { MultivariateNormalDiag } from '@elbo/distributions';
import { linearWarmup, sequentialElbo } from '@elbo/objectives';
import type { Schedule } from '@elbo/objectives';
import { Generator, getGenerator, invalidArgument, randomNormal } from '@elbo/runtime';
import { bitsPerSpike } from './bits-per-spike.js';
import { Emission, resolveLikelihood } from './emission.js';
import type { LikelihoodConfig, LikelihoodOptions } from './emission.js';
import { Encoder, resolveEncoder } from './encoder.js';
import type { EncoderConfig, EncoderOptions, PosteriorSummary } from './encoder.js';
import { LinearGaussianSsm } from './linear-gaussian-ssm.js';
import { ParameterSet } from './parameters.js';
import { readModelArtifacts, writeModelArtifacts } from './persistence.js';
import { batchTensors, moments, permutation, readSequences } from './sequence-data.js';
import type { SequenceInput, Sequences } from './sequence-data.js';
import { Transition, resolveTransition } from './transition.js';
import type { TransitionConfig, TransitionOptions } from './transition.js';

export interface SeqVAEOptions {
  /** Observed dimensions per time step (neurons). */
  readonly obsDim: number;
  /** Latent dimensions per time step. */
  readonly latentDim: number;
  /** Emission p(x_n | z_n); default 'poisson' with a linear readout. */
  readonly likelihood?: LikelihoodOptions;
  /** Transition p(z_n | z_{n-1}); default 'gated'. */
  readonly transition?: TransitionOptions;
  /** Inference network sizes and the dimensions it reads. */
  readonly encoder?: EncoderOptions;
  /** Seed for the initial weights; default: a fork of the runtime's generator. */
  readonly seed?: number | bigint;
}

/** The resolved configuration, as saved with the weights. */
export interface SeqVAEConfig {
  readonly obsDim: number;
  readonly latentDim: number;
  readonly likelihood: LikelihoodConfig;
  readonly transition: TransitionConfig;
  readonly encoder: EncoderConfig;
}

/** What a progress bar needs, after every optimizer step. */
export interface BatchProgress {
  /** 1-based. */
  readonly epoch: number;
  readonly epochs: number;
  /** 1-based within the epoch. */
  readonly batch: number;
  readonly batches: number;
  /** Optimizer steps so far (this fit call), and in all. */
  readonly step: number;
  readonly totalSteps: number;
  /** The minimised loss (negative weighted ELBO per trial, batch mean). */
  readonly loss: number;
  /** Unweighted ELBO per trial, batch mean. */
  readonly elbo: number;
  /** KL per trial, batch mean. */
  readonly kl: number;
  readonly klWeight: number;
  readonly elapsedSeconds: number;
  readonly etaSeconds: number;
}

export interface EpochProgress {
  readonly epoch: number;
  readonly epochs: number;
  /** Means over the epoch's batches (weighted by batch size). */
  readonly loss: number;
  readonly elbo: number;
  readonly kl: number;
  readonly klWeight: number;
  readonly elapsedSeconds: number;
  readonly etaSeconds: number;
}

export interface FitOptions {
  /** Passes over the data (default 50). */
  readonly epochs?: number;
  /** Trials per minibatch (default 32). */
  readonly batchSize?: number;
  /** Adam learning rate (default 3e-3). Leave out when passing `optimizer`. */
  readonly learningRate?: number;
  /**
   * Learning rate reached at the last step, decaying geometrically from `learningRate`
   * (default: equal to it, no decay). Decay lets Monte Carlo gradient noise settle.
   */
  readonly finalLearningRate?: number;
  /**
   * An optimizer to step instead of a fresh Adam: its state (moment estimates, step
   * count) carries over between fit calls, e.g. to resume from a checkpoint. It keeps
   * its own learning rate (so `learningRate` and `finalLearningRate` must be left out),
   * and the caller disposes it.
   */
  readonly optimizer?: tf.Optimizer;
  /**
   * KL weight: a number, or a schedule of the optimizer step (e.g. `linearWarmup` from
   * @elbo/objectives). Default 1, or a linear warm-up when `klWarmupEpochs` is set.
   */
  readonly klWeight?: number | Schedule;
  /** Convenience: ramp the KL weight from 0 to 1 over this many epochs (default 0: off). */
  readonly klWarmupEpochs?: number;
  /**
   * Posterior trajectories per trial in each gradient estimate (default 1). More lower
   * the gradient noise at little extra cost, since small models are bound by per-kernel
   * overhead rather than by arithmetic.
   */
  readonly samples?: number;
  /** Free bits in nats per latent dimension (default 0: off). */
  readonly freeBits?: number;
  /** Rescale gradients whose global norm exceeds this (default 10; Infinity: off). */
  readonly gradientClipNorm?: number;
  /** Shuffling and the reparameterisation noise; default the runtime's generator. */
  readonly rng?: Generator;
  /** Stops training after the current step; fit then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly onBatchEnd?: (progress: BatchProgress) => void | Promise<void>;
  readonly onEpochEnd?: (progress: EpochProgress) => void | Promise<void>;
}

export interface FitHistory {
  readonly loss: number[];
  readonly elbo: number[];
  readonly kl: number[];
  readonly seconds: number;
}

export interface EvaluateOptions {
  /** Posterior trajectories per trial (default 10). */
  readonly samples?: number;
  /** Trials per chunk (default 64). */
  readonly batchSize?: number;
  /**
   * Poisson only: score co-smoothing bits per spike on these neurons, which the
   * encoder must not read (see `encoder.inputs`). Default: all neurons.
   */
  readonly heldOutNeurons?: readonly number[];
  readonly rng?: Generator;
}

export interface EvaluateResult {
  /** Mean over trials of the per-trial ELBO (nats), averaged over samples. */
  readonly elbo: number;
  /** Total ELBO divided by the number of observed time steps. */
  readonly elboPerStep: number;
  /** Monte Carlo standard error of `elboPerStep` (from the spread across samples). */
  readonly elboPerStepStdError: number;
  readonly reconstruction: number;
  readonly kl: number;
  /**
   * Poisson only: bits per spike of the predicted rates, on `heldOutNeurons` when given
   * (co-smoothing), else on every neuron; neurons with no spikes in `data` are skipped.
   */
  readonly bitsPerSpike?: number;
  readonly samples: number;
}

export interface InferOptions {
  /** Posterior trajectories per trial used for the moments (default 32). */
  readonly samples?: number;
  readonly batchSize?: number;
  readonly rng?: Generator;
}

export interface InferResult {
  /** Posterior marginal means E_q[z_n], [trials, steps, latentDim] row-major. */
  readonly means: Float32Array;
  /** Posterior marginal variances Var_q[z_n], same shape. */
  readonly variances: Float32Array;
  /** E_q[E[x_n | z_n]]: rates per bin (Poisson), means (Gaussian) or probabilities, [trials, steps, obsDim]. */
  readonly emissionMeans: Float32Array;
  readonly shape: [number, number, number];
  readonly obsShape: [number, number, number];
}

export interface SampleResult {
  /** [trials, steps, latentDim] */
  readonly latents: Float32Array;
  /** Draws of x, [trials, steps, obsDim]. */
  readonly observations: Float32Array;
  /** E[x_n | z_n] along the sampled trajectory, [trials, steps, obsDim]. */
  readonly emissionMeans: Float32Array;
  readonly shape: [number, number, number];
}

const FORMAT = 'elbo-seq-vae';
const FORMAT_VERSION = 1;
const OPTION_KEYS = new Set(['obsDim', 'latentDim', 'likelihood', 'transition', 'encoder', 'seed']);
const FIT_KEYS = new Set([
  'epochs',
  'batchSize',
  'learningRate',
  'finalLearningRate',
  'optimizer',
  'klWeight',
  'klWarmupEpochs',
  'freeBits',
  'samples',
  'gradientClipNorm',
  'rng',
  'signal',
  'onBatchEnd',
  'onEpochEnd',
]);

export class SeqVAE {
  readonly config: SeqVAEConfig;
  readonly #params: ParameterSet;
  readonly #transition: Transition;
  readonly #emission: Emission;
  readonly #encoder: Encoder;
  #steps = 0;
  #disposed = false;

  constructor(options: SeqVAEOptions) {
    const where = 'SeqVAE';
    if (typeof options !== 'object' || options === null) throw invalidArgument(where, 'options', 'an object', options);
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.has(key)) throw invalidArgument(where, `option '${key}'`, `one of ${[...OPTION_KEYS].join(', ')}`, { raw: 'an unknown option' });
    }
    positiveInteger(where, 'obsDim', options.obsDim);
    positiveInteger(where, 'latentDim', options.latentDim);
    const { obsDim, latentDim } = options;
    this.config = {
      obsDim,
      latentDim,
      likelihood: resolveLikelihood(where, options.likelihood),
      transition: resolveTransition(where, options.transition, latentDim),
      encoder: resolveEncoder(where, options.encoder, obsDim),
    };
    const rng = options.seed === undefined ? getGenerator().fork() : Generator.fromSeed(options.seed);
    this.#params = new ParameterSet(rng);
    this.#transition = new Transition(this.#params, this.config.transition, latentDim);
    this.#emission = new Emission(this.#params, this.config.likelihood, latentDim, obsDim);
    this.#encoder = new Encoder(this.#params, this.config.encoder, obsDim, latentDim);
  }

  /** Optimizer steps taken so far (saved with the model). */
  get steps(): number {
    return this.#steps;
  }

  /** Trainable variables (for custom training loops). */
  get trainableVariables(): tf.Variable[] {
    this.#checkLive('trainableVariables');
    return this.#params.variables();
  }

  /** Maximises the sequential ELBO with Adam over seeded minibatches. */
  async fit(data: SequenceInput, options: FitOptions = {}): Promise<FitHistory> {
    const where = 'SeqVAE.fit';
    this.#checkLive(where);
    checkKeys(where, options, FIT_KEYS);
    const sequences = readSequences(where, data, this.config.obsDim);
    const epochs = positiveInteger(where, 'options.epochs', options.epochs ?? 50);
    const batchSize = positiveInteger(where, 'options.batchSize', options.batchSize ?? 32);
    const given = options.optimizer;
    if (given !== undefined) {
      if (!(given instanceof tf.Optimizer)) throw invalidArgument(where, 'options.optimizer', 'a tf.Optimizer', given);
      // The optimizer carries its own learning rate; ignoring these options would surprise.
      for (const key of ['learningRate', 'finalLearningRate'] as const) {
        if (options[key] !== undefined) throw invalidArgument(where, `options.${key}`, 'left out when options.optimizer is given (set it on the optimizer)', options[key]);
      }
    }
    const learningRate = positiveNumber(where, 'options.learningRate', options.learningRate ?? 3e-3);
    const finalLearningRate = positiveNumber(where, 'options.finalLearningRate', options.finalLearningRate ?? learningRate);
    const clipNorm = positiveNumber(where, 'options.gradientClipNorm', options.gradientClipNorm ?? 10);
    const samples = positiveInteger(where, 'options.samples', options.samples ?? 1);
    const freeBits = options.freeBits ?? 0;
    if (!(freeBits >= 0) || !Number.isFinite(freeBits)) throw invalidArgument(where, 'options.freeBits', 'a finite number >= 0', freeBits);
    const batches = Math.ceil(sequences.trials / batchSize);
    const totalSteps = epochs * batches;
    const klWeight = resolveKlWeight(where, options, batches);
    const rng = options.rng ?? getGenerator();
    options.signal?.throwIfAborted();

    if (this.#steps === 0) {
      const { mean, variance } = moments(sequences);
      this.#emission.initializeFromMoments(mean, variance);
    }
    const variables = this.#params.variables();
    const optimizer = given ?? tf.train.adam(learningRate);
    const history: FitHistory = { loss: [], elbo: [], kl: [], seconds: 0 };
    const started = now();
    let step = 0;
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const order = permutation(sequences.trials, rng);
        let lossSum = 0;
        let elboSum = 0;
        let klSum = 0;
        let weight = 0;
        for (let b = 0; b < batches; b++) {
          options.signal?.throwIfAborted();
          const indices = order.subarray(b * batchSize, Math.min((b + 1) * batchSize, sequences.trials));
          const beta = klWeight(this.#steps);
          if (given === undefined) setLearningRate(optimizer, learningRate * (finalLearningRate / learningRate) ** (totalSteps > 1 ? step / (totalSteps - 1) : 0));
          const { loss, elbo, kl } = this.#trainStep(sequences, indices, { beta, freeBits, samples, clipNorm, rng, optimizer, variables });
          if (!Number.isFinite(loss)) {
            throw new RangeError(
              `${where}: the loss became ${loss} at epoch ${epoch + 1}, batch ${b + 1} (step ${this.#steps + 1}); ` +
                'the parameters were left as they were before that step. Try a lower learningRate or gradientClipNorm, or check the data.',
            );
          }
          this.#steps++;
          step++;
          lossSum += loss * indices.length;
          elboSum += elbo * indices.length;
          klSum += kl * indices.length;
          weight += indices.length;
          const elapsed = (now() - started) / 1000;
          await options.onBatchEnd?.({
            epoch: epoch + 1,
            epochs,
            batch: b + 1,
            batches,
            step,
            totalSteps,
            loss,
            elbo,
            kl,
            klWeight: beta,
            elapsedSeconds: elapsed,
            etaSeconds: (elapsed / step) * (totalSteps - step),
          });
        }
        history.loss.push(lossSum / weight);
        history.elbo.push(elboSum / weight);
        history.kl.push(klSum / weight);
        const elapsed = (now() - started) / 1000;
        await options.onEpochEnd?.({
          epoch: epoch + 1,
          epochs,
          loss: lossSum / weight,
          elbo: elboSum / weight,
          kl: klSum / weight,
          klWeight: klWeight(this.#steps),
          elapsedSeconds: elapsed,
          etaSeconds: (elapsed / (epoch + 1)) * (epochs - epoch - 1),
        });
      }
    } finally {
      if (given === undefined) optimizer.dispose();
      (history as { seconds: number }).seconds = (now() - started) / 1000;
    }
    return history;
  }

  /** ELBO (and, for Poisson emissions, bits per spike) on held-out data. */
  evaluate(data: SequenceInput, options: EvaluateOptions = {}): EvaluateResult {
    const where = 'SeqVAE.evaluate';
    this.#checkLive(where);
    checkKeys(where, options, new Set(['samples', 'batchSize', 'heldOutNeurons', 'rng']));
    const sequences = readSequences(where, data, this.config.obsDim);
    const samples = positiveInteger(where, 'options.samples', options.samples ?? 10);
    const batchSize = positiveInteger(where, 'options.batchSize', options.batchSize ?? 64);
    const rng = options.rng ?? getGenerator();
    const heldOut = options.heldOutNeurons;
    if (heldOut !== undefined) {
      if (this.config.likelihood.type !== 'poisson') {
        throw invalidArgument(where, 'options.heldOutNeurons', "used with a 'poisson' likelihood", { raw: `a '${this.config.likelihood.type}' likelihood` });
      }
      const inputs = new Set(this.config.encoder.inputs ?? Array.from({ length: this.config.obsDim }, (_, i) => i));
      for (const [k, j] of heldOut.entries()) {
        if (inputs.has(j)) {
          throw invalidArgument(where, `options.heldOutNeurons[${k}]`, 'a neuron the encoder does not read (leave it out of encoder.inputs)', j);
        }
      }
    }
    const { trials, steps: T } = sequences;
    const D = this.config.obsDim;
    const totals = new Float64Array(samples); // summed ELBO over trials, per sample
    let reconstruction = 0;
    let kl = 0;
    const rates = this.config.likelihood.type === 'poisson' ? new Float32Array(trials * T * D) : null;
    for (let start = 0; start < trials; start += batchSize) {
      const indices = Int32Array.from({ length: Math.min(batchSize, trials - start) }, (_, i) => start + i);
      const B = indices.length;
      const { x, mask } = batchTensors(sequences, indices);
      const out = tf.tidy(() => {
        const summary = this.#encoder.summarize(x, mask);
        const terms = this.#terms(tile(x, samples), mask === null ? null : tile(mask, samples), Encoder.tile(summary, samples), 1, 0, rng);
        const result: Record<'elbo' | 'reconstruction' | 'kl', tf.Tensor> & { mean?: tf.Tensor } = {
          elbo: terms.elbo.reshape([samples, B]).sum(1),
          reconstruction: terms.reconstruction.sum(),
          kl: terms.kl.sum(),
        };
        if (rates !== null) result.mean = tf.mean(this.#emission.mean(terms.natural).reshape([samples, B, T, D]), 0);
        return result;
      });
      const perSample = out.elbo.dataSync();
      for (let s = 0; s < samples; s++) totals[s]! += perSample[s]!;
      reconstruction += out.reconstruction.dataSync()[0]! / samples;
      kl += out.kl.dataSync()[0]! / samples;
      if (rates !== null && out.mean !== undefined) rates.set(out.mean.dataSync(), start * T * D);
      disposeAll(x, mask, out.elbo, out.reconstruction, out.kl, out.mean);
    }
    const observedSteps = sequences.lengths.reduce((a, b) => a + b, 0);
    let meanTotal = 0;
    for (const t of totals) meanTotal += t / samples;
    let spread = 0;
    for (const t of totals) spread += (t - meanTotal) ** 2;
    const stdError = samples > 1 ? Math.sqrt(spread / (samples - 1) / samples) : NaN;
    const result: EvaluateResult = {
      elbo: meanTotal / trials,
      elboPerStep: meanTotal / observedSteps,
      elboPerStepStdError: stdError / observedSteps,
      reconstruction: reconstruction / trials,
      kl: kl / trials,
      samples,
    };
    if (rates === null) return result;
    // Neurons silent in these trials carry no spikes to score (their null rate is 0).
    const scored = (heldOut ?? Array.from({ length: D }, (_, j) => j)).filter((j) => hasSpikes(sequences, j));
    if (scored.length === 0) return result;
    return {
      ...result,
      bitsPerSpike: bitsPerSpike(rates, sequences.values, [trials, T, D], { neurons: scored, mask: sequences.mask }),
    };
  }

  /** Posterior marginal means and variances per time step, and the expected emission means. */
  infer(data: SequenceInput, options: InferOptions = {}): InferResult {
    const where = 'SeqVAE.infer';
    this.#checkLive(where);
    checkKeys(where, options, new Set(['samples', 'batchSize', 'rng']));
    const sequences = readSequences(where, data, this.config.obsDim);
    const samples = positiveInteger(where, 'options.samples', options.samples ?? 32);
    const batchSize = positiveInteger(where, 'options.batchSize', options.batchSize ?? 64);
    const rng = options.rng ?? getGenerator();
    const { trials, steps: T } = sequences;
    const L = this.config.latentDim;
    const D = this.config.obsDim;
    const means = new Float32Array(trials * T * L);
    const variances = new Float32Array(trials * T * L);
    const emissionMeans = new Float32Array(trials * T * D);
    for (let start = 0; start < trials; start += batchSize) {
      const indices = Int32Array.from({ length: Math.min(batchSize, trials - start) }, (_, i) => start + i);
      const B = indices.length;
      const { x, mask } = batchTensors(sequences, indices);
      const out = tf.tidy(() => {
        const summary = Encoder.tile(this.#encoder.summarize(x, mask), samples);
        const eps = randomNormal([T, samples * B, L], { rng }) as tf.Tensor3D;
        const { z } = this.#encoder.sample(summary, eps, this.#transition.stepWeights());
        const zs = z.reshape([samples, B, T, L]);
        const { mean, variance } = tf.moments(zs, 0);
        const emission = tf.mean(this.#emission.mean(this.#emission.natural(zs)), 0);
        return { mean, variance, emission };
      });
      means.set(out.mean.dataSync(), start * T * L);
      variances.set(out.variance.dataSync(), start * T * L);
      emissionMeans.set(out.emission.dataSync(), start * T * D);
      disposeAll(x, mask, out.mean, out.variance, out.emission);
    }
    return { means, variances, emissionMeans, shape: [trials, T, L], obsShape: [trials, T, D] };
  }

  /** Draws trials from the generative model p(z) p(x | z). */
  sample(options: { trials: number; steps: number; rng?: Generator }): SampleResult {
    const where = 'SeqVAE.sample';
    this.#checkLive(where);
    if (typeof options !== 'object' || options === null) throw invalidArgument(where, 'options', 'an object { trials, steps }', options);
    const trials = positiveInteger(where, 'options.trials', options.trials);
    const steps = positiveInteger(where, 'options.steps', options.steps);
    const rng = options.rng ?? getGenerator();
    const L = this.config.latentDim;
    const out = tf.tidy(() => {
      const eps = tf.unstack(randomNormal([steps, trials, L], { rng }), 0);
      const p = this.#params;
      let z = tf.add(p.get('prior.initialLoc'), tf.mul(this.#transition.initialScale(), eps[0]!));
      const zs = [z];
      const noise = this.#transition.noiseScale();
      for (let n = 1; n < steps; n++) {
        z = tf.add(this.#transition.mean(z), tf.mul(noise, eps[n]!));
        zs.push(z);
      }
      const latents = tf.stack(zs, 1);
      const natural = this.#emission.natural(latents);
      const observations = this.#emission.distribution(natural).sample([], { rng });
      return { latents, observations, emissionMeans: this.#emission.mean(natural) };
    });
    const result: SampleResult = {
      latents: out.latents.dataSync() as Float32Array,
      observations: Float32Array.from(out.observations.dataSync()),
      emissionMeans: out.emissionMeans.dataSync() as Float32Array,
      shape: [trials, steps, L],
    };
    tf.dispose(out);
    return result;
  }

  /**
   * The equivalent exact model, for a SeqVAE with a linear transition and a linear
   * Gaussian emission: its log-likelihood bounds this model's ELBO from above.
   */
  toLinearGaussianSsm(): LinearGaussianSsm {
    const where = 'SeqVAE.toLinearGaussianSsm';
    this.#checkLive(where);
    const { transition, likelihood } = this.config;
    if (transition.type !== 'linear' || likelihood.type !== 'gaussian' || likelihood.readout !== 'linear') {
      throw invalidArgument(where, 'the model', "a linear transition with a linear 'gaussian' likelihood", {
        raw: `transition '${transition.type}', likelihood '${likelihood.type}' with a ${likelihood.readout} readout`,
      });
    }
    const p = this.#params;
    const read = (name: string) => Array.from(p.get(name).dataSync());
    const L = this.config.latentDim;
    const D = this.config.obsDim;
    const w = read('transition.weight'); // [in, out]: A = w^T
    const c = read('emission.w'); // [L, D]: C = c^T
    const diag = (logScale: number[]) => logScale.map((v, i) => logScale.map((_, j) => (i === j ? Math.exp(2 * v) : 0)));
    return new LinearGaussianSsm({
      A: Array.from({ length: L }, (_, i) => Array.from({ length: L }, (_, j) => w[j * L + i]!)),
      b: read('transition.bias'),
      Q: diag(read('transition.logScale')),
      C: Array.from({ length: D }, (_, i) => Array.from({ length: L }, (_, j) => c[j * D + i]!)),
      d: read('emission.b'),
      R: diag(read('emission.logScale')),
      mu0: read('prior.initialLoc'),
      V0: diag(read('prior.initialLogScale')),
    });
  }

  /**
   * Saves the configuration and weights: to a directory (Node; writes model.json and
   * weights.bin) or through any tf.io handler (e.g. `indexeddb://name`, `tf.io.withSaveHandler`).
   */
  async save(destination: string | tf.io.IOHandler): Promise<void> {
    this.#checkLive('SeqVAE.save');
    const { data, specs } = await tf.io.encodeWeights(this.#params.namedTensors());
    await writeModelArtifacts('SeqVAE.save', destination, {
      // A copy: a handler that edits what it is given must not change this model.
      modelTopology: { format: FORMAT, version: FORMAT_VERSION, config: structuredClone(this.config), steps: this.#steps } as unknown as tf.io.ModelJSON['modelTopology'],
      weightSpecs: specs,
      weightData: data,
      format: FORMAT,
      generatedBy: '@elbo/seq-vae',
    });
  }

  /** Loads a model saved by {@link save}, from a directory (Node) or a tf.io handler. */
  static async load(source: string | tf.io.IOHandler): Promise<SeqVAE> {
    const where = 'SeqVAE.load';
    const artifacts = await readModelArtifacts(where, source);
    const topology = artifacts.modelTopology as { format?: string; version?: number; config?: SeqVAEConfig; steps?: number } | undefined;
    if (topology?.format !== FORMAT || topology.config === undefined) {
      throw invalidArgument(where, 'the saved model', `an '${FORMAT}' model`, { raw: `format ${JSON.stringify(topology?.format)}` });
    }
    if (topology.version !== FORMAT_VERSION) throw invalidArgument(where, 'the saved format version', String(FORMAT_VERSION), topology.version);
    if (artifacts.weightSpecs === undefined || artifacts.weightData === undefined) {
      throw invalidArgument(where, 'the saved model', 'weights (weightSpecs and weightData)', { raw: 'none' });
    }
    // Models saved before the residual posterior or the initial head existed load as they were trained.
    const saved = topology.config.encoder as Partial<EncoderConfig>;
    const config = { ...topology.config, encoder: { ...topology.config.encoder, residual: saved.residual ?? false, initialHead: saved.initialHead ?? false } };
    const model = new SeqVAE({ ...config, seed: 0 });
    const weights = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
    try {
      const expected = new Set(model.#params.names());
      for (const name of Object.keys(weights)) {
        if (!expected.has(name)) throw invalidArgument(where, `weight '${name}'`, 'one of the model\'s parameters', { raw: 'an unknown weight' });
      }
      for (const name of expected) {
        const w = weights[name];
        if (w === undefined) throw invalidArgument(where, `weight '${name}'`, 'present in the saved model', { raw: 'missing' });
        model.#params.assign(name, w);
      }
    } catch (error) {
      model.dispose();
      throw error;
    } finally {
      tf.dispose(weights);
    }
    model.#steps = topology.steps ?? 0;
    return model;
  }

  /** Frees the model's variables. */
  dispose(): void {
    if (this.#disposed) return;
    this.#params.dispose();
    this.#encoder.dispose();
    this.#disposed = true;
  }

  #trainStep(
    data: Sequences,
    indices: ArrayLike<number>,
    o: { beta: number; freeBits: number; samples: number; clipNorm: number; rng: Generator; optimizer: tf.Optimizer; variables: tf.Variable[] },
  ): { loss: number; elbo: number; kl: number } {
    const { x, mask } = batchTensors(data, indices);
    let kept: tf.Tensor[] = [];
    try {
      const { value, grads } = tf.variableGrads(() => {
        const summary = Encoder.tile(this.#encoder.summarize(x, mask), o.samples);
        const tiledMask = mask === null ? null : tile(mask, o.samples);
        const terms = this.#terms(tile(x, o.samples), tiledMask, summary, o.beta, o.freeBits, o.rng);
        kept = [tf.keep(tf.mean(terms.elbo)), tf.keep(tf.mean(terms.kl))];
        return terms.loss as tf.Scalar;
      }, o.variables);
      const loss = value.dataSync()[0]!;
      if (Number.isFinite(loss)) {
        tf.tidy(() => {
          const clipped = clipByGlobalNorm(grads, o.clipNorm);
          o.optimizer.applyGradients(clipped);
        });
      }
      tf.dispose([value, grads as unknown as tf.Tensor[]]);
      const elbo = kept[0]!.dataSync()[0]!;
      const kl = kept[1]!.dataSync()[0]!;
      return { loss, elbo, kl };
    } finally {
      disposeAll(x, mask, ...kept);
    }
  }

  /** ELBO terms for a batch, given the encoder summary (tiled when several samples per trial). */
  #terms(x: tf.Tensor3D, mask: tf.Tensor2D | null, summary: PosteriorSummary, klWeight: number, freeBits: number, rng: Generator) {
    const [B, T] = x.shape;
    const L = this.config.latentDim;
    const eps = randomNormal([T, B, L], { rng }) as tf.Tensor3D;
    const pass = this.#encoder.sample(summary, eps, this.#transition.stepWeights());
    const prior = this.#transition.priorFor(pass.z);
    const natural = this.#emission.natural(pass.z);
    const likelihood = this.#emission.distribution(natural);
    const emissionLogProb = likelihood.logProb(x);
    const posterior = new MultivariateNormalDiag({ loc: pass.loc, scaleDiag: pass.scale, validate: false });
    const transitionPrior = new MultivariateNormalDiag({ loc: prior.loc, scaleDiag: prior.scale, validate: false });
    const terms = sequentialElbo({
      emissionLogProb,
      posterior,
      transitionPrior,
      ...(mask === null ? {} : { mask }),
      klWeight,
      freeBits,
    });
    return { ...terms, natural };
  }

  #checkLive(where: string): void {
    if (this.#disposed) throw invalidArgument(where, 'the model', 'live', { raw: 'a disposed model' });
  }
}

function hasSpikes(data: Sequences, neuron: number): boolean {
  const { trials, steps: T, dims: D } = data;
  for (let i = 0; i < trials; i++) {
    for (let t = 0; t < data.lengths[i]!; t++) if (data.values[(i * T + t) * D + neuron]! > 0) return true;
  }
  return false;
}

function disposeAll(...tensors: (tf.Tensor | null | undefined)[]): void {
  for (const t of tensors) t?.dispose();
}

function tile<T extends tf.Tensor>(t: T, times: number): T {
  if (times === 1) return t;
  return tf.tile(t, [times, ...new Array<number>(t.rank - 1).fill(1)]) as T;
}

function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  if (maxNorm === Infinity) return grads;
  const list = Object.values(grads);
  const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
  const factor = tf.div(maxNorm, tf.maximum(norm, maxNorm));
  return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, factor)]));
}

/** Adam reads its learning rate at every step; tfjs declares the field protected. */
function setLearningRate(optimizer: tf.Optimizer, value: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = value;
}

function resolveKlWeight(where: string, options: FitOptions, batchesPerEpoch: number): Schedule {
  const { klWeight, klWarmupEpochs } = options;
  if (typeof klWeight === 'function') {
    if (klWarmupEpochs !== undefined) throw invalidArgument(where, 'options.klWarmupEpochs', 'unset when klWeight is a schedule', klWarmupEpochs);
    return klWeight;
  }
  const final = klWeight ?? 1;
  if (!(final >= 0) || !Number.isFinite(final)) throw invalidArgument(where, 'options.klWeight', 'a finite number >= 0 or a schedule', klWeight);
  const warm = klWarmupEpochs ?? 0;
  if (!Number.isInteger(warm) || warm < 0) throw invalidArgument(where, 'options.klWarmupEpochs', 'a non-negative integer', warm);
  if (warm === 0) return () => final;
  return linearWarmup({ from: 0, to: final, steps: warm * batchesPerEpoch });
}

function checkKeys(where: string, options: object, allowed: Set<string>): void {
  if (typeof options !== 'object' || options === null) throw invalidArgument(where, 'options', 'an object', options);
  for (const key of Object.keys(options)) {
    if (!allowed.has(key)) throw invalidArgument(where, `option '${key}'`, `one of ${[...allowed].join(', ')}`, { raw: 'an unknown option' });
  }
}

function positiveInteger(where: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw invalidArgument(where, what, 'a positive integer', value);
  return value;
}

function positiveNumber(where: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0)) throw invalidArgument(where, what, 'a positive number', value);
  return value;
}

function now(): number {
  return globalThis.performance.now();
}
