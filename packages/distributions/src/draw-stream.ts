import type { Generator } from '@elbo/runtime';

const CHUNK = 1024;

/**
 * Uniform and normal draws one at a time, for rejection samplers written in
 * JavaScript. Draws come from the generator in fixed chunks, so a sampler's output
 * depends only on the generator's state and the parameters.
 */
export class DrawStream {
  readonly #rng: Generator;
  readonly #uniforms = new Float64Array(CHUNK);
  readonly #normals = new Float64Array(CHUNK);
  #u = CHUNK;
  #n = CHUNK;

  constructor(rng: Generator) {
    this.#rng = rng;
  }

  /** Uniform in the open interval (0, 1). */
  uniform(): number {
    if (this.#u === CHUNK) {
      this.#rng.fillUniform(this.#uniforms);
      this.#u = 0;
    }
    return this.#uniforms[this.#u++]!;
  }

  /** Standard normal. */
  normal(): number {
    if (this.#n === CHUNK) {
      this.#rng.fillNormal(this.#normals);
      this.#n = 0;
    }
    return this.#normals[this.#n++]!;
  }
}
