// The linear-Gaussian oracle: a SeqVAE with a linear transition and a linear Gaussian
// emission, trained on data from a linear-Gaussian state-space model, against the
// Kalman filter's exact log-likelihood.
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { LinearGaussianSsm } from './linear-gaussian-ssm.js';
import { SeqVAE } from './seq-vae.js';

// Diagonal Q, R and V0: inside the SeqVAE's family, so the exact optimum is reachable.
const truth = new LinearGaussianSsm({
  A: [
    [0.95, 0.1],
    [-0.1, 0.9],
  ],
  Q: [
    [0.1, 0],
    [0, 0.1],
  ],
  C: [
    [1, 0.3],
    [-0.5, 1],
    [0.8, 0.8],
    [0.2, -1],
  ],
  d: [0.5, 0, -0.5, 1],
  R: [
    [0.2, 0, 0, 0],
    [0, 0.3, 0, 0],
    [0, 0, 0.25, 0],
    [0, 0, 0, 0.2],
  ],
  mu0: [0, 0],
  V0: [
    [1, 0],
    [0, 1],
  ],
});

describe('SeqVAE on linear-Gaussian data (the Kalman oracle)', () => {
  beforeAll(async () => {
    await testing.initForTests({ seed: 3 });
  });

  it('reaches an ELBO within 2% per step of the exact log-likelihood, and never above it beyond Monte Carlo error', async () => {
    const trials = 32;
    const steps = 10;
    const rng = Generator.fromSeed(1);
    const x = new Float32Array(trials * steps * 4);
    const sequences: Float64Array[] = [];
    for (let i = 0; i < trials; i++) {
      const { observations } = truth.sample(steps, { rng });
      sequences.push(observations);
      x.set(observations, i * steps * 4);
    }
    const perStep = (ssm: LinearGaussianSsm) => sequences.reduce((s, seq) => s + ssm.logLikelihood(seq), 0) / (trials * steps);
    const model = new SeqVAE({
      obsDim: 4,
      latentDim: 2,
      likelihood: 'gaussian',
      transition: 'linear',
      encoder: { hidden: 16, combinerHidden: 16 },
      seed: 2,
    });
    const data = { x, shape: [trials, steps, 4] };
    // 300 full-batch steps with 8 trajectories per trial: the Monte Carlo gradient noise
    // must settle for the posterior to approach the exact one.
    await model.fit(data, { epochs: 300, batchSize: 32, samples: 8, learningRate: 1e-2, finalLearningRate: 2e-3, rng: Generator.fromSeed(4) });
    const { elboPerStep, elboPerStepStdError } = model.evaluate(data, { samples: 64, rng: Generator.fromSeed(5) });
    const learned = model.toLinearGaussianSsm();
    model.dispose();
    const exactLearned = perStep(learned); // log p_theta(x) of the SeqVAE's own generative model
    const exactTruth = perStep(truth);
    // The bound: ELBO <= log p_theta(x), up to 3 Monte Carlo standard errors.
    expect(elboPerStep).toBeLessThanOrEqual(exactLearned + 3 * elboPerStepStdError);
    // Within 2% per time step of the exact log-likelihood (under the true and the learned parameters).
    expect((exactTruth - elboPerStep) / Math.abs(exactTruth)).toBeLessThan(0.02);
    expect((exactLearned - elboPerStep) / Math.abs(exactLearned)).toBeLessThan(0.02);
  }, 600_000);
});
