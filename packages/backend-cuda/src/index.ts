export { cuda } from './cuda.js';
export { node } from './node.js';
export { CUDA_REQUIREMENT } from './native-plugin.js';
