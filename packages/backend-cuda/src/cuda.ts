import type { BackendPlugin } from '@elbo/runtime';
import { nativeBackend } from './native-plugin.js';

/**
 * TensorFlow on an NVIDIA GPU through @tensorflow/tfjs-node-gpu (an optional peer
 * dependency, loaded when init() starts the plugin). init() fails with what to install
 * when the package is absent, and refuses TensorFlow's silent fallback to the CPU.
 */
export function cuda(): BackendPlugin {
  return nativeBackend({ name: 'cuda', packageName: '@tensorflow/tfjs-node-gpu', requiresGpu: true });
}
