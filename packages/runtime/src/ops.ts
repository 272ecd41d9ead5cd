import * as tf from '@tensorflow/tfjs';
import { formatShape, invalidArgument } from './errors.js';
import type { Generator } from './generator.js';
import { getGenerator, getKernels } from './init.js';
import type { DiagNormalParams, SampleWithKl } from './kernels.js';

/** Options of every random function: the generator to draw from (default: init()'s). */
export interface RandomOptions {
  readonly rng?: Generator;
}

/** Uniform draws in the open interval (0, 1), float32. */
export function randomUniform(shape: readonly number[], options: RandomOptions = {}): tf.Tensor {
  return getKernels().uniform(checkShape('randomUniform', shape), options.rng ?? getGenerator());
}

/** Standard normal draws, float32. */
export function randomNormal(shape: readonly number[], options: RandomOptions = {}): tf.Tensor {
  return getKernels().normal(checkShape('randomNormal', shape), options.rng ?? getGenerator());
}

/** Elementwise KL[N(mu, exp(logvar)) || N(0, 1)] through the active kernels. */
export function klStandardNormal(mu: tf.Tensor, logvar: tf.Tensor): tf.Tensor {
  checkPair('klStandardNormal', 'mu', mu, 'logvar', logvar);
  return getKernels().klStandardNormal(mu, logvar);
}

/** Elementwise KL[q || p] of diagonal Gaussians; q's and p's shapes broadcast. */
export function klDiagNormal(q: DiagNormalParams, p: DiagNormalParams): tf.Tensor {
  checkPair('klDiagNormal', 'q.mu', q?.mu, 'q.logvar', q?.logvar);
  checkPair('klDiagNormal', 'p.mu', p?.mu, 'p.logvar', p?.logvar);
  try {
    tf.broadcast_util.assertAndGetBroadcastShape(q.mu.shape, p.mu.shape);
  } catch {
    throw invalidArgument('klDiagNormal', 'the shapes of q and p', 'broadcastable', {
      raw: `${formatShape(q.mu.shape)} and ${formatShape(p.mu.shape)}`,
    });
  }
  return getKernels().klDiagNormal(q, p);
}

/** z = mu + exp(logvar / 2) * eps, differentiable in mu and logvar. */
export function reparameterize(mu: tf.Tensor, logvar: tf.Tensor, eps: tf.Tensor): tf.Tensor {
  checkPair('reparameterize', 'mu', mu, 'logvar', logvar);
  checkPair('reparameterize', 'mu', mu, 'eps', eps);
  return getKernels().reparameterize(mu, logvar, eps);
}

/** A reparameterised draw z ~ N(mu, exp(logvar)), differentiable in mu and logvar. */
export function sampleDiagNormal(mu: tf.Tensor, logvar: tf.Tensor, options: RandomOptions = {}): tf.Tensor {
  checkPair('sampleDiagNormal', 'mu', mu, 'logvar', logvar);
  return sampleOnly(mu, logvar, options.rng ?? getGenerator());
}

/** A reparameterised draw and its elementwise KL against N(0, I), fused where the kernels can. */
export function sampleWithKl(mu: tf.Tensor, logvar: tf.Tensor, options: RandomOptions = {}): SampleWithKl {
  checkPair('sampleWithKl', 'mu', mu, 'logvar', logvar);
  return getKernels().sampleWithKl(mu, logvar, options.rng ?? getGenerator());
}

function sampleOnly(mu: tf.Tensor, logvar: tf.Tensor, rng: Generator): tf.Tensor {
  const kernels = getKernels();
  const eps = kernels.normal(mu.shape, rng);
  try {
    return kernels.reparameterize(mu, logvar, eps);
  } finally {
    eps.dispose();
  }
}

function checkShape(where: string, shape: readonly number[]): readonly number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw invalidArgument(where, 'shape', 'an array of non-negative integers', shape);
  }
  return shape;
}

function checkPair(where: string, nameA: string, a: tf.Tensor, nameB: string, b: tf.Tensor): void {
  for (const [name, t] of [
    [nameA, a],
    [nameB, b],
  ] as const) {
    if (!(t instanceof tf.Tensor)) throw invalidArgument(where, name, 'a tf.Tensor', t);
    if (t.dtype !== 'float32') throw invalidArgument(where, name, 'float32', { raw: `dtype ${t.dtype}` });
    if (t.isDisposed) throw invalidArgument(where, name, 'a live tensor', { raw: 'a disposed tensor' });
  }
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw invalidArgument(where, `${nameB}'s shape`, `${nameA}'s shape ${formatShape(a.shape)}`, {
      raw: formatShape(b.shape),
    });
  }
}
