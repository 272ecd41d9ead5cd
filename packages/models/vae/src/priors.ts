import * as tf from '@tensorflow/tfjs';
import { MultivariateNormalDiag } from '@elbo/distributions';
import type { Distribution } from '@elbo/distributions';
import { describeValue, invalidArgument } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { variableFrom } from './mlp.js';
import { MixtureOfDiagonalGaussians } from './mixture-prior.js';

/**
 * The prior p(z):
 * - `'standardNormal'`: N(0, I); its KL against the Gaussian posterior is analytic;
 * - `{ type: 'mixture', components: K }`: a learnable mixture of K diagonal Gaussians
 *   (means drawn from N(0, I), unit scales, equal weights at the start), trained with
 *   the rest of the model; its KL is estimated by Monte Carlo.
 */
export type PriorSpec = 'standardNormal' | 'mixture' | { readonly type: 'standardNormal' } | { readonly type: 'mixture'; readonly components?: number };

export type ResolvedPrior = { readonly type: 'standardNormal' } | { readonly type: 'mixture'; readonly components: number };

/** The prior as the model holds it. */
export interface PriorModule {
  readonly spec: ResolvedPrior;
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /** p(z) with batch [] and event [latentDim]; its tensors belong to the caller's tidy. */
  distribution(): Distribution;
  dispose(): void;
}

export function resolvePrior(spec: PriorSpec | undefined, where: string): ResolvedPrior {
  const value = spec ?? 'standardNormal';
  const type = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? value.type : undefined;
  if (type === 'standardNormal') return { type };
  if (type === 'mixture') {
    const components = typeof value === 'object' && 'components' in value ? (value.components ?? 10) : 10;
    if (!Number.isInteger(components) || components < 1) {
      throw invalidArgument(where, 'prior.components', 'a positive integer', components);
    }
    return { type, components };
  }
  throw invalidArgument(where, 'prior', "'standardNormal' or { type: 'mixture', components: K }", typeof value === 'object' ? { raw: describeValue(type) } : value);
}

export function priorModule(spec: ResolvedPrior, latentDim: number, rng: Generator): PriorModule {
  if (spec.type === 'standardNormal') {
    // Made once (kept, in case the model is built inside a tidy) rather than at every step.
    const loc = tf.keep(tf.zeros([latentDim]));
    const scaleDiag = tf.keep(tf.ones([latentDim]));
    return {
      spec,
      variables: {},
      distribution: () => new MultivariateNormalDiag({ loc, scaleDiag, validate: false }),
      dispose: () => tf.dispose([loc, scaleDiag]),
    };
  }
  const k = spec.components;
  const variables = {
    logits: variableFrom(new Float32Array(k), [k]),
    means: variableFrom(rng.normalArray(k * latentDim), [k, latentDim]),
    logScales: variableFrom(new Float32Array(k * latentDim), [k, latentDim]),
  };
  return {
    spec,
    variables,
    distribution: () => new MixtureOfDiagonalGaussians(variables),
    dispose: () => Object.values(variables).forEach((v) => v.dispose()),
  };
}
