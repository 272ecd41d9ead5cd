export { init, getKernels, getGenerator, runtimeSummary } from './init.js';
export type { InitOptions, RuntimeSummary } from './init.js';
export { cpu } from './backend.js';
export type { BackendPlugin, BackendCapabilities } from './backend.js';
export type { KernelPlugin, DiagNormalParams, SampleWithKl } from './kernels.js';
export { tfjsKernels } from './tfjs-kernels.js';
export { Generator, uint32ToUnitFloat } from './generator.js';
export type { GeneratorState } from './generator.js';
export { philox4x32 } from './philox.js';
export {
  randomUniform,
  randomNormal,
  klStandardNormal,
  klDiagNormal,
  reparameterize,
  sampleDiagNormal,
  sampleWithKl,
} from './ops.js';
export type { RandomOptions } from './ops.js';
export { describeValue, invalidArgument, formatShape } from './errors.js';
export * as testing from './testing.js';
export { stopGradient, untaped } from './stop-gradient.js';
