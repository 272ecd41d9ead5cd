import type { Tensor } from '@tensorflow/tfjs';
import type { Distribution, DistributionClass } from './distribution.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KlFunction = (p: any, q: any) => Tensor;

/** One registry entry: KL[p || q] for instances of `p` and `q`. */
export interface KlPair {
  readonly p: DistributionClass;
  readonly q: DistributionClass;
  readonly fn: KlFunction;
}

/** A typed entry; the function sees the concrete classes. */
export function klPair<P extends Distribution, Q extends Distribution>(
  p: DistributionClass<P>,
  q: DistributionClass<Q>,
  fn: (p: P, q: Q) => Tensor,
): KlPair {
  return { p, q, fn: fn as KlFunction };
}
