import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '@elbo/runtime';
import { Independent } from './independent.js';
import { kl } from './kl.js';
import { klPair } from './kl-pair.js';
import type { KlPair } from './kl-pair.js';

export function independentKlPairs(): KlPair[] {
  return [
    klPair(Independent, Independent, (p, q) => {
      if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) {
        throw invalidArgument('kl(Independent, Independent)', "q's reinterpretedBatchNdims", `p's (${p.reinterpretedBatchNdims})`, q.reinterpretedBatchNdims);
      }
      const n = p.reinterpretedBatchNdims;
      return tf.tidy(() => {
        const inner = kl(p.base, q.base);
        return n === 0 ? inner : tf.sum(inner, Array.from({ length: n }, (_, i) => inner.rank - n + i));
      });
    }),
  ];
}
