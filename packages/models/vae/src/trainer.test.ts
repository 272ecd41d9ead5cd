import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { VAE } from './vae.js';

const model = (): VAE => new VAE({ inputDim: 5, latentDim: 2, encoder: { hidden: [6] }, decoder: { hidden: [6] }, seed: 3 });

describe('VAE.trainer', () => {
  let x: tf.Tensor2D;
  beforeAll(async () => {
    await testing.initForTests({ seed: 4 });
    x = tf.tensor2d(Generator.fromSeed(1).uniformArray(40 * 5), [40, 5]);
  });

  it('takes the same steps as fit on the same batches and seed', async () => {
    const viaFit = model();
    await viaFit.fit(x, { epochs: 1, batchSize: 20, shuffle: false, seed: 9 });
    const viaTrainer = model();
    const trainer = viaTrainer.trainer({ seed: 9 });
    const before = tf.memory().numTensors;
    const first = x.slice([0, 0], [20, 5]);
    const second = x.slice([20, 0], [20, 5]);
    const result = trainer.step(first);
    trainer.step(second);
    tf.dispose([first, second]);
    // Adam's moment estimates are the only new tensors (2 per variable, created on first use).
    expect(tf.memory().numTensors - before).toBe(2 * viaTrainer.variables.length);
    expect(trainer.steps).toBe(2);
    expect(Object.keys(result.terms)).toEqual(['elbo', 'reconstruction', 'kl']);
    expect(result.loss).toBeCloseTo(-result.terms.elbo!, 4);
    viaFit.variables.forEach((v, i) => expect(viaTrainer.variables[i]!.dataSync()).toEqual(v.dataSync()));
    trainer.dispose();
    // Disposing frees the moments and the two beta-power scalars Adam made when created.
    expect(tf.memory().numTensors - before).toBe(-2);
    [viaFit, viaTrainer].forEach((m) => m.dispose());
  });

  it('reports the gradient norm before clipping, and clips the update to clipNorm', () => {
    // With SGD the update is -learningRate * gradient, so the change of the weights gives
    // the (clipped) gradient's norm independently of how the step computes it.
    const learningRate = 0.5;
    const updateNorm = (clipNorm?: number): { reported: number; applied: number } => {
      const vae = model();
      const before = vae.variables.map((v) => tf.clone(v));
      const trainer = vae.trainer({ optimizer: 'sgd', learningRate, seed: 5, ...(clipNorm === undefined ? {} : { clipNorm }) });
      const { gradientNorm } = trainer.step(x);
      const applied = tf.tidy(() => Math.sqrt(tf.addN(vae.variables.map((v, i) => tf.sum(tf.square(tf.sub(v, before[i]!))))).dataSync()[0]!) / learningRate);
      tf.dispose(before);
      trainer.dispose();
      vae.dispose();
      return { reported: gradientNorm, applied };
    };
    const free = updateNorm();
    expect(free.reported).toBeGreaterThan(0);
    expect(Math.abs(free.applied - free.reported) / free.reported).toBeLessThan(1e-3);
    const clipped = updateNorm(free.reported / 4);
    expect(Math.abs(clipped.reported - free.reported) / free.reported).toBeLessThan(1e-5);
    expect(Math.abs(clipped.applied - free.reported / 4) / (free.reported / 4)).toBeLessThan(1e-3);
  });

  it('rejects bad batches and options', () => {
    const vae = model();
    expect(() => vae.trainer({ epochs: 3 } as never)).toThrow(/VAE.trainer: option 'epochs' must be one of learningRate/);
    const trainer = vae.trainer();
    const wrong = tf.zeros([3, 4]);
    expect(() => trainer.step(wrong as tf.Tensor2D)).toThrow(/VAE.trainer.step: x must be a live float32 tensor \[B, 5\], found float32 \[3, 4\]/);
    trainer.dispose();
    expect(() => trainer.step(x)).toThrow(/trainer must be not disposed/);
    wrong.dispose();
    vae.dispose();
  });
});
