/**
 * The inference network q(z_1 | x) q(z_2 | z_1, x) ... q(z_N | z_{N-1}, x): a
 * bidirectional GRU summarises x_1:N at every step, and a combiner mixes that summary
 * at n with the sampled z_{n-1} (the structured posterior of the deep Markov model,
 * not mean-field over time). The combiner's mean has a linear path from z_{n-1}, so
 * the exact posterior of a linear-Gaussian model (mean linear in z_{n-1}) is reachable.
 */
import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '@elbo/runtime';
import { BidirectionalGru } from './bidirectional-gru.js';
import type { ParameterSet } from './parameters.js';
import { posteriorScan } from './posterior-scan.js';

export interface EncoderOptions {
  /** GRU units per direction (default 64). */
  readonly hidden?: number;
  /** Combiner hidden units (default 64). */
  readonly combinerHidden?: number;
  /**
   * Indices of the observed dimensions the encoder reads (default: all). Co-smoothing
   * hides held-out neurons this way: the model still predicts them, never sees them.
   */
  readonly inputs?: readonly number[] | null;
  /**
   * Residual posterior mean (Fraccaro et al. 2016): q(z_n | z_{n-1}, x) has mean
   * f(z_{n-1}) + (combiner output), with f the transition's mean, so the posterior follows
   * the learned dynamics and the KL prices only the data-driven correction; f also
   * learns from the likelihood through the sampled trajectories. Default true.
   */
  readonly residual?: boolean;
  /**
   * q(z_1 | x) gets its own layer over the whole-trial summary at the first step (as the
   * initial-condition encoder of LFADS), added to the shared combiner's output. Without
   * it the first state comes from the combiner whose per-step corrections are kept small,
   * so trials start near the prior mean and the first bins are estimated poorly.
   * Default true.
   */
  readonly initialHead?: boolean;
}

export interface EncoderConfig {
  readonly hidden: number;
  readonly combinerHidden: number;
  readonly inputs: readonly number[] | null;
  readonly residual: boolean;
  readonly initialHead: boolean;
}

export function resolveEncoder(where: string, options: EncoderOptions | undefined, obsDim: number): EncoderConfig {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw invalidArgument(where, 'encoder', 'an object { hidden, combinerHidden, inputs }', options);
  }
  const hidden = options?.hidden ?? 64;
  const combinerHidden = options?.combinerHidden ?? 64;
  for (const [name, v] of [
    ['encoder.hidden', hidden],
    ['encoder.combinerHidden', combinerHidden],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw invalidArgument(where, name, 'a positive integer', v);
  }
  let inputs: number[] | null = null;
  if (options?.inputs !== undefined && options.inputs !== null) {
    const list = options.inputs;
    if (!Array.isArray(list) || list.length === 0) throw invalidArgument(where, 'encoder.inputs', 'a non-empty array of dimension indices', list);
    const seen = new Set<number>();
    for (const [k, i] of list.entries()) {
      if (!Number.isInteger(i) || i < 0 || i >= obsDim || seen.has(i)) {
        throw invalidArgument(where, `encoder.inputs[${k}]`, `a distinct integer in [0, ${obsDim})`, i);
      }
      seen.add(i);
    }
    inputs = [...list];
  }
  const residual = options?.residual ?? true;
  if (typeof residual !== 'boolean') throw invalidArgument(where, 'encoder.residual', 'true or false', residual);
  const initialHead = options?.initialHead ?? true;
  if (typeof initialHead !== 'boolean') throw invalidArgument(where, 'encoder.initialHead', 'true or false', initialHead);
  return { hidden, combinerHidden, inputs, residual, initialHead };
}

export interface PosteriorPass {
  /** Sampled trajectory [B, T, L]. */
  readonly z: tf.Tensor3D;
  /** q(z_n | z_{n-1}, x): mean and standard deviation [B, T, L]. */
  readonly loc: tf.Tensor3D;
  readonly scale: tf.Tensor3D;
}

/** The x-dependent part of q, time-major: see {@link Encoder.summarize}. */
export interface PosteriorSummary {
  readonly combiner: tf.Tensor3D;
  readonly mean: tf.Tensor3D;
  /** The initial head's log-variance at the first step, zeros after it (absent without the head). */
  readonly logvar?: tf.Tensor3D;
}

export class Encoder {
  readonly #gru: BidirectionalGru;
  readonly #params: ParameterSet;
  readonly #inputIndices: tf.Tensor1D | null;

  constructor(
    params: ParameterSet,
    readonly config: EncoderConfig,
    readonly obsDim: number,
    readonly latentDim: number,
  ) {
    this.#params = params;
    const inputDim = config.inputs?.length ?? obsDim;
    this.#gru = new BidirectionalGru(params, inputDim, config.hidden);
    const C = config.combinerHidden;
    const L = latentDim;
    params.add('encoder.combiner.wh', [2 * config.hidden, C], { kind: 'glorot' });
    params.add('encoder.combiner.wz', [L, C], { kind: 'glorot' });
    params.add('encoder.combiner.b', [C], { kind: 'constant', value: 0 });
    // Output layer reads [tanh hidden, z_{n-1}]: the z part is the linear path. It starts
    // at zero: random weights there make z_n = W z_{n-1} + ... a random linear recursion
    // that can blow up over a hundred steps before training begins.
    // Separate mean and log-variance layers: no per-step slicing along the feature axis.
    for (const part of ['loc', 'logvar']) {
      // A residual posterior's corrections add up through the near-identity dynamics at
      // first (over a hundred steps): they start small.
      params.add(`encoder.${part}.wh`, [C, L], { kind: 'glorot', scale: config.residual && part === 'loc' ? 0.1 : 1 });
      params.add(`encoder.${part}.wz`, [L, L], { kind: 'constant', value: 0 });
    }
    params.add('encoder.loc.b', [L], { kind: 'constant', value: 0 });
    // A linear path from the GRU states to the mean as well (starts at zero), so a
    // posterior mean linear in z_{n-1} and in x (the linear-Gaussian case) needs no tanh.
    params.add('encoder.loc.ws', [2 * config.hidden, L], { kind: 'constant', value: 0 });
    // Posterior log-variances start at -4 (sd 0.14): narrow, so the first samples stay near the means.
    params.add('encoder.logvar.b', [L], { kind: 'constant', value: -4 });
    if (config.initialHead) {
      params.add('encoder.initial.w', [2 * config.hidden, C], { kind: 'glorot' });
      params.add('encoder.initial.b', [C], { kind: 'constant', value: 0 });
      params.add('encoder.initial.loc.wh', [C, L], { kind: 'glorot' });
      params.add('encoder.initial.loc.ws', [2 * config.hidden, L], { kind: 'constant', value: 0 });
      params.add('encoder.initial.logvar.wh', [C, L], { kind: 'glorot', scale: 0.1 });
    }
    this.#inputIndices = config.inputs === null ? null : tf.keep(tf.tensor1d(config.inputs as number[], 'int32'));
  }

  /**
   * The deterministic part of q: the bidirectional GRU over x [B, T, obsDim] (mask
   * [B, T] or null), projected into the combiner [T, B, combinerHidden] and onto the
   * mean's linear path [T, B, latentDim], time-major. Computed once and tiled along B
   * when several trajectories are drawn per trial.
   */
  summarize(x: tf.Tensor3D, mask: tf.Tensor2D | null): PosteriorSummary {
    return tf.tidy(() => {
      const [B, T] = x.shape;
      const p = this.#params;
      const input = this.#inputIndices === null ? x : (tf.gather(x, this.#inputIndices, 2) as tf.Tensor3D);
      const timeMajor = tf.transpose(input, [1, 0, 2]);
      const states = this.#gru.apply(timeMajor, mask === null ? null : tf.transpose(mask)); // [T, B, 2H]
      const flat = states.reshape([T * B, 2 * this.config.hidden]);
      const combiner = tf.add(tf.matMul(flat, p.get('encoder.combiner.wh')), p.get('encoder.combiner.b')).reshape([T, B, this.config.combinerHidden]) as tf.Tensor3D;
      const mean = tf.matMul(flat, p.get('encoder.loc.ws')).reshape([T, B, this.latentDim]) as tf.Tensor3D;
      if (!this.config.initialHead) return { combiner, mean };
      // The first step's states: the backward direction has read the whole trial there.
      const first = tf.slice(flat, [0, 0], [B, 2 * this.config.hidden]);
      const hidden = tf.tanh(tf.fused.matMul({ a: first, b: p.get('encoder.initial.w') as tf.Tensor2D, bias: p.get('encoder.initial.b') }));
      const initialLoc = tf.add(tf.matMul(hidden, p.get('encoder.initial.loc.wh')), tf.matMul(first, p.get('encoder.initial.loc.ws')));
      const initialLogvar = tf.matMul(hidden, p.get('encoder.initial.logvar.wh'));
      const atFirstStep = (v: tf.Tensor) => tf.pad(v.reshape([1, B, this.latentDim]), [[0, T - 1], [0, 0], [0, 0]]) as tf.Tensor3D;
      return { combiner, mean: tf.add(mean, atFirstStep(initialLoc)) as tf.Tensor3D, logvar: atFirstStep(initialLogvar) };
    });
  }

  /**
   * Draws z_1..z_T one step at a time, each from q(z_n | z_{n-1}, x) with
   * z = loc + exp(logvar / 2) * eps (reparameterised, so differentiable in every
   * parameter). summary: from {@link summarize}; eps: [T, B, L] standard normal draws;
   * transition: the transition mean's weights (Transition.stepWeights), used when the
   * posterior is residual. Returns batch-major [B, T, L] tensors.
   */
  sample(summary: PosteriorSummary, eps: tf.Tensor3D, transition: readonly tf.Tensor[]): PosteriorPass {
    return tf.tidy(() => {
      const [T, B] = summary.combiner.shape;
      const L = this.latentDim;
      const p = this.#params;
      // Everything that does not depend on z_{n-1}, for all steps at once. (Broadcast by
      // adding zeros: tf.broadcastTo's gradient costs a kernel per repetition.)
      const locOffsets = tf.add(summary.mean, p.get('encoder.loc.b')) as tf.Tensor3D;
      const logvarOffsets = tf.add(summary.logvar ?? tf.zeros([T, B, L]), p.get('encoder.logvar.b')) as tf.Tensor3D;
      const pass = posteriorScan(summary.combiner, locOffsets, logvarOffsets, eps, {
        zToHidden: p.get('encoder.combiner.wz') as tf.Tensor2D,
        zToLoc: p.get('encoder.loc.wz') as tf.Tensor2D,
        zToLogvar: p.get('encoder.logvar.wz') as tf.Tensor2D,
        hiddenToLoc: p.get('encoder.loc.wh') as tf.Tensor2D,
        hiddenToLogvar: p.get('encoder.logvar.wh') as tf.Tensor2D,
      }, this.config.residual ? transition : []);
      const batchMajor = (v: tf.Tensor3D) => tf.transpose(v, [1, 0, 2]) as tf.Tensor3D;
      return { z: batchMajor(pass.z), loc: batchMajor(pass.loc), scale: tf.exp(tf.mul(0.5, batchMajor(pass.logvar))) as tf.Tensor3D };
    });
  }

  /** Repeats a summary along B (sample-major), for several trajectories per trial. */
  static tile(summary: PosteriorSummary, times: number): PosteriorSummary {
    if (times === 1) return summary;
    // A broadcasting add, not tf.tile: tile's gradient is a slice per repetition along a
    // middle axis (element by element on the cpu backend); this one is a single sum.
    const repeat = (v: tf.Tensor3D) => {
      const [T, B, C] = v.shape;
      return tf.add(tf.zeros([T, times, B, C]), v.reshape([T, 1, B, C])).reshape([T, times * B, C]) as tf.Tensor3D;
    };
    return { combiner: repeat(summary.combiner), mean: repeat(summary.mean), ...(summary.logvar === undefined ? {} : { logvar: repeat(summary.logvar) }) };
  }

  dispose(): void {
    this.#inputIndices?.dispose();
  }
}
