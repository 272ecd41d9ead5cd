import * as tf from '@tensorflow/tfjs';
import { formatShape, invalidArgument } from '@elbo/runtime';

/** Kernels of the MMD: radial basis function or inverse multiquadric. */
export type MmdKernel = 'rbf' | 'imq';

export interface MmdOptions {
  /** Samples of the first distribution, [N, D] (e.g. z from the aggregate posterior). */
  readonly x: tf.Tensor;
  /** Samples of the second distribution, [M, D] (e.g. z from the prior). */
  readonly y: tf.Tensor;
  /**
   * 'rbf': k(a, b) = exp(-|a - b|^2 / c) (InfoVAE, Zhao et al. 2019);
   * 'imq': k(a, b) = c / (c + |a - b|^2) (WAE, Tolstikhin et al. 2018). Default 'rbf'.
   */
  readonly kernel?: MmdKernel;
  /** c, in units of squared distance; default 2 D (WAE's choice for a unit-variance prior). */
  readonly scale?: number;
  /** 'unbiased' (U-statistic, drops i = j terms; may be negative) or 'biased' (V-statistic). Default 'unbiased'. */
  readonly estimator?: 'unbiased' | 'biased';
}

/**
 * Squared maximum mean discrepancy MMD^2 between the distributions of `x` and `y`
 * (Gretton et al. 2012), a scalar tensor, differentiable in both sample sets. The
 * InfoVAE / MMD-VAE uses it in place of (or next to) the KL, to match the aggregate
 * posterior q(z) to the prior p(z).
 */
export function mmd(options: MmdOptions): tf.Tensor {
  const where = 'mmd';
  const { x, y } = options ?? ({} as MmdOptions);
  for (const [name, t] of [
    ['x', x],
    ['y', y],
  ] as const) {
    if (!(t instanceof tf.Tensor) || t.isDisposed || t.rank !== 2) {
      throw invalidArgument(where, name, 'a live rank-2 tensor [samples, dims]', t);
    }
  }
  if (x.shape[1] !== y.shape[1]) {
    throw invalidArgument(where, 'the shapes of x and y', 'equal in the last dimension', {
      raw: `${formatShape(x.shape)} and ${formatShape(y.shape)}`,
    });
  }
  const kernel = options.kernel ?? 'rbf';
  if (kernel !== 'rbf' && kernel !== 'imq') throw invalidArgument(where, 'kernel', "'rbf' or 'imq'", kernel);
  const scale = options.scale ?? 2 * x.shape[1]!;
  if (!(typeof scale === 'number' && scale > 0 && Number.isFinite(scale))) {
    throw invalidArgument(where, 'scale', 'a finite number > 0', scale);
  }
  const estimator = options.estimator ?? 'unbiased';
  if (estimator !== 'unbiased' && estimator !== 'biased') {
    throw invalidArgument(where, 'estimator', "'unbiased' or 'biased'", estimator);
  }
  const n = x.shape[0]!;
  const m = y.shape[0]!;
  const minimum = estimator === 'unbiased' ? 2 : 1;
  if (n < minimum || m < minimum) {
    throw invalidArgument(where, 'the number of samples in x and y', `at least ${minimum} each (${estimator})`, {
      raw: `${n} and ${m}`,
    });
  }
  return tf.tidy(() => {
    const kxx = kernelMatrix(x, x, kernel, scale);
    const kyy = kernelMatrix(y, y, kernel, scale);
    const kxy = kernelMatrix(x, y, kernel, scale);
    if (estimator === 'biased') {
      return tf.sub(tf.add(tf.mean(kxx), tf.mean(kyy)), tf.mul(tf.mean(kxy), 2));
    }
    // Both kernels give k(a, a) = 1, so the diagonal contributes exactly n (and m).
    const within = (k: tf.Tensor, count: number): tf.Tensor => tf.div(tf.sub(tf.sum(k), count), count * (count - 1));
    return tf.sub(tf.add(within(kxx, n), within(kyy, m)), tf.mul(tf.mean(kxy), 2));
  });
}

/** The [N, M] kernel matrix k(a_i, b_j). */
export function kernelMatrix(a: tf.Tensor, b: tf.Tensor, kernel: MmdKernel, scale: number): tf.Tensor {
  return tf.tidy(() => {
    const distances = squaredDistances(a, b);
    return kernel === 'rbf' ? tf.exp(tf.div(distances, -scale)) : tf.div(scale, tf.add(distances, scale));
  });
}

function squaredDistances(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  // |a|^2 + |b|^2 - 2 a.b can come out slightly negative in float32: those are zeros.
  const aa = tf.sum(tf.square(a), 1, true);
  const bb = tf.transpose(tf.sum(tf.square(b), 1, true));
  return tf.relu(tf.sub(tf.add(aa, bb), tf.mul(tf.matMul(a, b, false, true), 2)));
}
