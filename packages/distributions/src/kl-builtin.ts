import { continuousKlPairs } from './kl-continuous.js';
import { discreteKlPairs } from './kl-discrete.js';
import { gaussianKlPairs } from './kl-gaussian.js';
import { independentKlPairs } from './kl-independent.js';
import { infiniteKlPairs } from './kl-infinite.js';
import { multivariateNormalKlPairs } from './kl-multivariate-normal.js';
import type { KlPair } from './kl-pair.js';

/** Every analytic pair the package ships, registered on first use of `kl`. */
export function builtinKlPairs(): KlPair[] {
  return [
    ...gaussianKlPairs(),
    ...multivariateNormalKlPairs(),
    ...discreteKlPairs(),
    ...continuousKlPairs(),
    ...independentKlPairs(),
    ...infiniteKlPairs(),
  ];
}
