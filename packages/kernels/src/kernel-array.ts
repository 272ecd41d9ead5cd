import { invalidArgument } from '@elbo/runtime';
import { kernelModule } from './module.js';

// Frees the memory of arrays that were dropped without free().
const finalizer = new FinalizationRegistry<number>((ptr) => kernelModule().exports.release(ptr));

/**
 * A float32 array that lives in the kernels' WebAssembly memory, so the typed-array
 * functions use it in place (no copies): the fast path for hot loops. `array` is a
 * Float32Array view; take it again after any allocation, since growing the memory
 * detaches old views.
 */
export class KernelArray {
  readonly length: number;
  #ptr: number;

  constructor(length: number) {
    if (!Number.isInteger(length) || length < 0) {
      throw invalidArgument('KernelArray', 'length', 'a non-negative integer', length);
    }
    this.length = length;
    // At least one vector, so a pointer is never 0 (0 means "absent" to the kernels).
    this.#ptr = kernelModule().exports.alloc(Math.max(16, length * 4));
    finalizer.register(this, this.#ptr, this);
  }

  /** A new KernelArray holding a copy of `values`. */
  static from(values: ArrayLike<number>): KernelArray {
    const out = new KernelArray(values.length);
    out.array.set(values);
    return out;
  }

  /** Byte offset in the module memory. */
  get ptr(): number {
    if (this.#ptr === 0) throw new Error('@elbo/kernels: this KernelArray was freed');
    return this.#ptr;
  }

  get freed(): boolean {
    return this.#ptr === 0;
  }

  /** A Float32Array view of the data (valid until the module memory next grows). */
  get array(): Float32Array {
    return kernelModule().heap.subarray(this.ptr >>> 2, (this.ptr >>> 2) + this.length);
  }

  /** Returns the memory to the module; the array cannot be used afterwards. */
  free(): void {
    if (this.#ptr === 0) return;
    finalizer.unregister(this);
    kernelModule().exports.release(this.#ptr);
    this.#ptr = 0;
  }
}
