import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { readIdx } from '@elbo/data-io';
import { testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { VAE } from './vae.js';

// The MNIST test set shipped with the repository's shared data (see ../shared/data/README.md).
const IMAGES = fileURLToPath(new URL('../../../../../shared/data/mnist/t10k-images-idx3-ubyte.gz', import.meta.url));

describe('VAE on MNIST (1,000 training images)', () => {
  let train: tf.Tensor2D;
  let test: tf.Tensor2D;
  beforeAll(async () => {
    await testing.initForTests({ seed: 7 });
    const images = await readIdx(IMAGES);
    expect(images.shape).toEqual([10000, 28, 28]);
    const pixels = Float32Array.from(images.data, (v) => v / 255); // intensities in [0, 1]
    train = tf.tensor2d(pixels.subarray(0, 1000 * 784), [1000, 784]);
    test = tf.tensor2d(pixels.subarray(9500 * 784), [500, 784]);
  });

  it('improves the test ELBO by more than 200 nats in 5 epochs', async () => {
    const vae = new VAE({ inputDim: 784, latentDim: 10, encoder: { hidden: [32] }, decoder: { hidden: [32] }, seed: 1 });
    const before = await vae.evaluate(test, { samples: 0, seed: 1 });
    const history = await vae.fit(train, { epochs: 5, batchSize: 100, learningRate: 1e-3, seed: 1 });
    const after = await vae.evaluate(test, { samples: 0, seed: 1 });
    // Untrained: about -784 log 2 = -543 nats per image.
    expect(before.elbo).toBeLessThan(-500);
    expect(after.elbo - before.elbo).toBeGreaterThan(200);
    expect(history.epochs.at(-1)!.loss).toBeLessThan(history.epochs[0]!.loss);
    console.log(`MNIST 1k: test ELBO ${before.elbo.toFixed(1)} -> ${after.elbo.toFixed(1)} nats, ${history.elapsedSeconds.toFixed(1)} s`);
    vae.dispose();
    tf.dispose([train, test]);
  }, 240_000); // about 15 s on an idle CI core; generous for a loaded one
});
