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

/** Checks an option is an integer in [min, max]. */
export function checkInteger(where: string, name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw invalidArgument(where, name, `an integer ${range}`, value);
  }
  return value;
}

/** Checks an option is a finite number greater than `above` (strictly). */
export function checkPositive(where: string, name: string, value: unknown, above = 0): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= above) {
    throw invalidArgument(where, name, `a finite number > ${above}`, value);
  }
  return value;
}

/** A `[low, high]` range or a single number (low = high), both positive and finite. */
export function checkRange(where: string, name: string, value: unknown): [number, number] {
  if (typeof value === 'number') {
    checkPositive(where, name, value);
    return [value, value];
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0) &&
    (value[0] as number) <= (value[1] as number)
  ) {
    return [value[0] as number, value[1] as number];
  }
  throw invalidArgument(where, name, 'a positive number or a [low, high] range with 0 < low <= high', value);
}
