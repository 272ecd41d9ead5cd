import { fastBatchMatMul } from './batch-mat-mul.js';
import { fastFusedMatMul } from './fused-mat-mul.js';
import { blockGather } from './gather.js';
import { sharedIdentity, fastCast } from './identity.js';
import { replaceWasmKernel } from './wasm-backend.js';

/** Kernel names whose wasm implementation this package replaces, for init()'s notes. */
export const FAST_KERNELS = ['BatchMatMul', '_FusedMatMul', 'Identity', 'Cast', 'GatherV2'] as const;

/**
 * Replaces the slow wasm kernels found by profiling a VAE training step
 * (scripts/profile-vae-step.ts) with wrappers that keep their results.
 * Must run after @tensorflow/tfjs-backend-wasm registered its kernels.
 */
export function registerFastKernels(): void {
  replaceWasmKernel('BatchMatMul', fastBatchMatMul);
  replaceWasmKernel('_FusedMatMul', fastFusedMatMul);
  replaceWasmKernel('Identity', sharedIdentity);
  replaceWasmKernel('Cast', fastCast);
  replaceWasmKernel('GatherV2', blockGather);
}
