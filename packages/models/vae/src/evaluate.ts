import * as tf from '@tensorflow/tfjs';
import type { Distribution } from '@elbo/distributions';
import { activeUnits, elbo, iwae, klPerDimension } from '@elbo/objectives';
import { Generator, getGenerator, invalidArgument } from '@elbo/runtime';

export interface EvaluateOptions {
  /** Importance samples per example for log p(x) (Burda et al. 2016); 0 skips it. Default 1000. */
  readonly samples?: number;
  /** Examples per pass. Default 100. */
  readonly batchSize?: number;
  /** Seeds the draws; or pass `rng`. Default: the runtime's generator. */
  readonly seed?: number;
  readonly rng?: Generator;
  /**
   * Upper bound on samples x examples x (widest decoder layer) floats alive at once;
   * the importance samples are drawn in chunks that fit. Default 2^22 (16 MiB).
   */
  readonly maxChunkElements?: number;
  /** Compute KL per dimension and active units. Default true. */
  readonly diagnostics?: boolean;
  /** Active-unit threshold on Cov_x(E_q[z_u]). Default 0.01 (Burda et al.). */
  readonly activeUnitThreshold?: number;
}

/** Per-example averages, in nats. */
export interface Evaluation {
  readonly examples: number;
  /** Mean ELBO (one posterior draw per example). */
  readonly elbo: number;
  /** Mean E_q[log p(x|z)]. */
  readonly reconstruction: number;
  /** Mean KL[q(z|x) || p(z)]. */
  readonly kl: number;
  /** Mean importance-sampled log p(x) with `samples` draws; absent when samples is 0. */
  readonly logLikelihood?: number;
  readonly samples: number;
  /** Mean KL per latent dimension; absent for a prior that does not factorise (mixture) or without diagnostics. */
  readonly klPerDimension?: number[];
  /** Latent dimensions whose posterior mean varies across the data (Cov > threshold). */
  readonly activeUnits?: number;
  /** Var_x(E_q[z_u]) per latent dimension (unbiased). */
  readonly posteriorMeanVariance?: number[];
}

/** What evaluation needs from a model (the VAE class provides it). */
export interface EvaluableModel {
  readonly config: { readonly latentDim: number; readonly inputDim: number; readonly prior: { readonly type: string } };
  readonly decoder: { readonly outputSize: number; readonly spec: { readonly hidden: readonly number[] } };
  posterior(x: tf.Tensor): Distribution;
  likelihoodAt(z: tf.Tensor): Distribution;
  priorDistribution(): Distribution;
}

const KEYS = ['samples', 'batchSize', 'seed', 'rng', 'maxChunkElements', 'diagnostics', 'activeUnitThreshold'];

/** Evaluation over x [N, inputDim], batch by batch; every tensor is released. */
export async function evaluateModel(model: EvaluableModel, x: tf.Tensor2D, options: EvaluateOptions = {}): Promise<Evaluation> {
  const where = 'VAE.evaluate';
  if (typeof options !== 'object' || options === null) throw invalidArgument(where, 'options', 'an object', options);
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key)) throw invalidArgument(where, `option '${key}'`, `one of ${KEYS.join(', ')}`, { raw: 'an unknown option' });
  }
  const samples = options.samples ?? 1000;
  if (!Number.isInteger(samples) || samples < 0) throw invalidArgument(where, 'samples', 'a non-negative integer', samples);
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw invalidArgument(where, 'batchSize', 'a positive integer', batchSize);
  const maxChunkElements = options.maxChunkElements ?? 2 ** 22;
  if (!Number.isInteger(maxChunkElements) || maxChunkElements < 1) throw invalidArgument(where, 'maxChunkElements', 'a positive integer', maxChunkElements);
  const threshold = options.activeUnitThreshold ?? 0.01;
  if (typeof threshold !== 'number' || !(threshold >= 0)) throw invalidArgument(where, 'activeUnitThreshold', 'a number >= 0', threshold);
  if (options.seed !== undefined && options.rng !== undefined) throw invalidArgument(where, 'seed and rng', 'not both given', { raw: 'both' });
  const rng = options.rng ?? (options.seed !== undefined ? Generator.fromSeed(options.seed) : getGenerator());
  const diagnostics = options.diagnostics ?? true;

  const n = x.shape[0];
  const d = model.config.latentDim;
  const widest = Math.max(model.config.inputDim, model.decoder.outputSize, ...model.decoder.spec.hidden, d);
  let elboSum = 0;
  let reconstructionSum = 0;
  let klSum = 0;
  let logLikelihoodSum = 0;
  const klPerDim = new Float64Array(d);
  // Posterior means of every example, for the active-unit count at the end ([N, D] floats).
  const means = diagnostics ? new Float32Array(n * d) : undefined;
  // KL per dimension needs a prior that factorises over dimensions.
  const perDimension = diagnostics && model.config.prior.type === 'standardNormal';

  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const xb = tf.slice(x, [start, 0], [size, -1]);
    try {
      const summary = tf.tidy(() => {
        const posterior = model.posterior(xb);
        const prior = model.priorDistribution();
        const likelihood = (z: tf.Tensor): Distribution => model.likelihoodAt(z);
        const terms = elbo({ posterior, prior, likelihood, x: xb, samples: 1, rng });
        return tf.stack([tf.sum(terms.elbo), tf.sum(terms.reconstruction), tf.sum(terms.kl)]);
      });
      const [e, r, k] = await readAndDispose(summary);
      elboSum += e!;
      reconstructionSum += r!;
      klSum += k!;

      if (samples > 0) {
        const chunk = Math.max(1, Math.min(samples, Math.floor(maxChunkElements / (size * widest))));
        // log sum_k w_k per example, accumulated chunk by chunk with a running logsumexp.
        let logSumWeights: tf.Tensor | undefined;
        for (let done = 0; done < samples; done += chunk) {
          const k = Math.min(chunk, samples - done);
          const next = tf.tidy(() => {
            const { bound } = iwae({
              posterior: model.posterior(xb),
              prior: model.priorDistribution(),
              likelihood: (z: tf.Tensor) => model.likelihoodAt(z),
              x: xb,
              samples: k,
              rng,
            });
            const chunkLogSum = tf.add(bound, Math.log(k)); // bound = log mean_k w_k
            return logSumWeights === undefined ? chunkLogSum : tf.logSumExp(tf.stack([logSumWeights, chunkLogSum]), 0);
          });
          logSumWeights?.dispose();
          logSumWeights = next;
          await tf.nextFrame();
        }
        const total = tf.tidy(() => tf.sum(tf.sub(logSumWeights!, Math.log(samples))));
        logSumWeights!.dispose();
        logLikelihoodSum += (await readAndDispose(total))[0]!;
      }

      if (means) {
        const stats = tf.tidy(() => {
          const posterior = model.posterior(xb);
          const rows = [tf.reshape(posterior.mean(), [-1])];
          if (perDimension) rows.push(tf.mul(klPerDimension(posterior, model.priorDistribution(), { rng }), size));
          return tf.concat(rows);
        });
        const values = await readAndDispose(stats);
        means.set(values.subarray(0, size * d), start * d);
        if (perDimension) for (let j = 0; j < d; j++) klPerDim[j] = klPerDim[j]! + values[size * d + j]!;
      }
    } finally {
      xb.dispose();
    }
  }

  const result: Evaluation = {
    examples: n,
    elbo: elboSum / n,
    reconstruction: reconstructionSum / n,
    kl: klSum / n,
    samples,
    ...(samples > 0 ? { logLikelihood: logLikelihoodSum / n } : {}),
  };
  if (!means || n < 2) return result;
  const meansTensor = tf.tensor2d(means, [n, d]);
  const units = activeUnits(meansTensor, { threshold });
  meansTensor.dispose();
  return {
    ...result,
    ...(perDimension ? { klPerDimension: Array.from(klPerDim, (s) => s / n) } : {}),
    posteriorMeanVariance: units.variances,
    activeUnits: units.count,
  };
}

async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}
