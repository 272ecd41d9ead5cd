import { Generator, getGenerator, invalidArgument } from '@elbo/runtime';
import type { DiagNormalArrays } from './kl.js';
import { required } from './kl.js';
import { checkArray, checkScalar, rejectNonFinite, withArrays } from './marshal.js';
import type { ArrayArg, FloatArray } from './marshal.js';

const TWO_32 = 0x100000000;

function lengthOf(where: string, name: string, array: FloatArray): number {
  checkArray(where, { name, array });
  return array.length;
}

function input(name: string, array: FloatArray | undefined, n: number, of: string, finite: ArrayArg['finite'] = 'finite'): ArrayArg {
  return { name, array, length: n, lengthOf: of, finite };
}

function output(name: string, array: FloatArray | undefined, n: number, of: string): ArrayArg {
  return { name, array, input: false, output: true, length: n, lengthOf: of };
}

/** z = mu + exp(logvar / 2) * eps into `z` (which may be one of the inputs). */
export function reparameterize<T extends FloatArray>(mu: FloatArray, logvar: FloatArray, eps: FloatArray, z: T): T {
  const where = 'reparameterize';
  const n = lengthOf(where, 'mu', mu);
  const args = [input('mu', mu, n, 'mu'), input('logvar', logvar, n, 'mu'), input('eps', eps, n, 'mu'), output('z', z, n, 'mu')];
  withArrays(where, args, (p, m) => {
    if (!Number.isFinite(m.exports.reparameterize(p[0]!, p[1]!, p[2]!, n, p[3]!))) rejectNonFinite(where, args, p, m);
  });
  return z;
}

/** The draw of {@link sampleWithKl}: where z (and optionally the KL and eps) go. */
export interface SampleWithKlOptions {
  readonly z: FloatArray;
  /** Elementwise KL (the sum is returned either way). */
  readonly kl?: FloatArray;
  /** The standard normal draws used; keep them for {@link sampleWithKlBackward}. */
  readonly eps?: FloatArray;
  /** A diagonal Gaussian prior; omitted: N(0, I). */
  readonly prior?: DiagNormalArrays;
  readonly rng?: Generator;
}

/**
 * The VAE's hot path in one pass: eps ~ N(0, I) from `rng` (the stream of
 * {@link sampleNormal}, which it advances the same way), z = mu + exp(logvar / 2) eps,
 * and KL[N(mu, exp(logvar)) || prior] elementwise. Returns the KL summed in float64.
 */
export function sampleWithKl(mu: FloatArray, logvar: FloatArray, options: SampleWithKlOptions): number {
  const where = 'sampleWithKl';
  const n = lengthOf(where, 'mu', mu);
  if (typeof options !== 'object' || options === null) throw invalidArgument(where, 'options', 'an object { z, kl?, eps?, prior?, rng? }', options);
  const rng = options.rng ?? getGenerator();
  if (!(rng instanceof Generator)) throw invalidArgument(where, 'rng', 'a Generator from @elbo/runtime', options.rng);
  const prior = options.prior;
  const args = [
    input('mu', mu, n, 'mu'),
    input('logvar', logvar, n, 'mu'),
    input('prior.mu', prior?.mu, n, 'mu'),
    input('prior.logvar', prior?.logvar, n, 'mu'),
    output('z', required(where, 'z', options.z), n, 'mu'),
    output('kl', options.kl, n, 'mu'),
    output('eps', options.eps, n, 'mu'),
  ];
  if (prior !== undefined && (prior.mu === undefined || prior.logvar === undefined)) {
    throw invalidArgument(where, 'prior', 'an object { mu, logvar }', prior);
  }
  const { key, counter } = rng.getState();
  const sum = withArrays(where, args, (p, m) => {
    const total = m.exports.sampleWithKl(
      p[0]!, p[1]!, p[2]!, p[3]!, n, p[4]!, p[5]!, p[6]!,
      key[0], key[1], counter % TWO_32, Math.floor(counter / TWO_32),
    );
    if (!Number.isFinite(total)) rejectNonFinite(where, args, p, m);
    return total;
  });
  rng.reserveBlocks(Math.ceil(n / 4));
  return sum;
}

/** Inputs and outputs of {@link sampleWithKlBackward}. */
export interface SampleWithKlBackwardOptions {
  readonly mu: FloatArray;
  readonly logvar: FloatArray;
  /** The eps that sampleWithKl used (its `eps` output). */
  readonly eps: FloatArray;
  /** d loss / d z; omitted: zero. */
  readonly gradZ?: FloatArray;
  /** d loss / d KL, the same for every element (default 1) ... */
  readonly weight?: number;
  /** ... or one per element. */
  readonly gradKl?: FloatArray;
  readonly prior?: DiagNormalArrays;
  readonly gradMu: FloatArray;
  readonly gradLogvar: FloatArray;
  readonly gradPriorMu?: FloatArray;
  readonly gradPriorLogvar?: FloatArray;
}

/**
 * The backward pass of {@link sampleWithKl} in one pass over memory:
 * gradMu = gz + g dKL/dmu, gradLogvar = gz exp(logvar / 2) eps / 2 + g dKL/dlogvar
 * (and the prior's gradients when a prior and outputs for them are given).
 */
export function sampleWithKlBackward(options: SampleWithKlBackwardOptions): void {
  const where = 'sampleWithKlBackward';
  if (typeof options !== 'object' || options === null) throw invalidArgument(where, 'options', 'an object', options);
  const n = lengthOf(where, 'mu', options.mu);
  if (options.weight !== undefined && options.gradKl !== undefined) {
    throw invalidArgument(where, 'options', 'either weight or gradKl', { raw: 'both' });
  }
  const weight = options.weight === undefined ? 1 : checkScalar(where, 'weight', options.weight);
  const prior = options.prior;
  const args = [
    input('mu', options.mu, n, 'mu'),
    input('logvar', options.logvar, n, 'mu'),
    input('prior.mu', prior?.mu, n, 'mu'),
    input('prior.logvar', prior?.logvar, n, 'mu'),
    input('eps', required(where, 'eps', options.eps), n, 'mu'),
    input('gradZ', options.gradZ, n, 'mu', 'not NaN'),
    input('gradKl', options.gradKl, n, 'mu', 'not NaN'),
    output('gradMu', required(where, 'gradMu', options.gradMu), n, 'mu'),
    output('gradLogvar', required(where, 'gradLogvar', options.gradLogvar), n, 'mu'),
    output('gradPriorMu', prior ? options.gradPriorMu : undefined, n, 'mu'),
    output('gradPriorLogvar', prior ? options.gradPriorLogvar : undefined, n, 'mu'),
  ];
  withArrays(where, args, (p, m) => {
    const check = m.exports.sampleWithKlBackward(
      p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, n, weight, p[6]!, p[7]!, p[8]!, p[9]!, p[10]!,
    );
    if (!Number.isFinite(check)) rejectNonFinite(where, args, p, m);
  });
}

/** d/dlogvar of sum(gradZ * z) for z = mu + exp(logvar / 2) eps, into gradLogvar. */
export function reparameterizeBackward<T extends FloatArray>(logvar: FloatArray, eps: FloatArray, gradZ: FloatArray, gradLogvar: T): T {
  const where = 'reparameterizeBackward';
  const n = lengthOf(where, 'logvar', logvar);
  const args = [
    input('logvar', logvar, n, 'logvar'),
    input('eps', eps, n, 'logvar'),
    input('gradZ', gradZ, n, 'logvar', 'not NaN'),
    output('gradLogvar', gradLogvar, n, 'logvar'),
  ];
  withArrays(where, args, (p, m) => {
    if (!Number.isFinite(m.exports.reparameterizeBackward(p[0]!, p[1]!, p[2]!, n, p[3]!))) rejectNonFinite(where, args, p, m);
  });
  return gradLogvar;
}
