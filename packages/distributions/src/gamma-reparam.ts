import * as tf from '@tensorflow/tfjs';
import type { Generator } from '@elbo/runtime';
import { DrawStream } from './draw-stream.js';
import { sampleLogStandardGamma } from './gamma-sampler.js';
import { regularizedGammaP } from './incomplete-gamma.js';
import { lgammaScalar } from './special-scalar.js';

/**
 * dz/dalpha of a Gamma(alpha, 1) draw z by implicit differentiation of its CDF:
 * -(dP(alpha, z)/dalpha) / p(z; alpha), with the alpha-derivative of the regularised
 * incomplete gamma taken by a central difference in float64 (relative step 1e-4, so
 * the float32 result is exact to rounding).
 */
export function standardGammaAlphaGradient(alpha: number, z: number): number {
  if (!(z > 0) || !Number.isFinite(z)) return 0;
  const h = 1e-4 * alpha;
  const dP = (regularizedGammaP(alpha + h, z) - regularizedGammaP(alpha - h, z)) / (2 * h);
  const logDensity = (alpha - 1) * Math.log(z) - z - lgammaScalar(alpha);
  return -dP / Math.exp(logDensity);
}

/**
 * log of Gamma(alpha, 1) draws of alpha's shape from the seeded generator,
 * differentiable in alpha by implicit reparameterisation. Log space keeps draws for
 * small alpha (which underflow float32) usable by Beta and Dirichlet, which normalise
 * them. `alpha` must already have the output shape.
 */
export function logStandardGammaRsample(alpha: tf.Tensor, rng: Generator): tf.Tensor {
  const op = tf.customGrad((...inputs) => {
    const a = inputs[0] as tf.Tensor;
    const alphas = a.dataSync();
    const stream = new DrawStream(rng);
    const logDraws = new Float64Array(alphas.length);
    for (let i = 0; i < logDraws.length; i++) logDraws[i] = sampleLogStandardGamma(alphas[i]!, stream);
    return {
      value: tf.tensor(Float32Array.from(logDraws), a.shape, 'float32'),
      gradFunc: (dy: tf.Tensor) => {
        // d log z / d alpha = (dz / d alpha) / z
        const grads = new Float32Array(logDraws.length);
        for (let i = 0; i < grads.length; i++) {
          const z = Math.exp(logDraws[i]!);
          grads[i] = standardGammaAlphaGradient(alphas[i]!, z) / z;
        }
        return tf.mul(dy, tf.tensor(grads, a.shape, 'float32'));
      },
    };
  });
  return op(alpha);
}
