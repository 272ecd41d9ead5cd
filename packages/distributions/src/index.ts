export { Distribution } from './distribution.js';
export type { DistributionClass, DistributionOptions, SampleOptions } from './distribution.js';
export type { ParamInput } from './params.js';
export { RsampleNotAvailableError, KlNotRegisteredError, NotDefinedError } from './errors.js';
export type { Constraint, Violation } from './constraints.js';

export { Normal } from './normal.js';
export type { NormalOptions } from './normal.js';
export { MultivariateNormalDiag } from './multivariate-normal-diag.js';
export type { MultivariateNormalDiagOptions } from './multivariate-normal-diag.js';
export { Independent } from './independent.js';
export { Bernoulli } from './bernoulli.js';
export type { BernoulliOptions } from './bernoulli.js';
export { ContinuousBernoulli } from './continuous-bernoulli.js';
export type { ContinuousBernoulliOptions } from './continuous-bernoulli.js';
export { Poisson } from './poisson.js';
export type { PoissonOptions } from './poisson.js';
export { Categorical } from './categorical.js';
export type { CategoricalOptions } from './categorical.js';

export { kl, registerKl } from './kl.js';
export { klMonteCarlo } from './kl-monte-carlo.js';
export type { KlMonteCarloOptions } from './kl-monte-carlo.js';
export { lgamma, digamma, lbeta } from './special.js';
