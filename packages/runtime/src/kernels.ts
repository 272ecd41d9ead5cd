import type { Tensor } from '@tensorflow/tfjs';
import type { Generator } from './generator.js';

/** A diagonal Gaussian N(mu, diag(exp(logvar))), as the kernels see it. */
export interface DiagNormalParams {
  readonly mu: Tensor;
  readonly logvar: Tensor;
}

/** A reparameterised draw and its elementwise KL against N(0, I). */
export interface SampleWithKl {
  readonly z: Tensor;
  readonly kl: Tensor;
}

/**
 * The small set of hot elementwise operations of variational training. A kernel plugin
 * implements all of them; `init({ kernels })` makes every elbo package use it.
 *
 * Callers (the public functions of this package) validate shapes and dtypes first, so
 * an implementation may assume float32 inputs with the shapes documented here. Every
 * method returns new tensors, keeps none of its intermediates, and must be
 * differentiable with respect to its tensor inputs (through tfjs autodiff,
 * `tf.customGrad` or registered gradients).
 */
export interface KernelPlugin {
  /** Short name shown in init()'s summary, e.g. `tfjs-ops` or `assemblyscript`. */
  readonly name: string;
  /** Loads whatever the plugin needs (a .wasm module, say); called once by init(). */
  setup?(): Promise<void>;
  /** Uniform draws in (0, 1) of the given shape, from `rng`. */
  uniform(shape: readonly number[], rng: Generator): Tensor;
  /** Standard normal draws of the given shape, from `rng`. */
  normal(shape: readonly number[], rng: Generator): Tensor;
  /** Elementwise KL[N(mu, exp(logvar)) || N(0, 1)]; `mu` and `logvar` have one shape. */
  klStandardNormal(mu: Tensor, logvar: Tensor): Tensor;
  /**
   * Elementwise KL[q || p] of two diagonal Gaussians. Within q and within p the two
   * tensors share a shape; q's and p's shapes broadcast against each other.
   */
  klDiagNormal(q: DiagNormalParams, p: DiagNormalParams): Tensor;
  /** z = mu + exp(logvar / 2) * eps; all three share one shape. */
  reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor): Tensor;
  /**
   * The VAE's hot path in one call: eps ~ N(0, I) from `rng`, z = mu + exp(logvar/2) * eps
   * and the elementwise KL against N(0, I). `z` must equal
   * `reparameterize(mu, logvar, normal(mu.shape, rng))` for the same generator state.
   */
  sampleWithKl(mu: Tensor, logvar: Tensor, rng: Generator): SampleWithKl;
}
