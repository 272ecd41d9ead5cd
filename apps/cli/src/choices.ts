// The allowed values of the enumerated options, kept apart from the commands so that
// parsing the command line (and --help) does not load tfjs.

export const MODELS = ['vae', 'seq-vae'] as const;
export type ModelKind = (typeof MODELS)[number];
export const LIKELIHOODS = ['auto', 'bernoulli', 'poisson', 'gaussian'] as const;
export const OBJECTIVES = ['elbo', 'iwae'] as const;
export const TRANSITIONS = ['gated', 'linear'] as const;
export const BACKENDS = ['auto', 'cpu', 'wasm', 'cuda'] as const;
export type BackendChoice = (typeof BACKENDS)[number];
export const KERNELS = ['tfjs', 'assemblyscript'] as const;
export type KernelsChoice = (typeof KERNELS)[number];
