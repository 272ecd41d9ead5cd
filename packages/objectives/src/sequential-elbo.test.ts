import * as tf from '@tensorflow/tfjs';
import { Independent, MultivariateNormalDiag, Normal } from '@elbo/distributions';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { leftBehindUnderGradients } from './test-support/leaks.js';
import { sequentialElbo } from './sequential-elbo.js';
import { gaussianKl } from './test-support/linalg.js';
import { kalmanFilter, smoothingPosterior, type Lgssm } from './test-support/lgssm.js';

beforeAll(async () => {
  await testing.initForTests({ seed: 12 });
});

// Diagonal dynamics and a loading matrix with orthogonal columns ((1, 0.5, -0.4) and
// (0.2, 0.4, 1)) with isotropic noise keep the exact posterior's conditionals diagonal.
const model: Lgssm = {
  m0: [0.3, -0.5],
  p0: [
    [1, 0],
    [0, 0.6],
  ],
  a: [
    [0.9, 0],
    [0, 0.7],
  ],
  q: [
    [0.2, 0],
    [0, 0.3],
  ],
  c: [
    [1, 0.2],
    [0.5, 0.4],
    [-0.4, 1],
  ],
  r: [
    [0.4, 0, 0],
    [0, 0.4, 0],
    [0, 0, 0.4],
  ],
};
const T = 6;
const sequences = [
  [
    [0.5, 0.1, -0.9],
    [1.2, 0.4, -0.2],
    [0.8, 0.9, 0.3],
    [-0.1, 0.2, 0.6],
    [0.4, -0.6, -1.1],
    [0.9, 0.3, 0.2],
  ],
  [
    [-0.3, 0.8, 0.4],
    [0.1, -0.2, 0.9],
    [0.6, 0.5, -0.3],
    [1.0, 0.2, 0.1],
  ],
];
const lengths = sequences.map((s) => s.length);
const kalman = sequences.map((s) => kalmanFilter(model, s).logLikelihood);
const exact = sequences.map((s) => smoothingPosterior(model, s));
/** Padding: finite values far from the data, which must not matter. */
const PAD = 50;

interface Steps {
  x: number[][][]; // [B, T, 3]
  z: number[][][]; // [B, T, 2]
  qLoc: number[][][];
  qScale: number[][][];
  pLoc: number[][][];
  pScale: number[][][];
  mask: number[][];
}

/**
 * B = 2 * copies trajectories (copies of sequence 0, then of sequence 1), each drawn
 * from the exact structured posterior (or a perturbed one), with the per-step
 * parameters of q(z_n | z_{n-1}, x) and p(z_n | z_{n-1}) at the drawn z_{n-1}.
 */
function drawSteps(copies: number, rng: Generator, perturb = 0): Steps {
  const steps: Steps = { x: [], z: [], qLoc: [], qScale: [], pLoc: [], pScale: [], mask: [] };
  sequences.forEach((xs, s) => {
    const q = exact[s]!;
    for (let c = 0; c < copies; c++) {
      const row = { x: [] as number[][], z: [] as number[][], qLoc: [] as number[][], qScale: [] as number[][], pLoc: [] as number[][], pScale: [] as number[][] };
      for (let t = 0; t < T; t++) {
        if (t >= xs.length) {
          for (const key of ['z', 'qLoc'] as const) row[key].push([PAD, -PAD]);
          row.pLoc.push([0, 0]);
          row.qScale.push([1, 1]);
          row.pScale.push([1, 1]);
          row.x.push([PAD, PAD, PAD]);
          continue;
        }
        const prev = row.z[t - 1];
        const loc =
          t === 0 ? q.firstMean : q.transition[t]!.map((r, i) => r[0]! * prev![0]! + r[1]! * prev![1]! + q.offset[t]![i]!);
        const scale = (t === 0 ? q.firstCov : q.cov[t]!).map((r, i) => Math.sqrt(r[i]!) * (1 + perturb));
        const shifted = loc.map((v) => v + perturb);
        const eps = rng.normalArray(2);
        row.z.push(shifted.map((v, i) => v + scale[i]! * eps[i]!));
        row.qLoc.push(shifted);
        row.qScale.push(scale);
        row.pLoc.push(t === 0 ? model.m0 : model.a.map((r) => r[0]! * prev![0]! + r[1]! * prev![1]!));
        row.pScale.push((t === 0 ? model.p0 : model.q).map((r, i) => Math.sqrt(r[i]!)));
        row.x.push(xs[t]!);
      }
      (['x', 'z', 'qLoc', 'qScale', 'pLoc', 'pScale'] as const).forEach((key) => steps[key].push(row[key]));
      steps.mask.push(Array.from({ length: T }, (_, t) => (t < xs.length ? 1 : 0)));
    }
  });
  return steps;
}

/** The tensors sequentialElbo takes, with log p(x_n | z_n) from a Normal emission model. */
function pieces(steps: Steps) {
  return tf.tidy(() => {
    const z = tf.tensor3d(steps.z);
    const c = tf.tensor2d(model.c);
    const [b] = z.shape;
    const loc = tf.reshape(tf.matMul(tf.reshape(z, [b! * T, 2]), c, false, true), [b!, T, 3]);
    const emission = new Independent(new Normal({ loc, scale: Math.sqrt(0.4), validate: false }), 1);
    return {
      emissionLogProb: emission.logProb(tf.tensor3d(steps.x)),
      z,
      qLoc: tf.tensor3d(steps.qLoc),
      qScale: tf.tensor3d(steps.qScale),
      pLoc: tf.tensor3d(steps.pLoc),
      pScale: tf.tensor3d(steps.pScale),
      mask: tf.tensor2d(steps.mask),
    };
  });
}

function run(steps: Steps, options: { kl?: 'auto' | 'sample'; freeBits?: number; klWeight?: number; masked?: boolean } = {}) {
  const t = pieces(steps);
  const posterior = new MultivariateNormalDiag({ loc: t.qLoc, scaleDiag: t.qScale, validate: false });
  const transitionPrior = new MultivariateNormalDiag({ loc: t.pLoc, scaleDiag: t.pScale, validate: false });
  const result = sequentialElbo({
    emissionLogProb: t.emissionLogProb,
    posterior,
    transitionPrior,
    mask: options.masked === false ? undefined : t.mask,
    latents: t.z,
    kl: options.kl,
    freeBits: options.freeBits,
    klWeight: options.klWeight,
  });
  const out = {
    elbo: Array.from(result.elbo.dataSync()),
    reconstruction: Array.from(result.reconstruction.dataSync()),
    kl: Array.from(result.kl.dataSync()),
    loss: result.loss.dataSync()[0]!,
    klPerStep: result.klPerStep.arraySync() as number[][],
  };
  tf.dispose([result, t]);
  return out;
}

/** sequentialElbo on `t`'s tensors with the posterior means replaced by `qLoc` (a variable). */
function withPosteriorMeans(t: ReturnType<typeof pieces>, qLoc: tf.Tensor, options: { klWeight?: number; freeBits?: number }) {
  return sequentialElbo({
    emissionLogProb: t.emissionLogProb,
    posterior: new MultivariateNormalDiag({ loc: qLoc, scaleDiag: t.qScale, validate: false }),
    transitionPrior: new MultivariateNormalDiag({ loc: t.pLoc, scaleDiag: t.pScale, validate: false }),
    mask: t.mask,
    ...options,
  });
}

const perSequence = (values: number[], copies: number) =>
  sequences.map((_, s) => {
    const { mean, variance } = testing.meanAndVariance(values.slice(s * copies, (s + 1) * copies));
    return { mean, se: Math.sqrt(variance / copies) };
  });

describe('sequentialElbo on a linear-Gaussian state-space model', () => {
  it('equals the Kalman-filter log-likelihood for every trajectory of the exact smoothing posterior (sampled KL)', () => {
    const copies = 100;
    const out = run(drawSteps(copies, Generator.fromSeed(1)), { kl: 'sample' });
    out.elbo.forEach((v, row) => expect(Math.abs(v - kalman[Math.floor(row / copies)]!)).toBeLessThan(3e-4));
  });

  it('averages to the Kalman log-likelihood with analytic per-step KLs (within 4 standard errors)', () => {
    const copies = 400;
    const steps = drawSteps(copies, Generator.fromSeed(2));
    const out = run(steps);
    perSequence(out.elbo, copies).forEach(({ mean, se }, s) => expect(Math.abs(mean - kalman[s]!)).toBeLessThan(4 * se));
    // Step n's KL is KL[q(z_n | z_{n-1}, x) || p(z_n | z_{n-1})] at the drawn z_{n-1}.
    for (const [row, t] of [
      [0, 0],
      [3, 2],
      [copies + 1, 3],
    ] as const) {
      const diag = (v: number[]) => v.map((s, i) => v.map((_, j) => (i === j ? s * s : 0)));
      const want = gaussianKl(steps.qLoc[row]![t]!, diag(steps.qScale[row]![t]!), steps.pLoc[row]![t]!, diag(steps.pScale[row]![t]!));
      expect(out.klPerStep[row]![t]).toBeCloseTo(want, 4);
    }
  });

  it('stays below the log-likelihood for a perturbed posterior', () => {
    const copies = 300;
    const out = run(drawSteps(copies, Generator.fromSeed(3), 0.3));
    perSequence(out.elbo, copies).forEach(({ mean, se }, s) => expect(mean).toBeLessThan(kalman[s]! - 4 * se));
  });

  it('ignores padded steps under the mask, and counts them without it', () => {
    const steps = drawSteps(2, Generator.fromSeed(4));
    const masked = run(steps, { kl: 'sample' });
    masked.elbo.forEach((v, row) => expect(Math.abs(v - kalman[Math.floor(row / 2)]!)).toBeLessThan(3e-4));
    masked.klPerStep.forEach((row, b) => row.forEach((v, t) => t >= lengths[Math.floor(b / 2)]! && expect(v).toBe(0)));
    const unmasked = run(steps, { kl: 'sample', masked: false });
    expect(Math.abs(unmasked.elbo[3]! - kalman[1]!)).toBeGreaterThan(1);
  });

  it('applies klWeight and free bits per time step and latent dimension', () => {
    const steps = drawSteps(3, Generator.fromSeed(5));
    const plain = run(steps, { klWeight: 0.25 });
    const b = 6;
    const meanRecon = plain.reconstruction.reduce((a, v) => a + v, 0) / b;
    const meanKl = plain.kl.reduce((a, v) => a + v, 0) / b;
    expect(plain.loss).toBeCloseTo(-meanRecon + 0.25 * meanKl, 4);
    // Float64 per (b, t, d) KLs of the diagonal Gaussians, floored per (t, d) at lambda * n_t.
    const lambda = 0.2;
    let penalty = 0;
    for (let t = 0; t < T; t++) {
      for (let d = 0; d < 2; d++) {
        let sum = 0;
        let observed = 0;
        for (let row = 0; row < b; row++) {
          if (steps.mask[row]![t] === 0) continue;
          observed++;
          sum += gaussianKl([steps.qLoc[row]![t]![d]!], [[steps.qScale[row]![t]![d]! ** 2]], [steps.pLoc[row]![t]![d]!], [[steps.pScale[row]![t]![d]! ** 2]]);
        }
        penalty += Math.max(sum, lambda * observed) / b;
      }
    }
    const floored = run(steps, { klWeight: 0.5, freeBits: lambda });
    expect(floored.loss).toBeCloseTo(-meanRecon + 0.5 * penalty, 4);
    expect(penalty).toBeGreaterThan(meanKl + 0.01); // the floor binds somewhere
    floored.kl.forEach((v, i) => expect(v).toBeCloseTo(plain.kl[i]!, 4));
  });

  it('sends the KL gradient to observed steps only: klWeight / B * (mu_q - mu_p) / sigma_p^2', () => {
    const steps = drawSteps(2, Generator.fromSeed(9));
    const t = pieces(steps);
    const qLoc = tf.variable(t.qLoc);
    const { value, grads } = tf.variableGrads(() => withPosteriorMeans(t, qLoc, { klWeight: 0.7 }).loss as tf.Scalar, [qLoc]);
    const grad = grads[qLoc.name]!.arraySync() as number[][][];
    grad.forEach((row, b) =>
      row.forEach((step, n) =>
        step.forEach((g, d) => {
          const want = (steps.mask[b]![n]! * 0.7 * (steps.qLoc[b]![n]![d]! - steps.pLoc[b]![n]![d]!)) / steps.pScale[b]![n]![d]! ** 2 / 4;
          expect(g).toBeCloseTo(want, 5);
        }),
      ),
    );
    tf.dispose([value, grads, t, qLoc]);
  });

  it('accepts S trajectories per sequence, [S, B, T], averaging over them', () => {
    const s = 5;
    const batches = Array.from({ length: s }, (_, i) => pieces(drawSteps(1, Generator.fromSeed(100 + i))));
    const stack = (key: 'emissionLogProb' | 'z' | 'qLoc' | 'qScale' | 'pLoc' | 'pScale') => tf.stack(batches.map((p) => p[key]));
    const q = new MultivariateNormalDiag({ loc: stack('qLoc'), scaleDiag: stack('qScale'), validate: false });
    const p = new MultivariateNormalDiag({ loc: stack('pLoc'), scaleDiag: stack('pScale'), validate: false });
    const emission = stack('emissionLogProb');
    const latents = stack('z');
    const result = sequentialElbo({ emissionLogProb: emission, posterior: q, transitionPrior: p, mask: batches[0]!.mask, latents, kl: 'sample' });
    expect(result.klPerStep.shape).toEqual([2, T]);
    result.elbo.dataSync().forEach((v, row) => expect(Math.abs(v - kalman[row]!)).toBeLessThan(3e-4));
    tf.dispose([result, batches, emission, latents, q.loc, q.scaleDiag, p.loc, p.scaleDiag]);
  });
});

describe('sequentialElbo: memory and arguments', () => {
  it('leaves no tensors behind, also under gradients', () => {
    const t = pieces(drawSteps(2, Generator.fromSeed(6)));
    const qLoc = tf.variable(t.qLoc);
    const call = () => withPosteriorMeans(t, qLoc, { freeBits: 0.1 });
    expect(testing.tensorsLeftBehind(call)).toBe(0);
    expect(leftBehindUnderGradients(() => call().loss, [qLoc])).toBe(0);
    tf.dispose([t, qLoc]);
  });

  it('names mismatched shapes and missing latents', () => {
    const t = pieces(drawSteps(1, Generator.fromSeed(7)));
    const posterior = new MultivariateNormalDiag({ loc: t.qLoc, scaleDiag: t.qScale, validate: false });
    const transitionPrior = new MultivariateNormalDiag({ loc: t.pLoc, scaleDiag: t.pScale, validate: false });
    const base = { emissionLogProb: t.emissionLogProb, posterior, transitionPrior };
    const short = tf.zeros([2, 4]);
    expect(() => sequentialElbo({ ...base, emissionLogProb: short })).toThrow(
      "sequentialElbo: the posterior's batchShape (emissionLogProb's shape) must be [2, 4], found [2, 6]",
    );
    expect(() => sequentialElbo({ ...base, mask: short })).toThrow("sequentialElbo: mask's shape must be [2, 6], found [2, 4]");
    expect(() => sequentialElbo({ ...base, kl: 'sample' })).toThrow("sequentialElbo: latents must be given when kl is 'sample', found undefined");
    const flat = tf.zeros([12]);
    expect(() => sequentialElbo({ ...base, emissionLogProb: flat })).toThrow(
      'sequentialElbo: emissionLogProb must be of shape [B, T] or [S, B, T], found [12]',
    );
    tf.dispose([t, short, flat]);
  });
});
