import * as tf from '@tensorflow/tfjs';
import { Bernoulli, Categorical, ContinuousBernoulli, Independent, Normal, Poisson } from '@elbo/distributions';
import type { Distribution } from '@elbo/distributions';
import { describeValue, invalidArgument } from '@elbo/runtime';
import { variableFrom } from './mlp.js';

/**
 * The observation model p(x|z) as named in a VAE's options:
 * - `'bernoulli'`: logits; x in [0, 1] (binary, or intensities as in the classic MNIST VAE);
 * - `'continuousBernoulli'`: the normalised version for intensities in [0, 1] (Loaiza-Ganem & Cunningham 2019);
 * - `'gaussian'` or `{ type: 'gaussian', scale }`: means, with `scale` a fixed standard
 *   deviation (default 1), `'learned'` (one learned scale per feature) or `'perExample'`
 *   (the decoder also outputs a log-scale for every feature of every example);
 * - `'poisson'`: log-rates; x non-negative integer counts (spikes);
 * - `{ type: 'categorical', categories: K }`: K logits per feature; x integer labels in [0, K).
 */
export type LikelihoodSpec =
  | 'bernoulli'
  | 'continuousBernoulli'
  | 'gaussian'
  | 'poisson'
  | { readonly type: 'bernoulli' | 'continuousBernoulli' | 'poisson' }
  | { readonly type: 'gaussian'; readonly scale?: number | 'learned' | 'perExample' }
  | { readonly type: 'categorical'; readonly categories: number };

/** A {@link LikelihoodSpec} in its stored form. */
export type ResolvedLikelihood =
  | { readonly type: 'bernoulli' | 'continuousBernoulli' | 'poisson' }
  | { readonly type: 'gaussian'; readonly scale: number | 'learned' | 'perExample' }
  | { readonly type: 'categorical'; readonly categories: number };

/** Maps the decoder's output to p(x|z). */
export interface LikelihoodHead {
  readonly spec: ResolvedLikelihood;
  /** Width of the decoder's output for `inputDim` features. */
  readonly outputSize: number;
  /** Parameters the head owns besides the decoder (a learned scale), by name. */
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /** p(x|z) for decoder outputs [..., outputSize]: batch [...], event [inputDim]. Call inside tf.tidy. */
  distribution(output: tf.Tensor): Distribution;
  /**
   * The mean of p(x|z) for decoder outputs: probabilities (Bernoulli), means, rates, or
   * class probabilities [..., inputDim, K] (categorical).
   */
  mean(output: tf.Tensor): tf.Tensor;
  /** Which data values the likelihood accepts, checked once before training. */
  readonly support: { readonly description: string; readonly test: (v: number) => boolean };
  dispose(): void;
}

const TYPES = ['bernoulli', 'continuousBernoulli', 'gaussian', 'poisson', 'categorical'] as const;

export function resolveLikelihood(spec: LikelihoodSpec | undefined, where: string): ResolvedLikelihood {
  const value = spec ?? 'bernoulli';
  const type = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? value.type : undefined;
  if (!(TYPES as readonly unknown[]).includes(type)) {
    throw invalidArgument(where, 'likelihood', `one of ${TYPES.join(', ')} (a name or { type, ... })`, typeof value === 'object' ? { raw: describeValue(type) } : value);
  }
  if (type === 'categorical') {
    const categories = typeof value === 'object' && 'categories' in value ? value.categories : undefined;
    if (!Number.isInteger(categories) || (categories as number) < 2) {
      throw invalidArgument(where, 'likelihood.categories', "an integer >= 2 (write { type: 'categorical', categories: K })", categories);
    }
    return { type, categories: categories as number };
  }
  if (type === 'gaussian') {
    const scale = typeof value === 'object' && 'scale' in value && value.scale !== undefined ? value.scale : 1;
    const ok = scale === 'learned' || scale === 'perExample' || (typeof scale === 'number' && scale > 0 && Number.isFinite(scale));
    if (!ok) throw invalidArgument(where, 'likelihood.scale', "a positive number, 'learned' or 'perExample'", scale);
    return { type, scale };
  }
  return { type: type as 'bernoulli' | 'continuousBernoulli' | 'poisson' };
}

const unitInterval = { description: 'in [0, 1]', test: (v: number) => v >= 0 && v <= 1 };
const finite = { description: 'finite', test: (v: number) => Number.isFinite(v) };
const counts = { description: 'a non-negative integer count', test: (v: number) => v >= 0 && Number.isInteger(v) };

/** The head for a resolved spec and `inputDim` features. */
export function likelihoodHead(spec: ResolvedLikelihood, inputDim: number): LikelihoodHead {
  const independent = (base: Distribution): Distribution => new Independent(base, 1, { validate: false });
  const simple = (
    outputSize: number,
    support: LikelihoodHead['support'],
    distribution: (output: tf.Tensor) => Distribution,
    mean: (output: tf.Tensor) => tf.Tensor,
    variables: Record<string, tf.Variable> = {},
  ): LikelihoodHead => ({
    spec,
    outputSize,
    variables,
    distribution,
    mean: (output) => tf.tidy(() => mean(output)),
    support,
    dispose: () => Object.values(variables).forEach((v) => v.dispose()),
  });

  switch (spec.type) {
    case 'bernoulli':
      return simple(inputDim, unitInterval, (logits) => independent(new Bernoulli({ logits, validate: false })), (logits) => tf.sigmoid(logits));
    case 'continuousBernoulli':
      return simple(
        inputDim,
        unitInterval,
        (logits) => independent(new ContinuousBernoulli({ logits, validate: false })),
        (logits) => new ContinuousBernoulli({ logits, validate: false }).mean(),
      );
    case 'poisson':
      return simple(inputDim, counts, (logRate) => independent(new Poisson({ logRate, validate: false })), (logRate) => tf.exp(logRate));
    case 'categorical': {
      const k = spec.categories;
      const labels = { description: `an integer label in [0, ${k - 1}]`, test: (v: number) => Number.isInteger(v) && v >= 0 && v < k };
      const logitsOf = (output: tf.Tensor): tf.Tensor => tf.reshape(output, [...output.shape.slice(0, -1), inputDim, k]);
      return simple(
        inputDim * k,
        labels,
        (output) => independent(new Categorical({ logits: logitsOf(output), validate: false })),
        (output) => tf.softmax(logitsOf(output)),
      );
    }
    case 'gaussian': {
      const { scale } = spec;
      if (scale === 'perExample') {
        const split = (output: tf.Tensor): [tf.Tensor, tf.Tensor] => tf.split(output, 2, -1) as [tf.Tensor, tf.Tensor];
        return simple(
          2 * inputDim,
          finite,
          (output) => {
            const [loc, logScale] = split(output);
            return independent(new Normal({ loc, scale: tf.exp(logScale), validate: false }));
          },
          (output) => split(output)[0],
        );
      }
      if (scale === 'learned') {
        const logScale = variableFrom(new Float32Array(inputDim), [inputDim]);
        return simple(
          inputDim,
          finite,
          (loc) => independent(new Normal({ loc, scale: tf.exp(logScale), validate: false })),
          (loc) => tf.clone(loc),
          { logScale },
        );
      }
      return simple(
        inputDim,
        finite,
        (loc) => independent(new Normal({ loc, scale, validate: false })),
        (loc) => tf.clone(loc),
      );
    }
  }
}
