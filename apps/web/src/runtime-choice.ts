// Starts elbo's runtime in the worker on the backend and kernels the user picked.
import { cpu, init } from '@elbo/runtime';
import type { BackendPlugin, KernelPlugin } from '@elbo/runtime';
import { wasm } from '@elbo/backend-wasm';
import { assemblyScriptKernels } from '@elbo/kernels';
import { tfjsKernels } from '@elbo/runtime';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendReport, RuntimeSettings } from './protocol';

/** tfjs's WebGL backend (bundled with @tensorflow/tfjs); in a worker it draws on an OffscreenCanvas. */
function webgl(): BackendPlugin {
  return {
    name: 'webgl',
    tfjsBackend: 'webgl',
    setup: async () => ({ simd: null, threads: false, threadCount: 1, notes: ['webgl: float32 textures on the GPU (software rendering without one)'] }),
  };
}

function backendPlugin(choice: RuntimeSettings['backend']): BackendPlugin {
  switch (choice) {
    case 'wasm':
      // Threads need SharedArrayBuffer, which only cross-origin-isolated pages (COOP + COEP) get.
      return wasm({
        threads: globalThis.crossOriginIsolated === true,
        wasmPaths: {
          'tfjs-backend-wasm.wasm': wasmPlain,
          'tfjs-backend-wasm-simd.wasm': wasmSimd,
          'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
        },
      });
    case 'webgl':
      return webgl();
    case 'cpu':
      return cpu();
  }
}

function kernelPlugin(choice: RuntimeSettings['kernels']): KernelPlugin {
  return choice === 'assemblyscript' ? assemblyScriptKernels() : tfjsKernels();
}

export async function startRuntime(settings: RuntimeSettings, seed: number): Promise<BackendReport> {
  const summary = await init({ backend: backendPlugin(settings.backend), kernels: kernelPlugin(settings.kernels), seed });
  return {
    backend: summary.backend,
    kernels: summary.kernels,
    simd: summary.simd,
    threads: summary.threads,
    threadCount: summary.threadCount,
    notes: summary.notes,
  };
}
