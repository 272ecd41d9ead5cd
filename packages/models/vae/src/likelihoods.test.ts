import * as tf from '@tensorflow/tfjs';
import { testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { likelihoodHead, resolveLikelihood } from './likelihoods.js';

// Closed-form log-likelihoods per feature, in float64, independent of @elbo/distributions.
const softplus = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const logFactorial = (k: number): number => {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
};
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

const B = 3;
const D = 4;
const outputs = Array.from({ length: B * D }, (_, i) => Math.sin(1.3 * i) * 2);

function logProbOf(spec: Parameters<typeof resolveLikelihood>[0], output: number[], outputShape: number[], x: number[]): Float32Array {
  const head = likelihoodHead(resolveLikelihood(spec, 't'), D);
  const out = tf.tensor(output, outputShape);
  const xs = tf.tensor(x, [B, D]);
  const lp = tf.tidy(() => head.distribution(out).logProb(xs));
  expect(lp.shape).toEqual([B]);
  const values = lp.dataSync() as Float32Array;
  tf.dispose([out, xs, lp]);
  head.dispose();
  return values;
}

function rowSums(f: (i: number) => number): number[] {
  return Array.from({ length: B }, (_, b) => Array.from({ length: D }, (_, j) => f(b * D + j)).reduce((s, v) => s + v, 0));
}

describe('likelihood heads', () => {
  beforeAll(async () => {
    await testing.initForTests({ seed: 2 });
  });

  it('bernoulli on intensities: x l - softplus(l), summed over features (rel. 1e-5)', () => {
    const x = outputs.map((_, i) => (i % 5) / 4);
    const expected = rowSums((i) => x[i]! * outputs[i]! - softplus(outputs[i]!));
    expect(testing.maxRelativeError(logProbOf('bernoulli', outputs, [B, D], x), expected)).toBeLessThan(1e-5);
  });

  it('continuous Bernoulli: includes the normaliser log C(lambda) (rel. 1e-4)', () => {
    const x = outputs.map((_, i) => (i % 5) / 4);
    const logC = (lam: number): number => (Math.abs(lam - 0.5) < 1e-6 ? Math.log(2) : Math.log((2 * Math.atanh(1 - 2 * lam)) / (1 - 2 * lam)));
    const expected = rowSums((i) => {
      const lam = sigmoid(outputs[i]!);
      return x[i]! * Math.log(lam) + (1 - x[i]!) * Math.log(1 - lam) + logC(lam);
    });
    expect(testing.maxRelativeError(logProbOf('continuousBernoulli', outputs, [B, D], x), expected)).toBeLessThan(1e-4);
  });

  it('gaussian with a fixed scale (rel. 1e-5)', () => {
    const x = outputs.map((v, i) => v + Math.cos(i));
    const sigma = 0.5;
    const expected = rowSums((i) => -0.5 * ((x[i]! - outputs[i]!) / sigma) ** 2 - Math.log(sigma) - HALF_LOG_2PI);
    expect(testing.maxRelativeError(logProbOf({ type: 'gaussian', scale: sigma }, outputs, [B, D], x), expected)).toBeLessThan(1e-5);
  });

  it('gaussian with per-example scales from the decoder (rel. 1e-5)', () => {
    const logScales = outputs.map((v) => v / 4);
    const output = Array.from({ length: B }, (_, b) => [...outputs.slice(b * D, b * D + D), ...logScales.slice(b * D, b * D + D)]).flat();
    const x = outputs.map((v, i) => v + Math.cos(i));
    const expected = rowSums((i) => -0.5 * ((x[i]! - outputs[i]!) / Math.exp(logScales[i]!)) ** 2 - logScales[i]! - HALF_LOG_2PI);
    expect(testing.maxRelativeError(logProbOf({ type: 'gaussian', scale: 'perExample' }, output, [B, 2 * D], x), expected)).toBeLessThan(1e-5);
  });

  it('gaussian with a learned scale owns one log-scale variable per feature, starting at 0', () => {
    const head = likelihoodHead(resolveLikelihood({ type: 'gaussian', scale: 'learned' }, 't'), D);
    expect(Object.keys(head.variables)).toEqual(['logScale']);
    expect(Array.from(head.variables.logScale!.dataSync())).toEqual([0, 0, 0, 0]);
    const x = outputs.map((v, i) => v + Math.cos(i));
    const expected = rowSums((i) => -0.5 * (x[i]! - outputs[i]!) ** 2 - HALF_LOG_2PI);
    head.dispose();
    expect(testing.maxRelativeError(logProbOf({ type: 'gaussian', scale: 'learned' }, outputs, [B, D], x), expected)).toBeLessThan(1e-5);
  });

  it('poisson on counts with log-rates: x r - e^r - log x! (rel. 1e-5)', () => {
    const x = outputs.map((_, i) => i % 4);
    const expected = rowSums((i) => x[i]! * outputs[i]! - Math.exp(outputs[i]!) - logFactorial(x[i]!));
    expect(testing.maxRelativeError(logProbOf('poisson', outputs, [B, D], x), expected)).toBeLessThan(1e-5);
  });

  it('categorical over K classes per feature: log softmax at the label (rel. 1e-5)', () => {
    const K = 3;
    const logits = Array.from({ length: B * D * K }, (_, i) => Math.cos(0.7 * i) * 3);
    const x = outputs.map((_, i) => i % K);
    const expected = rowSums((i) => {
      const row = logits.slice(i * K, i * K + K);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      return row[x[i]!]! - lse;
    });
    expect(testing.maxRelativeError(logProbOf({ type: 'categorical', categories: K }, logits, [B, D * K], x), expected)).toBeLessThan(1e-5);
    const head = likelihoodHead(resolveLikelihood({ type: 'categorical', categories: K }, 't'), D);
    expect(head.outputSize).toBe(D * K);
    const out = tf.tensor(logits, [B, D * K]);
    const mean = head.mean(out);
    expect(mean.shape).toEqual([B, D, K]);
    tf.dispose([out, mean]);
  });

  it('means: probabilities, rates and locations, leaving no tensors', () => {
    const out = tf.tensor(outputs, [B, D]);
    for (const [spec, f] of [
      ['bernoulli', sigmoid],
      ['poisson', Math.exp],
      ['gaussian', (v: number) => v],
    ] as const) {
      const head = likelihoodHead(resolveLikelihood(spec, 't'), D);
      expect(testing.tensorsLeftBehind(() => head.mean(out))).toBe(0);
      const mean = head.mean(out);
      expect(testing.maxRelativeError(mean.dataSync(), outputs.map(f))).toBeLessThan(1e-5);
      mean.dispose();
    }
    out.dispose();
  });

  it('states each support and rejects bad specs', () => {
    const support = (spec: Parameters<typeof resolveLikelihood>[0]) => likelihoodHead(resolveLikelihood(spec, 't'), D).support;
    expect(support('bernoulli').test(0.3)).toBe(true);
    expect(support('bernoulli').test(1.2)).toBe(false);
    expect(support('poisson').test(2.5)).toBe(false);
    expect(support({ type: 'categorical', categories: 3 }).test(3)).toBe(false);
    expect(support('gaussian').test(Number.NaN)).toBe(false);
    expect(() => resolveLikelihood('binomial' as never, 'new VAE')).toThrow(/new VAE: likelihood must be one of bernoulli, continuousBernoulli, gaussian, poisson, categorical/);
    expect(() => resolveLikelihood('categorical' as never, 'new VAE')).toThrow(/likelihood.categories must be an integer >= 2/);
    expect(() => resolveLikelihood({ type: 'gaussian', scale: -1 }, 'new VAE')).toThrow(/likelihood.scale must be a positive number, 'learned' or 'perExample', found -1/);
  });
});
