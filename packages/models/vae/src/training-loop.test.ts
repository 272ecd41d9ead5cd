import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteLossError, permutation, runTrainingLoop } from './training-loop.js';
import type { BatchLog, TrainingLoopOptions } from './training-loop.js';

// Least squares y = x w with known w: the loop must recover it (closed form w itself).
function regressionProblem(n = 64): { x: tf.Tensor2D; w: tf.Variable; trueW: number[] } {
  const trueW = [2, -1, 0.5];
  const rng = Generator.fromSeed(3);
  const inputs = rng.normalArray(n * 3);
  const rows = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    let y = 0;
    for (let j = 0; j < 3; j++) {
      rows[i * 4 + j] = inputs[i * 3 + j]!;
      y += inputs[i * 3 + j]! * trueW[j]!;
    }
    rows[i * 4 + 3] = y;
  }
  return { x: tf.tensor2d(rows, [n, 4]), w: tf.variable(tf.zeros([3, 1])), trueW };
}

function loopOptions(x: tf.Tensor2D, w: tf.Variable, overrides: Partial<TrainingLoopOptions> = {}): TrainingLoopOptions {
  return {
    where: 'test',
    variables: [w],
    optimizer: overrides.optimizer ?? tf.train.sgd(0.1),
    x,
    epochs: 20,
    batchSize: 16,
    shuffle: true,
    rng: Generator.fromSeed(1),
    termNames: ['mse'],
    lossTerms: (batch) => {
      const [inputs, targets] = tf.split(batch, [3, 1], 1);
      const mse = tf.mean(tf.square(tf.sub(tf.matMul(inputs!, w), targets!))) as tf.Scalar;
      return { loss: mse, terms: { mse } };
    },
    ...overrides,
  };
}

describe('runTrainingLoop', () => {
  beforeAll(async () => {
    await testing.initForTests({ seed: 0 });
  });

  it('fits least squares, reports every batch and epoch, and leaves no tensors', async () => {
    const { x, w, trueW } = regressionProblem();
    const optimizer = tf.train.sgd(0.1);
    const batchLogs: BatchLog[] = [];
    const epochs: number[] = [];
    const before = tf.memory().numTensors;
    const history = await runTrainingLoop(
      loopOptions(x, w, { optimizer, onBatchEnd: (log) => void batchLogs.push(log), onEpochEnd: (log) => void epochs.push(log.epoch) }),
    );
    expect(tf.memory().numTensors - before).toBe(0);
    expect(Array.from(w.dataSync())).toEqual(trueW.map((v) => expect.closeTo(v, 3)));
    expect(history.stopReason).toBe('completed');
    expect(history.epochs).toHaveLength(20);
    expect(history.epochs[19]!.loss).toBeLessThan(1e-4);
    expect(epochs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(batchLogs).toHaveLength(80);
    const last = batchLogs[79]!;
    expect(last).toMatchObject({ epoch: 20, epochs: 20, batch: 4, batches: 4, step: 79 });
    expect(last.terms.mse).toBe(last.loss);
    expect(last.samplesPerSecond).toBeGreaterThan(0);
    expect(last.etaSeconds).toBeCloseTo(0, 6);
    expect(batchLogs[0]!.gradientNorm).toBeGreaterThan(0);
    tf.dispose([x, w]);
    optimizer.dispose();
  });

  it('clips the gradient to the global norm', async () => {
    const { x, w } = regressionProblem();
    // One SGD step with learning rate 1 moves w by exactly the clipped gradient.
    await runTrainingLoop(loopOptions(x, w, { optimizer: tf.train.sgd(1), epochs: 1, batchSize: 64, clipNorm: 0.5 }));
    const norm = Math.hypot(...w.dataSync());
    expect(norm).toBeCloseTo(0.5, 5);
    tf.dispose([x, w]);
  });

  it('stops with an error naming the epoch and batch at a non-finite loss, keeping the last good weights', async () => {
    const { x, w } = regressionProblem();
    let goodWeights: number[] = [];
    const failing = loopOptions(x, w, {
      lossTerms: (batch, position) => {
        const [inputs, targets] = tf.split(batch, [3, 1], 1);
        let mse = tf.mean(tf.square(tf.sub(tf.matMul(inputs!, w), targets!))) as tf.Scalar;
        if (position.epoch === 2 && position.batch === 3) mse = tf.mul(mse, NaN) as tf.Scalar;
        return { loss: mse, terms: { mse } };
      },
      onBatchEnd: () => void (goodWeights = Array.from(w.dataSync())),
    });
    const before = tf.memory().numTensors;
    const error = await runTrainingLoop(failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(/epoch 2, batch 3/);
    expect(error).toMatchObject({ epoch: 2, batch: 3 });
    expect(Array.from(w.dataSync())).toEqual(goodWeights);
    expect(tf.memory().numTensors - before).toBe(0);
    tf.dispose([x, w]);
  });

  it('stops early when the validation loss stops improving and restores the best weights', async () => {
    const { x, w } = regressionProblem();
    const validation = [5, 3, 4, 4.5, 6, 1];
    let bestWeights: number[] = [];
    const history = await runTrainingLoop(
      loopOptions(x, w, {
        epochs: 6,
        validate: async (epoch) => validation[epoch - 1]!,
        earlyStopping: { patience: 2 },
        onEpochEnd: (log) => {
          if (log.epoch === 2) bestWeights = Array.from(w.dataSync());
        },
      }),
    );
    expect(history.stopReason).toBe('earlyStopping');
    expect(history.bestEpoch).toBe(2);
    expect(history.epochs.map((e) => e.validationLoss)).toEqual([5, 3, 4, 4.5]);
    expect(Array.from(w.dataSync())).toEqual(bestWeights);
    tf.dispose([x, w]);
  });

  it('rejects with the abort reason when cancelled, between batches', async () => {
    const { x, w } = regressionProblem();
    const controller = new AbortController();
    let batchesRun = 0;
    const options = loopOptions(x, w, {
      signal: controller.signal,
      onBatchEnd: () => {
        if (++batchesRun === 5) controller.abort(new Error('user cancelled'));
      },
    });
    const before = tf.memory().numTensors;
    const error = await runTrainingLoop(options).catch((e: unknown) => e);
    expect((error as Error).message).toBe('user cancelled');
    expect(batchesRun).toBe(5);
    expect(tf.memory().numTensors - before).toBe(0);
    tf.dispose([x, w]);
  });
});

describe('permutation', () => {
  it('is a permutation, the same for the same seed', () => {
    const a = permutation(1000, Generator.fromSeed(9));
    expect(Array.from(a).sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(permutation(1000, Generator.fromSeed(9))).toEqual(a);
    expect(permutation(1000, Generator.fromSeed(10))).not.toEqual(a);
  });

  it('puts each element first with probability 1/n (chi-square, 1% level)', () => {
    const n = 5;
    const trials = 5000;
    const counts = new Array(n).fill(0);
    const rng = Generator.fromSeed(4);
    for (let t = 0; t < trials; t++) counts[permutation(n, rng)[0]!]++;
    const expected = trials / n;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(13.28); // chi-square(4) 99th percentile
  });
});
