import { discreteKlPairs } from './kl-discrete.js';
import { gaussianKlPairs } from './kl-gaussian.js';
import { independentKlPairs } from './kl-independent.js';
import type { KlPair } from './kl-pair.js';

/** Every analytic pair the package ships, registered on first use of `kl`. */
export function builtinKlPairs(): KlPair[] {
  return [...gaussianKlPairs(), ...discreteKlPairs(), ...independentKlPairs()];
}
