export { SeqVAE } from './seq-vae.js';
export type {
  SeqVAEOptions,
  SeqVAEConfig,
  FitOptions,
  FitHistory,
  BatchProgress,
  EpochProgress,
  EvaluateOptions,
  EvaluateResult,
  InferOptions,
  InferResult,
  SampleResult,
} from './seq-vae.js';
export type { LikelihoodOptions, LikelihoodConfig, LikelihoodType } from './emission.js';
export type { TransitionOptions, TransitionConfig } from './transition.js';
export type { EncoderOptions, EncoderConfig } from './encoder.js';
export type { SequenceData, SequenceInput } from './sequence-data.js';
export { bitsPerSpike, poissonNll, logGamma } from './bits-per-spike.js';
export type { BitsPerSpikeOptions } from './bits-per-spike.js';
export { LinearGaussianSsm } from './linear-gaussian-ssm.js';
export type {
  LinearGaussianSsmParams,
  LinearGaussianSsmParamArrays,
  Sequence,
  FilterResult,
  SmoothResult,
  FitEmOptions,
  FitEmResult,
  SsmSample,
  MatrixInput,
} from './linear-gaussian-ssm.js';
export { fitAffineMap, applyAffineMap, rSquared, r2AfterAffineMap } from './affine-r2.js';
export type { AffineMap } from './affine-r2.js';
export { factorAnalysis, factorAnalysisTransform, factorAnalysisReconstruct } from './factor-analysis.js';
export type { FactorAnalysisModel, FactorAnalysisOptions } from './factor-analysis.js';
export { smoothCounts, fitPoissonRegression, predictPoissonRegression, coSmoothingBaseline } from './smoothing-baseline.js';
export type { PoissonRegression, CoSmoothingBaselineOptions } from './smoothing-baseline.js';
