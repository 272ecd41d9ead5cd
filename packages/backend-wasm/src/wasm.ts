import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '@elbo/runtime';
import type { BackendCapabilities, BackendPlugin } from '@elbo/runtime';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { SIMD_UNARY_KERNELS, registerSimdUnaryKernels } from './kernels/elementwise.js';
import { FAST_KERNELS, registerFastKernels } from './kernels/register.js';
import { checkWasmPaths, findWasmFolderInNode } from './wasm-files.js';
import type { WasmPaths } from './wasm-files.js';

export interface WasmOptions {
  /**
   * WebAssembly threads: `false` (or 1) runs on one thread; a number asks for that
   * many; `true` or omitted uses them where the platform allows. They exist only in
   * browsers on cross-origin-isolated pages (COOP/COEP headers); tfjs-backend-wasm
   * 4.22 switches them off in Node.
   */
  readonly threads?: boolean | number;
  /**
   * Where the .wasm files are served: a folder URL ending in `/`, or one URL per file
   * (e.g. from Vite `?url` imports). Omitted: found automatically in Node; in a
   * browser tfjs looks next to the page.
   */
  readonly wasmPaths?: WasmPaths;
}

const OPTION_KEYS = new Set(['threads', 'wasmPaths']);
const NODE_THREADS_NOTE =
  'threads off: tfjs-backend-wasm 4.22 disables WebAssembly threads in Node (tensorflow/tfjs#3830), so kernels run on one thread';

/**
 * The tfjs WebAssembly backend (XNNPACK, SIMD where supported), with elbo's faster
 * kernels for training. `init({ backend: wasm() })` in Node or a browser.
 */
export function wasm(options: WasmOptions = {}): BackendPlugin {
  checkOptions(options);
  return {
    name: 'wasm',
    tfjsBackend: 'wasm',
    setup: () => setupWasm(options),
  };
}

async function setupWasm(options: WasmOptions): Promise<Partial<BackendCapabilities>> {
  const backendModule = await import('@tensorflow/tfjs-backend-wasm');
  registerFastKernels();
  const notes: string[] = [];
  const isNode = tf.env().getBool('IS_NODE');
  const alreadyStarted = tf.engine().registry['wasm'] !== undefined;

  if (alreadyStarted) {
    if (options.threads !== undefined || options.wasmPaths !== undefined) {
      notes.push('the wasm backend had already started in this process: its threads and wasmPaths settings stay as they were');
    }
  } else {
    const threadCount = typeof options.threads === 'number' ? options.threads : undefined;
    if (options.threads === false || threadCount === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    else if (threadCount !== undefined) backendModule.setThreadsCount(threadCount);
    const paths = options.wasmPaths ?? (isNode ? await findWasmFolderInNode() : undefined);
    if (paths !== undefined) backendModule.setWasmPaths(paths);
    // Start it here rather than in init()'s setBackend, to report what failed and
    // how many threads it really got, without switching the active backend yet.
    // (initializeBackend is private in tfjs's typings; tfjs 4.22 is frozen.)
    const engine = tf.engine() as unknown as { initializeBackend(name: string): { success: boolean | Promise<boolean> } };
    const { success } = engine.initializeBackend('wasm');
    if (!(await success)) {
      const where = typeof paths === 'string' ? ` from ${paths}` : paths ? ' from the given wasmPaths' : ' next to the page (pass wasm({ wasmPaths }))';
      throw new Error(`@elbo/backend-wasm: tfjs-backend-wasm could not load its .wasm file${where}`);
    }
  }

  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threadsAvailable = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const threadCount = threadsAvailable ? Math.max(1, backendModule.getThreadsCount()) : 1;
  if (!simd) notes.push('WebAssembly SIMD unavailable: the plain build runs, several times slower');
  if (isNode) notes.push(NODE_THREADS_NOTE);
  else if (!threadsAvailable && options.threads !== false && options.threads !== 1) {
    notes.push('threads off: they need a cross-origin-isolated page (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)');
  }
  notes.push(`elbo fast paths for the wasm kernels ${FAST_KERNELS.join(', ')}`);
  const simdUnavailable = await registerSimdUnaryKernels(tf.engine().registry['wasm'] as BackendWasm);
  const simdKernels = Object.keys(SIMD_UNARY_KERNELS).join(', ');
  notes.push(simdUnavailable === undefined ? `elbo SIMD kernels for ${simdKernels}, Sum over leading axes, BatchMatMul (a GEMM) and a fused Adam update` : `elbo SIMD kernels for ${simdKernels} off: ${simdUnavailable}`);
  return { simd: Boolean(simd), threads: threadCount > 1, threadCount, notes };
}

function checkOptions(options: WasmOptions): void {
  if (typeof options !== 'object' || options === null) throw invalidArgument('wasm', 'options', 'an object', options);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw invalidArgument('wasm', `option '${key}'`, `one of ${[...OPTION_KEYS].join(', ')}`, { raw: 'an unknown option' });
    }
  }
  const { threads } = options;
  if (threads !== undefined && typeof threads !== 'boolean' && !(Number.isInteger(threads) && threads >= 1)) {
    throw invalidArgument('wasm', 'threads', 'a boolean or a positive integer', threads);
  }
  if (options.wasmPaths !== undefined) checkWasmPaths(options.wasmPaths);
}
