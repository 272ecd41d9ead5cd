/**
 * The emission model p(x_n | z_n): Poisson spike counts with log-rate = readout(z_n),
 * a Gaussian with learned per-dimension noise, or Bernoulli. The readout is linear or
 * a one-hidden-layer MLP.
 */
import * as tf from '@tensorflow/tfjs';
import { Bernoulli, Independent, Normal, Poisson } from '@elbo/distributions';
import type { Distribution } from '@elbo/distributions';
import { invalidArgument } from '@elbo/runtime';
import type { ParameterSet } from './parameters.js';

export type LikelihoodType = 'poisson' | 'gaussian' | 'bernoulli';

export type LikelihoodOptions =
  | LikelihoodType
  | { readonly type: LikelihoodType; readonly readout?: 'linear' | 'mlp'; readonly hidden?: number };

export interface LikelihoodConfig {
  readonly type: LikelihoodType;
  readonly readout: 'linear' | 'mlp';
  readonly hidden: number;
}

const TYPES: readonly LikelihoodType[] = ['poisson', 'gaussian', 'bernoulli'];

export function resolveLikelihood(where: string, options: LikelihoodOptions | undefined): LikelihoodConfig {
  const value = options ?? 'poisson';
  const type = typeof value === 'string' ? value : value?.type;
  if (!TYPES.includes(type as LikelihoodType)) {
    throw invalidArgument(where, 'likelihood', `one of ${TYPES.map((t) => `'${t}'`).join(', ')} or { type, readout, hidden }`, options);
  }
  const readout = (typeof value === 'object' ? value.readout : undefined) ?? 'linear';
  if (readout !== 'linear' && readout !== 'mlp') {
    throw invalidArgument(where, 'likelihood.readout', "'linear' or 'mlp'", readout);
  }
  const hidden = (typeof value === 'object' ? value.hidden : undefined) ?? 64;
  if (!Number.isInteger(hidden) || hidden < 1) throw invalidArgument(where, 'likelihood.hidden', 'a positive integer', hidden);
  return { type: type as LikelihoodType, readout, hidden };
}

export class Emission {
  readonly #params: ParameterSet;

  constructor(
    params: ParameterSet,
    readonly config: LikelihoodConfig,
    readonly latentDim: number,
    readonly obsDim: number,
  ) {
    this.#params = params;
    const inputDim = config.readout === 'mlp' ? config.hidden : latentDim;
    if (config.readout === 'mlp') {
      params.add('emission.hidden.w', [latentDim, config.hidden], { kind: 'glorot' });
      params.add('emission.hidden.b', [config.hidden], { kind: 'constant', value: 0 });
    }
    params.add('emission.w', [inputDim, obsDim], { kind: 'glorot' });
    params.add('emission.b', [obsDim], { kind: 'constant', value: 0 });
    if (config.type === 'gaussian') params.add('emission.logScale', [obsDim], { kind: 'constant', value: 0 });
  }

  /** The readout's output: log-rate (Poisson), mean (Gaussian) or logits (Bernoulli); z [..., L] to [..., D]. */
  natural(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const p = this.#params;
      const shape = z.shape.slice(0, -1);
      let h = z.reshape([-1, this.latentDim]);
      if (this.config.readout === 'mlp') h = tf.relu(tf.add(tf.matMul(h, p.get('emission.hidden.w')), p.get('emission.hidden.b')));
      return tf.add(tf.matMul(h, p.get('emission.w')), p.get('emission.b')).reshape([...shape, this.obsDim]);
    });
  }

  /**
   * p(x_n | z_n) with batch = z's leading shape and event [obsDim]. Built on tensors it
   * owns: dispose the natural parameters (returned alongside) when done.
   */
  distribution(natural: tf.Tensor): Distribution {
    const opts = { validate: false };
    let base: Distribution;
    if (this.config.type === 'poisson') base = new Poisson({ logRate: natural, ...opts });
    else if (this.config.type === 'bernoulli') base = new Bernoulli({ logits: natural, ...opts });
    else base = new Normal({ loc: natural, scale: this.#gaussianScale(), ...opts });
    return new Independent(base, 1);
  }

  /** E[x_n | z_n]: the rate per bin, the mean, or the probability. */
  mean(natural: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      if (this.config.type === 'poisson') return tf.exp(natural);
      if (this.config.type === 'bernoulli') return tf.sigmoid(natural);
      return natural.clone();
    });
  }

  /** Per-dimension noise standard deviation of the Gaussian emission (a new tensor). */
  gaussianScale(): tf.Tensor {
    return tf.tidy(() => this.#gaussianScale());
  }

  #gaussianScale(): tf.Tensor {
    return tf.exp(this.#params.get('emission.logScale'));
  }

  /**
   * Data-dependent start: the readout bias at each dimension's mean (log mean rate for
   * Poisson, logit of the mean for Bernoulli) and the Gaussian noise at its spread, so
   * training begins from the "null" model instead of far from it.
   */
  initializeFromMoments(mean: Float64Array, variance: Float64Array): void {
    const D = this.obsDim;
    const bias = new Float32Array(D);
    for (let i = 0; i < D; i++) {
      const m = mean[i]!;
      if (this.config.type === 'poisson') bias[i] = Math.log(Math.max(m, 1e-3));
      else if (this.config.type === 'bernoulli') {
        const q = Math.min(Math.max(m, 1e-3), 1 - 1e-3);
        bias[i] = Math.log(q / (1 - q));
      } else bias[i] = m;
    }
    tf.tidy(() => this.#params.assign('emission.b', tf.tensor1d(bias)));
    if (this.config.type === 'gaussian') {
      const logScale = Float32Array.from(variance, (v) => 0.5 * Math.log(Math.max(v, 1e-6)));
      tf.tidy(() => this.#params.assign('emission.logScale', tf.tensor1d(logScale)));
    }
  }
}
