import type { BackendPlugin } from '@elbo/runtime';
import { nativeBackend } from './native-plugin.js';

/**
 * TensorFlow's native CPU library through @tensorflow/tfjs-node (an optional peer
 * dependency, loaded when init() starts the plugin).
 */
export function node(): BackendPlugin {
  return nativeBackend({ name: 'node', packageName: '@tensorflow/tfjs-node', requiresGpu: false });
}
