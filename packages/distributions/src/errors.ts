/** Thrown by `rsample` of a distribution that has no reparameterised sampler. */
export class RsampleNotAvailableError extends Error {
  override readonly name = 'RsampleNotAvailableError';
}

/** Thrown by `kl(p, q)` when no analytic KL is registered for the pair. */
export class KlNotRegisteredError extends Error {
  override readonly name = 'KlNotRegisteredError';
}

/** Thrown by a statistic (mean, mode, cdf, ...) that a family does not define. */
export class NotDefinedError extends Error {
  override readonly name = 'NotDefinedError';
}
