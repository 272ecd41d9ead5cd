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
} from './linear-gaussian-ssm.js';
