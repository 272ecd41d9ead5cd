export { wasm } from './wasm.js';
export type { WasmOptions } from './wasm.js';
export { WASM_FILE_NAMES } from './wasm-files.js';
export type { WasmFileName, WasmPaths } from './wasm-files.js';
export { registerFastKernels, FAST_KERNELS } from './kernels/register.js';
