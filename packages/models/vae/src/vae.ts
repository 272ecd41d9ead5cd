import * as tf from '@tensorflow/tfjs';
import { MultivariateNormalDiag } from '@elbo/distributions';
import type { Distribution } from '@elbo/distributions';
import { Generator, getGenerator, invalidArgument } from '@elbo/runtime';
import { checkSupport, toExamples } from './data.js';
import type { DataInput } from './data.js';
import { evaluateModel } from './evaluate.js';
import type { EvaluateOptions, Evaluation } from './evaluate.js';
import { TRAINER_KEYS, fitOptions } from './fit-options.js';
import type { FitOptions, TrainerOptions } from './fit-options.js';
import { likelihoodHead, resolveLikelihood } from './likelihoods.js';
import type { LikelihoodHead, LikelihoodSpec, ResolvedLikelihood } from './likelihoods.js';
import { Mlp, resolveMlpSpec } from './mlp.js';
import type { MlpSpec, ResolvedMlpSpec } from './mlp.js';
import { loadHandlerFor, saveHandlerFor } from './model-storage.js';
import type { ModelLocation } from './model-storage.js';
import { trainingObjective } from './objective.js';
import type { TrainingObjective } from './objective.js';
import { priorModule, resolvePrior } from './priors.js';
import type { PriorModule, PriorSpec, ResolvedPrior } from './priors.js';
import { artifactsFromModel, modelFromArtifacts } from './serialization.js';
import { Trainer } from './trainer.js';
import { runTrainingLoop } from './training-loop.js';
import type { FitHistory, StepDefinition } from './training-loop.js';

export interface VAEOptions {
  /** Features per example (784 for MNIST). */
  readonly inputDim: number;
  /** Dimension of the latent z. */
  readonly latentDim: number;
  /** q(z|x): an MLP from x to the posterior's mean and log-variance. Default `{ hidden: [400], activation: 'relu' }`. */
  readonly encoder?: MlpSpec;
  /** p(x|z): an MLP from z to the likelihood's parameters. Default `{ hidden: [400], activation: 'relu' }`. */
  readonly decoder?: MlpSpec;
  /** Default `'bernoulli'`. */
  readonly likelihood?: LikelihoodSpec;
  /** Default `'standardNormal'`. */
  readonly prior?: PriorSpec;
  /** Seed for the initial weights; or pass `rng`. Default: the runtime's generator. */
  readonly seed?: number;
  readonly rng?: Generator;
}

/** Everything that defines a VAE's architecture: what `save` stores next to the weights. */
export interface VAEConfig {
  readonly inputDim: number;
  readonly latentDim: number;
  readonly encoder: ResolvedMlpSpec;
  readonly decoder: ResolvedMlpSpec;
  readonly likelihood: ResolvedLikelihood;
  readonly prior: ResolvedPrior;
}

/** The approximate posterior of a batch, as `encode` returns it. */
export interface Encoding {
  /** Posterior means [N, latentDim]. */
  readonly mean: tf.Tensor2D;
  /** Posterior log-variances [N, latentDim]. */
  readonly logvar: tf.Tensor2D;
}

export interface RandomOption {
  /** Generator for the draws; default: the runtime's generator. */
  readonly rng?: Generator;
}

const OPTION_KEYS = ['inputDim', 'latentDim', 'encoder', 'decoder', 'likelihood', 'prior', 'seed', 'rng'];

/**
 * A variational autoencoder: encoder q(z|x) = N(mu(x), diag(exp(logvar(x)))), decoder
 * p(x|z), prior p(z), trained on the ELBO (or another objective of @elbo/objectives)
 * with the reparameterisation trick. Parameters live in tf.Variables owned by the
 * model: call `dispose()` when done with it.
 */
export class VAE {
  readonly config: VAEConfig;
  readonly encoder: Mlp;
  readonly decoder: Mlp;
  readonly likelihood: LikelihoodHead;
  readonly prior: PriorModule;
  #disposed = false;

  constructor(options: VAEOptions) {
    const where = 'new VAE';
    if (typeof options !== 'object' || options === null) throw invalidArgument(where, 'options', 'an object like { inputDim, latentDim }', options);
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.includes(key)) throw invalidArgument(where, `option '${key}'`, `one of ${OPTION_KEYS.join(', ')}`, { raw: 'an unknown option' });
    }
    for (const name of ['inputDim', 'latentDim'] as const) {
      const v = options[name];
      if (!Number.isInteger(v) || v < 1) throw invalidArgument(where, name, 'a positive integer', v);
    }
    if (options.seed !== undefined && options.rng !== undefined) throw invalidArgument(where, 'seed and rng', 'not both given', { raw: 'both' });
    const rng = options.rng ?? (options.seed !== undefined ? Generator.fromSeed(options.seed) : getGenerator());
    this.config = {
      inputDim: options.inputDim,
      latentDim: options.latentDim,
      encoder: resolveMlpSpec(options.encoder, `${where} encoder`),
      decoder: resolveMlpSpec(options.decoder, `${where} decoder`),
      likelihood: resolveLikelihood(options.likelihood, where),
      prior: resolvePrior(options.prior, where),
    };
    const { inputDim, latentDim } = this.config;
    this.likelihood = likelihoodHead(this.config.likelihood, inputDim);
    this.encoder = new Mlp({ inputSize: inputDim, outputSize: 2 * latentDim, spec: this.config.encoder, rng });
    this.decoder = new Mlp({ inputSize: latentDim, outputSize: this.likelihood.outputSize, spec: this.config.decoder, rng });
    this.prior = priorModule(this.config.prior, latentDim, rng);
  }

  /** Every parameter by a stable name (`encoder/0/kernel`, `likelihood/logScale`, `prior/means`, ...). */
  namedVariables(): Record<string, tf.Variable> {
    const named: Record<string, tf.Variable> = {};
    for (const [part, mlp] of [['encoder', this.encoder], ['decoder', this.decoder]] as const) {
      mlp.layers.forEach((layer, i) => {
        named[`${part}/${i}/kernel`] = layer.kernel;
        named[`${part}/${i}/bias`] = layer.bias;
      });
    }
    for (const [name, v] of Object.entries(this.likelihood.variables)) named[`likelihood/${name}`] = v;
    for (const [name, v] of Object.entries(this.prior.variables)) named[`prior/${name}`] = v;
    return named;
  }

  get variables(): tf.Variable[] {
    return Object.values(this.namedVariables());
  }

  /** Number of trainable scalars. */
  get parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  // ---- the model's distributions, for custom objectives (call inside tf.tidy) ----

  /** q(z|x) for x [B, inputDim]: batch [B], event [latentDim]. */
  posterior(x: tf.Tensor): Distribution {
    const { mean, logvar } = this.#encodeRaw(x);
    return new MultivariateNormalDiag({ loc: mean, scaleDiag: tf.exp(tf.mul(logvar, 0.5)), validate: false });
  }

  /** p(x|z) for z [..., latentDim]: batch [...], event [inputDim]. */
  likelihoodAt(z: tf.Tensor): Distribution {
    return this.likelihood.distribution(this.decoder.apply(z));
  }

  /** p(z): batch [], event [latentDim]. */
  priorDistribution(): Distribution {
    return this.prior.distribution();
  }

  // ---- inference and generation ----

  /** The posterior's mean and log-variance for data with N examples. */
  encode(data: DataInput): Encoding {
    this.#checkAlive('encode');
    const { x, owned } = toExamples(data, this.config.inputDim, 'VAE.encode');
    try {
      return tf.tidy(() => this.#encodeRaw(x));
    } finally {
      if (owned) x.dispose();
    }
  }

  /** The mean of p(x|z) for latents z [N, latentDim] (probabilities for Bernoulli). */
  decode(z: tf.Tensor): tf.Tensor {
    this.#checkAlive('decode');
    if (!(z instanceof tf.Tensor) || z.isDisposed || z.rank < 1 || z.shape[z.rank - 1] !== this.config.latentDim) {
      throw invalidArgument('VAE.decode', 'z', `a live tensor of shape [..., ${this.config.latentDim}]`, z);
    }
    return tf.tidy(() => this.likelihood.mean(this.decoder.apply(tf.cast(z, 'float32'))));
  }

  /**
   * `n` new examples: z from the prior, then the mean of p(x|z), or a draw from p(x|z)
   * with `draw: true`.
   */
  sample(n: number, options: RandomOption & { readonly draw?: boolean } = {}): tf.Tensor {
    this.#checkAlive('sample');
    if (!Number.isInteger(n) || n < 1) throw invalidArgument('VAE.sample', 'n', 'a positive integer', n);
    const rng = options.rng ?? getGenerator();
    return tf.tidy(() => {
      const z = this.priorDistribution().sample([n], { rng });
      const output = this.decoder.apply(z);
      return options.draw ? this.likelihood.distribution(output).sample([], { rng }) : this.likelihood.mean(output);
    });
  }

  /**
   * Reconstructions of the data: the mean of p(x|z) at the posterior mean, or at a
   * posterior draw with `sampleLatent: true`.
   */
  reconstruct(data: DataInput, options: RandomOption & { readonly sampleLatent?: boolean } = {}): tf.Tensor {
    this.#checkAlive('reconstruct');
    const { x, owned } = toExamples(data, this.config.inputDim, 'VAE.reconstruct');
    try {
      return tf.tidy(() => {
        const z = options.sampleLatent ? this.posterior(x).sample([], { rng: options.rng ?? getGenerator() }) : this.#encodeRaw(x).mean;
        return this.likelihood.mean(this.decoder.apply(z));
      });
    } finally {
      if (owned) x.dispose();
    }
  }

  // ---- training and evaluation ----

  /** Trains the model in place; resolves to the per-epoch history. */
  async fit(data: DataInput, options: FitOptions = {}): Promise<FitHistory> {
    this.#checkAlive('fit');
    const where = 'VAE.fit';
    const resolved = fitOptions(options, where);
    const objective = trainingObjective(options.objective, where);
    const train = toExamples(data, this.config.inputDim, where);
    let validation: { x: tf.Tensor2D; owned: boolean } | undefined;
    let made: { optimizer: tf.Optimizer; ownsOptimizer: boolean } | undefined;
    try {
      validation = options.validation === undefined ? undefined : toExamples(options.validation, this.config.inputDim, `${where} validation`);
      made = resolved.makeOptimizer();
      const optimizer = made.optimizer;
      checkSupport(train.x, where, this.likelihood.support);
      if (validation) checkSupport(validation.x, `${where} validation`, this.likelihood.support);
      // Noise first, so a Trainer with the same seed draws the same noise as fit.
      const [noiseRng, shuffleRng, validationRng] = [resolved.rng.fork(), resolved.rng.fork(), resolved.rng.fork()];
      return await runTrainingLoop({
        ...this.#stepDefinition(where, objective, optimizer, resolved.clipNorm, noiseRng),
        x: train.x,
        epochs: resolved.epochs,
        batchSize: resolved.batchSize,
        shuffle: resolved.shuffle,
        rng: shuffleRng,
        ...(validation
          ? {
              // The same draws every epoch, so epochs compare on equal terms.
              validate: async () => {
                const result = await evaluateModel(this, validation!.x, { samples: 0, rng: validationRng.clone(), batchSize: resolved.batchSize, diagnostics: false });
                return -result.elbo;
              },
            }
          : {}),
        ...(resolved.earlyStopping ? { earlyStopping: resolved.earlyStopping } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onBatchEnd ? { onBatchEnd: options.onBatchEnd } : {}),
        ...(options.onEpochEnd ? { onEpochEnd: options.onEpochEnd } : {}),
      });
    } finally {
      if (made?.ownsOptimizer) made.optimizer.dispose();
      if (train.owned) train.x.dispose();
      if (validation?.owned) validation.x.dispose();
    }
  }

  /**
   * A {@link Trainer} that takes single optimizer steps on batches you pass (fit's step
   * without its loop). Dispose it when done.
   */
  trainer(options: TrainerOptions = {}): Trainer {
    this.#checkAlive('trainer');
    const where = 'VAE.trainer';
    const resolved = fitOptions(options, where, TRAINER_KEYS);
    const objective = trainingObjective(options.objective, where);
    const { optimizer, ownsOptimizer } = resolved.makeOptimizer();
    return new Trainer(this.#stepDefinition(where, objective, optimizer, resolved.clipNorm, resolved.rng.fork()), this.config.inputDim, ownsOptimizer);
  }

  /**
   * Per-example averages on the data: the ELBO and its terms, the importance-sampled
   * log-likelihood with `samples` draws per example (memory-bounded chunks), KL per
   * latent dimension and the number of active units. All in nats.
   */
  async evaluate(data: DataInput, options: EvaluateOptions = {}): Promise<Evaluation> {
    this.#checkAlive('evaluate');
    const { x, owned } = toExamples(data, this.config.inputDim, 'VAE.evaluate');
    try {
      checkSupport(x, 'VAE.evaluate', this.likelihood.support);
      return await evaluateModel(this, x, options);
    } finally {
      if (owned) x.dispose();
    }
  }

  // ---- persistence ----

  /** Saves config and weights to a directory (Node), a tfjs URL (browsers) or an IOHandler. */
  async save(location: ModelLocation): Promise<tf.io.SaveResult> {
    this.#checkAlive('save');
    const handler = saveHandlerFor(location, 'VAE.save');
    return handler.save!(await artifactsFromModel(this.config, this.namedVariables()));
  }

  /** A model saved by `save`, with the same outputs for the same inputs and seeds. */
  static async load(location: ModelLocation): Promise<VAE> {
    const handler = loadHandlerFor(location, 'VAE.load');
    const artifacts = await handler.load!();
    return modelFromArtifacts(artifacts, (config) => new VAE({ ...config, rng: Generator.fromSeed(0) }));
  }

  /** Frees every variable of the model. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.encoder.dispose();
    this.decoder.dispose();
    this.likelihood.dispose();
    this.prior.dispose();
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  #stepDefinition(where: string, objective: TrainingObjective, optimizer: tf.Optimizer, clipNorm: number | undefined, rng: Generator): StepDefinition {
    return {
      where,
      variables: this.variables,
      optimizer,
      ...(clipNorm === undefined ? {} : { clipNorm }),
      termNames: objective.termNames,
      lossTerms: (x, position) =>
        objective.compute({
          x,
          posterior: this.posterior(x),
          encoder: (input) => this.posterior(input),
          prior: this.priorDistribution(),
          likelihood: (z) => this.likelihoodAt(z),
          rng,
          epoch: position.epoch,
          step: position.step,
        }),
    };
  }

  #encodeRaw(x: tf.Tensor): { mean: tf.Tensor2D; logvar: tf.Tensor2D } {
    const [mean, logvar] = tf.split(this.encoder.apply(x), 2, -1) as [tf.Tensor2D, tf.Tensor2D];
    return { mean, logvar };
  }

  #checkAlive(method: string): void {
    if (this.#disposed) throw invalidArgument(`VAE.${method}`, 'the model', 'not disposed', { raw: 'a disposed model' });
  }
}
