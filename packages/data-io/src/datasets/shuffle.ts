import type { Generator } from '@elbo/runtime';

/** Shuffles `values` in place (Fisher-Yates) with 32-bit words from `rng`. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(values: T, rng: Generator): T {
  const n = values.length;
  if (n < 2) return values;
  const words = rng.fillUint32(new Uint32Array(n - 1));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor((words[n - 1 - i]! / 4294967296) * (i + 1));
    const t = values[i]!;
    values[i] = values[j]!;
    values[j] = t;
  }
  return values;
}
