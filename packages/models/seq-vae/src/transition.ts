/**
 * The generative prior over latent trajectories: p(z_1) = N(mu0, diag s0^2) and
 * p(z_n | z_{n-1}) = N(f(z_{n-1}), diag s^2), all learned. f is linear
 * (f(z) = A z + b) or the gated transition of the deep Markov model (Krishnan et al.
 * 2017): a sigmoid gate mixes a linear map with an MLP proposal.
 */
import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '@elbo/runtime';
import type { ParameterSet } from './parameters.js';
import { transitionStepForward } from './transition-step.js';

export type TransitionOptions =
  | 'linear'
  | 'gated'
  | {
      readonly type: 'linear' | 'gated';
      /** MLP units of the gated f (default max(32, 4 latentDim)). */
      readonly hidden?: number;
      /**
       * Starting standard deviation of the transition noise (default 0.3), learned from
       * there. The ELBO moves it slowly, so a value near the latents' per-step motion helps.
       */
      readonly initialNoise?: number;
    };

export interface TransitionConfig {
  readonly type: 'linear' | 'gated';
  readonly hidden: number;
  /** Starting standard deviation of the transition noise (learned from there). */
  readonly initialNoise: number;
}

export function resolveTransition(where: string, options: TransitionOptions | undefined, latentDim: number): TransitionConfig {
  const value = options ?? 'gated';
  const type = typeof value === 'string' ? value : value?.type;
  if (type !== 'linear' && type !== 'gated') {
    throw invalidArgument(where, 'transition', "'linear', 'gated' or { type, hidden }", options);
  }
  const hidden = (typeof value === 'object' ? value.hidden : undefined) ?? Math.max(32, 4 * latentDim);
  if (!Number.isInteger(hidden) || hidden < 1) throw invalidArgument(where, 'transition.hidden', 'a positive integer', hidden);
  const initialNoise = (typeof value === 'object' ? value.initialNoise : undefined) ?? 0.3;
  if (!(initialNoise > 0) || !Number.isFinite(initialNoise)) throw invalidArgument(where, 'transition.initialNoise', 'a finite number > 0', initialNoise);
  return { type, hidden, initialNoise };
}

/** Diagonal Gaussian parameters; the scale is a standard deviation. */
export interface DiagGaussian {
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
}

export class Transition {
  readonly #params: ParameterSet;

  constructor(
    params: ParameterSet,
    readonly config: TransitionConfig,
    readonly latentDim: number,
  ) {
    const L = latentDim;
    this.#params = params;
    params.add('prior.initialLoc', [L], { kind: 'constant', value: 0 });
    params.add('prior.initialLogScale', [L], { kind: 'constant', value: 0 });
    params.add('transition.logScale', [L], { kind: 'constant', value: Math.log(config.initialNoise) });
    // Stored as [in, out] so f(z) = z A^T + b is one matMul; starts near the identity (slow dynamics).
    params.add('transition.weight', [L, L], { kind: 'identity', scale: 0.95 });
    params.add('transition.bias', [L], { kind: 'constant', value: 0 });
    if (config.type === 'gated') {
      const H = config.hidden;
      params.add('transition.gate.w1', [L, H], { kind: 'glorot' });
      params.add('transition.gate.b1', [H], { kind: 'constant', value: 0 });
      params.add('transition.gate.w2', [H, L], { kind: 'glorot' });
      // A negative bias starts the gate mostly on the linear path.
      params.add('transition.gate.b2', [L], { kind: 'constant', value: -2 });
      params.add('transition.proposal.w1', [L, H], { kind: 'glorot' });
      params.add('transition.proposal.b1', [H], { kind: 'constant', value: 0 });
      params.add('transition.proposal.w2', [H, L], { kind: 'glorot' });
      params.add('transition.proposal.b2', [L], { kind: 'constant', value: 0 });
    }
  }

  /** Mean of z_n given z_{n-1}, for any leading shape [..., L]: the same f as the residual posterior's. */
  mean(zPrev: tf.Tensor): tf.Tensor {
    return tf.tidy(() => transitionStepForward(zPrev.reshape([-1, this.latentDim]) as tf.Tensor2D, this.stepWeights()).mean.reshape(zPrev.shape));
  }

  /**
   * The per-step prior for a sampled trajectory z [B, T, L]: p(z_1) at n = 1 and
   * p(z_n | z_{n-1}) after, as loc and scale of shape [B, T, L].
   */
  priorFor(z: tf.Tensor3D): DiagGaussian {
    return tf.tidy(() => {
      const [B, T, L] = z.shape;
      const p = this.#params;
      // Broadcast by adding zeros, not tf.broadcastTo: that is a Tile, whose gradient
      // is one slice and one add per repetition (B * T kernels).
      const first = tf.add(tf.zeros([B, 1, L]), p.get('prior.initialLoc'));
      const firstScale = tf.add(tf.zeros([B, 1, L]), tf.exp(p.get('prior.initialLogScale')));
      if (T === 1) return { loc: first, scale: firstScale };
      const rest = this.mean(tf.slice(z, [0, 0, 0], [B, T - 1, L]));
      const restScale = tf.add(tf.zeros([B, T - 1, L]), tf.exp(p.get('transition.logScale')));
      return { loc: tf.concat([first, rest], 1), scale: tf.concat([firstScale, restScale], 1) };
    });
  }

  /** The mean's weights in the order of transition-step.ts (for hand-written recursions). */
  stepWeights(): tf.Variable[] {
    const names = ['transition.weight', 'transition.bias'];
    if (this.config.type === 'gated') {
      for (const part of ['gate', 'proposal']) names.push(...['w1', 'b1', 'w2', 'b2'].map((w) => `transition.${part}.${w}`));
    }
    return names.map((name) => this.#params.get(name));
  }

  initialScale(): tf.Tensor {
    return tf.tidy(() => tf.exp(this.#params.get('prior.initialLogScale')));
  }

  noiseScale(): tf.Tensor {
    return tf.tidy(() => tf.exp(this.#params.get('transition.logScale')));
  }
}
