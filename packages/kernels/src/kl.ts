import { invalidArgument } from '@elbo/runtime';
import { checkArray, checkScalar, rejectNonFinite, withArrays } from './marshal.js';
import type { ArrayArg, FloatArray } from './marshal.js';

/** A diagonal Gaussian N(mu, diag(exp(logvar))) as two arrays of one length. */
export interface DiagNormalArrays {
  readonly mu: FloatArray;
  readonly logvar: FloatArray;
}

/** Where the elementwise KL goes (optional: the sum is always returned). */
export interface KlOptions {
  readonly out?: FloatArray;
}

/**
 * Upstream gradient of the KL: `weight` (same for every element, default 1) or
 * `gradKl` (one per element); the gradients are written to the given arrays.
 */
export interface KlGradOptions extends KlOptions {
  readonly weight?: number;
  readonly gradKl?: FloatArray;
}

function lengthOf(where: string, name: string, array: FloatArray): number {
  checkArray(where, { name, array });
  return array.length;
}

function pair(where: string, prefix: string, params: DiagNormalArrays | undefined, n?: number, of?: string): ArrayArg[] {
  if (typeof params !== 'object' || params === null) {
    throw invalidArgument(where, prefix || 'params', 'an object { mu, logvar }', params);
  }
  const size = n ?? lengthOf(where, `${prefix}mu`, params.mu);
  const lengthOfName = of ?? `${prefix}mu`;
  return [
    { name: `${prefix}mu`, array: params.mu, length: size, lengthOf: lengthOfName, finite: 'finite' },
    { name: `${prefix}logvar`, array: params.logvar, length: size, lengthOf: lengthOfName, finite: 'finite' },
  ];
}

function weightOf(where: string, options: KlGradOptions): number {
  if (options.weight !== undefined && options.gradKl !== undefined) {
    throw invalidArgument(where, 'options', 'either weight or gradKl', { raw: 'both' });
  }
  return options.weight === undefined ? 1 : checkScalar(where, 'weight', options.weight);
}

function finish(where: string, sum: number, args: ArrayArg[], ptrs: number[], module: Parameters<typeof rejectNonFinite>[3]): number {
  if (!Number.isFinite(sum)) rejectNonFinite(where, args, ptrs, module);
  return sum;
}

/**
 * KL[N(mu, exp(logvar)) || N(0, 1)] elementwise (into `out` if given); returns the sum
 * over all elements, accumulated in float64.
 */
export function klStandardNormal(mu: FloatArray, logvar: FloatArray, options: KlOptions = {}): number {
  const where = 'klStandardNormal';
  const n = lengthOf(where, 'mu', mu);
  const args: ArrayArg[] = [
    ...pair(where, '', { mu, logvar }, n),
    { name: 'out', array: options.out, input: false, output: true, length: n, lengthOf: 'mu' },
  ];
  return withArrays(where, args, (p, m) => finish(where, m.exports.klStandardNormal(p[0]!, p[1]!, n, p[2]!), args, p, m));
}

/**
 * KL[q || p] of two diagonal Gaussians elementwise (into `out` if given); all four
 * arrays have one length. Returns the float64 sum.
 */
export function klDiagNormal(q: DiagNormalArrays, p: DiagNormalArrays, options: KlOptions = {}): number {
  const where = 'klDiagNormal';
  const qArgs = pair(where, 'q.', q);
  const n = q.mu.length;
  const args: ArrayArg[] = [
    ...qArgs,
    ...pair(where, 'p.', p, n, 'q.mu'),
    { name: 'out', array: options.out, input: false, output: true, length: n, lengthOf: 'q.mu' },
  ];
  return withArrays(where, args, (ptr, m) =>
    finish(where, m.exports.klDiagNormal(ptr[0]!, ptr[1]!, ptr[2]!, ptr[3]!, n, ptr[4]!), args, ptr, m),
  );
}

/**
 * KL[N(mu, exp(logvar)) || N(0, 1)] and its gradients in one pass: gradMu = g mu,
 * gradLogvar = g (exp(logvar) - 1) / 2 for the upstream gradient g. Returns the KL sum.
 */
export function klStandardNormalGrad(
  mu: FloatArray,
  logvar: FloatArray,
  options: KlGradOptions & { readonly gradMu: FloatArray; readonly gradLogvar: FloatArray },
): number {
  const where = 'klStandardNormalGrad';
  const n = lengthOf(where, 'mu', mu);
  const weight = weightOf(where, options);
  const out = (name: string, array: FloatArray | undefined): ArrayArg => ({ name, array, input: false, output: true, length: n, lengthOf: 'mu' });
  const args: ArrayArg[] = [
    ...pair(where, '', { mu, logvar }, n),
    { name: 'gradKl', array: options.gradKl, length: n, lengthOf: 'mu', finite: 'not NaN' },
    out('out', options.out),
    out('gradMu', required(where, 'gradMu', options.gradMu)),
    out('gradLogvar', required(where, 'gradLogvar', options.gradLogvar)),
  ];
  return withArrays(where, args, (p, m) =>
    finish(where, m.exports.klStandardNormalGrad(p[0]!, p[1]!, n, weight, p[2]!, p[3]!, p[4]!, p[5]!), args, p, m),
  );
}

/**
 * KL[q || p] of diagonal Gaussians and its gradients in all four parameters in one pass
 * (gradPMu / gradPLogvar optional). Returns the KL sum.
 */
export function klDiagNormalGrad(
  q: DiagNormalArrays,
  p: DiagNormalArrays,
  options: KlGradOptions & {
    readonly gradQMu: FloatArray;
    readonly gradQLogvar: FloatArray;
    readonly gradPMu?: FloatArray;
    readonly gradPLogvar?: FloatArray;
  },
): number {
  const where = 'klDiagNormalGrad';
  const qArgs = pair(where, 'q.', q);
  const n = q.mu.length;
  const weight = weightOf(where, options);
  const out = (name: string, array: FloatArray | undefined): ArrayArg => ({ name, array, input: false, output: true, length: n, lengthOf: 'q.mu' });
  const args: ArrayArg[] = [
    ...qArgs,
    ...pair(where, 'p.', p, n, 'q.mu'),
    { name: 'gradKl', array: options.gradKl, length: n, lengthOf: 'q.mu', finite: 'not NaN' },
    out('out', options.out),
    out('gradQMu', required(where, 'gradQMu', options.gradQMu)),
    out('gradQLogvar', required(where, 'gradQLogvar', options.gradQLogvar)),
    out('gradPMu', options.gradPMu),
    out('gradPLogvar', options.gradPLogvar),
  ];
  return withArrays(where, args, (ptr, m) =>
    finish(
      where,
      m.exports.klDiagNormalGrad(ptr[0]!, ptr[1]!, ptr[2]!, ptr[3]!, n, weight, ptr[4]!, ptr[5]!, ptr[6]!, ptr[7]!, ptr[8]!, ptr[9]!),
      args,
      ptr,
      m,
    ),
  );
}

export function required<T>(where: string, name: string, value: T | undefined): T {
  if (value === undefined) throw invalidArgument(where, name, 'an output array', value);
  return value;
}
