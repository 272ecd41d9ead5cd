import type { Generator } from '@elbo/runtime';
import { invalidArgument } from '@elbo/runtime';

/**
 * Weight initialisation schemes, drawn from the seeded generator (tfjs's initializers
 * use unseeded randomness):
 * - `glorotUniform` / `glorotNormal`: variance 2 / (fanIn + fanOut) (Glorot & Bengio 2010);
 * - `heUniform` / `heNormal`: variance 2 / fanIn, for ReLU layers (He et al. 2015);
 * - `lecunNormal`: variance 1 / fanIn (for SELU);
 * - `pytorch`: torch.nn.Linear's default, weights and biases U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
 * Biases are zero except under `pytorch`.
 */
export const INITIALIZERS = ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'lecunNormal', 'pytorch'] as const;
export type Initializer = (typeof INITIALIZERS)[number];

export function isInitializer(name: unknown): name is Initializer {
  return typeof name === 'string' && (INITIALIZERS as readonly string[]).includes(name);
}

/** Weights of a dense layer [fanIn, fanOut] (row-major) and its bias [fanOut]. */
export function initDense(
  scheme: Initializer,
  fanIn: number,
  fanOut: number,
  rng: Generator,
): { kernel: Float32Array; bias: Float32Array } {
  if (!isInitializer(scheme)) throw invalidArgument('initDense', 'scheme', `one of ${INITIALIZERS.join(', ')}`, scheme);
  const size = fanIn * fanOut;
  const bias = new Float32Array(fanOut);
  switch (scheme) {
    case 'glorotUniform':
      return { kernel: uniform(size, Math.sqrt(6 / (fanIn + fanOut)), rng), bias };
    case 'glorotNormal':
      return { kernel: normal(size, Math.sqrt(2 / (fanIn + fanOut)), rng), bias };
    case 'heUniform':
      return { kernel: uniform(size, Math.sqrt(6 / fanIn), rng), bias };
    case 'heNormal':
      return { kernel: normal(size, Math.sqrt(2 / fanIn), rng), bias };
    case 'lecunNormal':
      return { kernel: normal(size, Math.sqrt(1 / fanIn), rng), bias };
    case 'pytorch': {
      const bound = 1 / Math.sqrt(fanIn);
      return { kernel: uniform(size, bound, rng), bias: uniform(fanOut, bound, rng) };
    }
  }
}

/** U(-bound, bound) draws. */
function uniform(n: number, bound: number, rng: Generator): Float32Array {
  const out = rng.uniformArray(n);
  for (let i = 0; i < n; i++) out[i] = (2 * out[i]! - 1) * bound;
  return out;
}

/** N(0, std^2) draws. */
function normal(n: number, std: number, rng: Generator): Float32Array {
  const out = rng.normalArray(n);
  for (let i = 0; i < n; i++) out[i] = out[i]! * std;
  return out;
}
