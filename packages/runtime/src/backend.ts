/** What a backend reports about itself after it has started. */
export interface BackendCapabilities {
  /** WebAssembly SIMD in use; `null` where the question does not apply (cpu, cuda). */
  readonly simd: boolean | null;
  /** Whether kernels run on several threads. */
  readonly threads: boolean;
  /** Threads in use (1 when single-threaded). */
  readonly threadCount: number;
  /** Short facts a user should know, e.g. why threads are off. */
  readonly notes: readonly string[];
}

/**
 * Wraps one tfjs backend. `setup()` registers and configures it (wasm paths, extra
 * kernels and gradients) and throws if it cannot run here, with a message that says
 * what to install or change; init() then switches tfjs to `tfjsBackend`.
 */
export interface BackendPlugin {
  /** Name shown in init()'s summary: `cpu`, `wasm`, `cuda`, `node`. */
  readonly name: string;
  /** The tfjs backend name passed to `tf.setBackend`. */
  readonly tfjsBackend: string;
  setup(): Promise<Partial<BackendCapabilities>>;
}

/** The plain JavaScript backend of tfjs: available everywhere, slowest. */
export function cpu(): BackendPlugin {
  return {
    name: 'cpu',
    tfjsBackend: 'cpu',
    setup: async () => ({ simd: null, threads: false, threadCount: 1, notes: [] }),
  };
}
