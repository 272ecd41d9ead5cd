import { kernelsWasmBase64 } from './kernels-wasm.js';

/** The exports of kernels.wasm (assembly/index.ts); array arguments are byte offsets. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  release(ptr: number): void;
  fillUniform(out: number, n: number, k0: number, k1: number, counterLo: number, counterHi: number): void;
  fillNormal(out: number, n: number, k0: number, k1: number, counterLo: number, counterHi: number): void;
  fillBernoulli(out: number, n: number, probs: number, probsLength: number, k0: number, k1: number, lo: number, hi: number): number;
  fillPoisson(out: number, n: number, rates: number, ratesLength: number, k0: number, k1: number, lo: number, hi: number): number;
  klStandardNormal(mu: number, logvar: number, n: number, out: number): number;
  klStandardNormalGrad(
    mu: number, logvar: number, n: number, weight: number, gradKl: number,
    klOut: number, gradMu: number, gradLogvar: number,
  ): number;
  klDiagNormal(qMu: number, qLogvar: number, pMu: number, pLogvar: number, n: number, out: number): number;
  klDiagNormalGrad(
    qMu: number, qLogvar: number, pMu: number, pLogvar: number, n: number, weight: number, gradKl: number,
    klOut: number, gradQMu: number, gradQLogvar: number, gradPMu: number, gradPLogvar: number,
  ): number;
  reparameterize(mu: number, logvar: number, eps: number, n: number, z: number): number;
  reparameterizeBackward(logvar: number, eps: number, gradZ: number, n: number, gradLogvar: number): number;
  sampleWithKl(
    mu: number, logvar: number, pMu: number, pLogvar: number, n: number, z: number, klOut: number, epsOut: number,
    k0: number, k1: number, counterLo: number, counterHi: number,
  ): number;
  sampleWithKlBackward(
    mu: number, logvar: number, pMu: number, pLogvar: number, eps: number, gradZ: number, n: number,
    weight: number, gradKl: number, gradMu: number, gradLogvar: number, gradPMu: number, gradPLogvar: number,
  ): number;
  logSumExp(x: number, samples: number, n: number, out: number, weights: number): number;
  firstNonFinite(ptr: number, n: number): number;
  firstNaN(ptr: number, n: number): number;
  approxExp(input: number, out: number, n: number): void;
  approxExpHalf(input: number, out: number, n: number): void;
  approxLog(input: number, out: number, n: number): void;
  approxCosSinOfWords(words: number, cosOut: number, sinOut: number, n: number): void;
}

/** The instantiated module and float views over its memory, rebuilt when the memory grows. */
export class KernelModule {
  readonly exports: KernelExports;
  #views: { buffer: ArrayBuffer; f32: Float32Array } | undefined;

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as KernelExports;
  }

  /** A Float32Array over the whole memory; take it again after anything that allocates. */
  get heap(): Float32Array {
    const buffer = this.exports.memory.buffer;
    if (this.#views?.buffer !== buffer) this.#views = { buffer, f32: new Float32Array(buffer) };
    return this.#views.f32;
  }
}

const imports = {
  env: {
    abort(_message: number, _file: number, line: number, column: number): never {
      throw new Error(`@elbo/kernels: kernels.wasm aborted at ${line}:${column} (out of memory?)`);
    },
  },
};

let loaded: KernelModule | undefined;
let loading: Promise<KernelModule> | undefined;

function wasmBytes(): Uint8Array<ArrayBuffer> {
  const text = atob(kernelsWasmBase64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Compiles and instantiates kernels.wasm (asynchronously, so it works on a browser's
 * main thread too). `init({ kernels: assemblyScriptKernels() })` calls it; the
 * typed-array functions need it first in browsers, and load synchronously on first use
 * in Node and in workers otherwise.
 */
export async function loadKernels(): Promise<void> {
  if (loaded) return;
  loading ??= WebAssembly.instantiate(wasmBytes(), imports).then(({ instance }) => {
    loaded ??= new KernelModule(instance);
    return loaded;
  });
  await loading;
}

/** The loaded module, compiling it synchronously if needed (Node, workers). */
export function kernelModule(): KernelModule {
  if (loaded) return loaded;
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes()), imports);
  } catch (error) {
    throw new Error(
      `@elbo/kernels: kernels.wasm could not be compiled synchronously here (${(error as Error).message}); ` +
        'call `await loadKernels()` (or init({ kernels: assemblyScriptKernels() })) first',
    );
  }
  loaded = new KernelModule(instance);
  return loaded;
}
