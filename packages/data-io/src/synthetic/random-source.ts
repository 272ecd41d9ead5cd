import { Generator, getGenerator, invalidArgument } from '@elbo/runtime';

/** How a generator function gets its randomness: a seed, an explicit generator, or the default one. */
export interface SeedOrRng {
  /** Seed for a fresh generator (takes precedence over `rng`). */
  seed?: number | bigint;
  /** Generator to draw from; defaults to the one `init({ seed })` made. */
  rng?: Generator;
}

export function resolveRng(where: string, options: SeedOrRng): Generator {
  if (options.seed !== undefined) return Generator.fromSeed(options.seed);
  if (options.rng !== undefined) {
    if (!(options.rng instanceof Generator)) throw invalidArgument(where, 'rng', 'a Generator from @elbo/runtime', options.rng);
    return options.rng;
  }
  return getGenerator();
}

const CHUNK = 1024;

/**
 * Uniform draws in (0, 1) taken from a Generator in chunks, for samplers that need a
 * variable number of uniforms per draw (rejection samplers). The sequence depends
 * only on the generator's position, so results are reproducible from a seed.
 */
export class UniformStream {
  readonly #rng: Generator;
  readonly #buffer = new Float64Array(CHUNK);
  #next = CHUNK;

  constructor(rng: Generator) {
    this.#rng = rng;
  }

  uniform(): number {
    if (this.#next === CHUNK) {
      this.#rng.fillUniform(this.#buffer);
      this.#next = 0;
    }
    return this.#buffer[this.#next++]!;
  }
}
