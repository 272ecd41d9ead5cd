import { philox4x32 } from './philox.js';
import { invalidArgument } from './errors.js';

/** Serialisable position of a {@link Generator}: its key and how many 128-bit blocks it has used. */
export interface GeneratorState {
  readonly key: readonly [number, number];
  readonly counter: number;
}

// Counter word 3 separates derived-key streams from data streams (data uses 0).
const SPLIT_DOMAIN = 0x73706c74; // 'splt'
const TWO_PI = 2 * Math.PI;
const MAX_COUNTER = 2 ** 53;

/** Maps a uint32 word to a float in the open interval (0, 1), exactly representable in float32. */
export function uint32ToUnitFloat(word: number): number {
  return ((word >>> 9) + 0.5) * 1.1920928955078125e-7; // 2^-23
}

/**
 * A seeded, counter-based random generator (Philox4x32-10).
 *
 * Each draw uses whole 128-bit blocks starting at the current counter, then advances
 * it, so the numbers depend only on (seed, counter, request sizes) and are the same in
 * every JavaScript engine, backend and kernel plugin. `split` and `fork` derive
 * independent streams without touching the data stream of other generators.
 */
export class Generator {
  readonly key: readonly [number, number];
  #counter: number;
  // One block of scratch, reused by every draw.
  readonly #block = new Uint32Array(4);

  constructor(state: GeneratorState) {
    const [k0, k1] = state.key;
    for (const [i, k] of [k0, k1].entries()) {
      if (!Number.isInteger(k) || k < 0 || k > 0xffffffff) {
        throw invalidArgument('Generator', `key[${i}]`, 'a uint32 integer', k);
      }
    }
    if (!Number.isInteger(state.counter) || state.counter < 0 || state.counter >= MAX_COUNTER) {
      throw invalidArgument('Generator', 'counter', 'an integer in [0, 2^53)', state.counter);
    }
    this.key = [k0, k1];
    this.#counter = state.counter;
  }

  /** A generator for `seed`, a non-negative integer below 2^64 (number or bigint). */
  static fromSeed(seed: number | bigint): Generator {
    let big: bigint;
    if (typeof seed === 'bigint') {
      big = seed;
    } else {
      if (!Number.isSafeInteger(seed)) {
        throw invalidArgument('Generator.fromSeed', 'seed', 'a non-negative safe integer or a bigint', seed);
      }
      big = BigInt(seed);
    }
    if (big < 0n || big >= 1n << 64n) {
      throw invalidArgument('Generator.fromSeed', 'seed', 'in [0, 2^64)', seed);
    }
    return new Generator({ key: [Number(big & 0xffffffffn), Number(big >> 32n)], counter: 0 });
  }

  /** A generator seeded from the platform's cryptographic source (non-reproducible). */
  static fromEntropy(): Generator {
    const words = new Uint32Array(2);
    globalThis.crypto.getRandomValues(words);
    return new Generator({ key: [words[0]!, words[1]!], counter: 0 });
  }

  /** How many 128-bit blocks this generator has used. */
  get counter(): number {
    return this.#counter;
  }

  /** The current position, to save and later resume with `new Generator(state)`. */
  getState(): GeneratorState {
    return { key: [this.key[0], this.key[1]], counter: this.#counter };
  }

  /** An independent copy at the same position. */
  clone(): Generator {
    return new Generator(this.getState());
  }

  /**
   * `n` generators with keys derived from this one's key; this generator does not
   * advance, so `g.split(3)` gives the same three streams every time.
   */
  split(n: number): Generator[] {
    if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) {
      throw invalidArgument('Generator.split', 'n', 'a positive integer', n);
    }
    const out: Generator[] = [];
    for (let i = 0; i < n; i++) {
      philox4x32(i, 0, 0, SPLIT_DOMAIN, this.key[0], this.key[1], this.#block);
      out.push(new Generator({ key: [this.#block[0]!, this.#block[1]!], counter: 0 }));
    }
    return out;
  }

  /** A new independent generator; advances this one by one block so each fork differs. */
  fork(): Generator {
    const block = this.#nextBlock();
    return new Generator({ key: [block[0]!, block[1]!], counter: 0 });
  }

  /**
   * Advances the counter by `blocks` and returns the counter it had: the blocks
   * `[returned, returned + blocks)` now belong to the caller, for kernels (the
   * AssemblyScript plugin, say) that compute them from `key` and the counter themselves.
   * The stream then continues exactly as if this generator had drawn them.
   */
  reserveBlocks(blocks: number): number {
    if (!Number.isInteger(blocks) || blocks < 0) {
      throw invalidArgument('Generator.reserveBlocks', 'blocks', 'a non-negative integer', blocks);
    }
    const start = this.#counter;
    if (start + blocks >= MAX_COUNTER) throw new RangeError('Generator: stream exhausted (2^53 blocks used)');
    this.#counter = start + blocks;
    return start;
  }

  /** Fills `out` with uint32 words: whole blocks, the unused tail of the last block is dropped. */
  fillUint32(out: Uint32Array): Uint32Array {
    const n = out.length;
    let i = 0;
    for (; i + 4 <= n; i += 4) this.#blockInto(out, i);
    if (i < n) {
      const block = this.#nextBlock();
      for (let j = 0; i < n; i++, j++) out[i] = block[j]!;
    }
    return out;
  }

  /** Fills `out` with uniform draws in the open interval (0, 1). */
  fillUniform<T extends Float32Array | Float64Array>(out: T): T {
    const n = out.length;
    for (let i = 0; i < n; i += 4) {
      const block = this.#nextBlock();
      const m = Math.min(4, n - i);
      for (let j = 0; j < m; j++) out[i + j] = uint32ToUnitFloat(block[j]!);
    }
    return out;
  }

  /**
   * Fills `out` with standard normal draws by the Box-Muller transform: words 2j and
   * 2j+1 of the stream give draws 2j (cosine) and 2j+1 (sine).
   */
  fillNormal<T extends Float32Array | Float64Array>(out: T): T {
    const n = out.length;
    for (let i = 0; i < n; i += 4) {
      const block = this.#nextBlock();
      const m = Math.min(4, n - i);
      for (let j = 0; j < m; j += 2) {
        const radius = Math.sqrt(-2 * Math.log(uint32ToUnitFloat(block[j]!)));
        const angle = TWO_PI * uint32ToUnitFloat(block[j + 1]!);
        out[i + j] = radius * Math.cos(angle);
        if (j + 1 < m) out[i + j + 1] = radius * Math.sin(angle);
      }
    }
    return out;
  }

  /** A new Float32Array of `n` uniform draws in (0, 1). */
  uniformArray(n: number): Float32Array {
    return this.fillUniform(new Float32Array(checkLength('Generator.uniformArray', n)));
  }

  /** A new Float32Array of `n` standard normal draws. */
  normalArray(n: number): Float32Array {
    return this.fillNormal(new Float32Array(checkLength('Generator.normalArray', n)));
  }

  #blockInto(out: Uint32Array, offset: number): void {
    const c = this.#advance();
    philox4x32(c % 0x100000000, Math.floor(c / 0x100000000), 0, 0, this.key[0], this.key[1], out, offset);
  }

  #nextBlock(): Uint32Array {
    this.#blockInto(this.#block, 0);
    return this.#block;
  }

  #advance(): number {
    const c = this.#counter;
    if (c + 1 >= MAX_COUNTER) throw new RangeError('Generator: stream exhausted (2^53 blocks used)');
    this.#counter = c + 1;
    return c;
  }
}

function checkLength(where: string, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw invalidArgument(where, 'n', 'a non-negative integer', n);
  return n;
}
