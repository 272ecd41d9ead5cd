// Arrays behind the live views, computed in the worker from the model being trained.
import * as tf from '@tensorflow/tfjs';
import { Generator } from '@elbo/runtime';
import type { SeqVAE } from '@elbo/seq-vae';
import type { VAE } from '@elbo/vae';
import type { LoadedData, SeqViews, VaeViews } from './protocol';

const RECONSTRUCTED = 8;
const SAMPLED = 16;
const TRAVERSAL = 8;
const LATENT_POINTS = 1000;
const SEQ_TRIALS = 4;
/** Traversals sweep each shown latent over ±2.5 prior standard deviations. */
const TRAVERSAL_RANGE = 2.5;

/** Flat rows [examples, features] of the data: sequences become one row per time step. */
export function rowsOf(data: LoadedData): { x: Float32Array; rows: number; features: number } {
  const features = data.shape[data.shape.length - 1]!;
  return { x: data.x, rows: data.x.length / features, features };
}

async function read(tensor: tf.Tensor): Promise<Float32Array> {
  try {
    return (await tensor.data()) as Float32Array;
  } finally {
    tensor.dispose();
  }
}

export async function vaeViews(vae: VAE, data: LoadedData, seed: number): Promise<VaeViews> {
  const { x, rows, features } = rowsOf(data);
  const { latentDim } = vae.config;
  const shown = Math.min(RECONSTRUCTED, rows);
  const pointCount = Math.min(LATENT_POINTS, rows);
  const originals = x.slice(0, shown * features);
  const rng = Generator.fromSeed(seed);

  const reconstructions = await read(tf.tidy(() => vae.reconstruct(tf.tensor2d(originals, [shown, features]))));
  const samples = await read(vae.sample(SAMPLED, { rng }));
  const means = await read(tf.tidy(() => vae.encode(tf.tensor2d(x.subarray(0, pointCount * features), [pointCount, features])).mean));
  const latents = new Float32Array(pointCount * 2);
  for (let i = 0; i < pointCount; i++) {
    latents[2 * i] = means[i * latentDim]!;
    latents[2 * i + 1] = latentDim > 1 ? means[i * latentDim + 1]! : 0;
  }
  // A grid over the first two latent dimensions (the others at the prior mean, 0).
  const grid = new Float32Array(TRAVERSAL * TRAVERSAL * latentDim);
  for (let row = 0; row < TRAVERSAL; row++) {
    for (let col = 0; col < TRAVERSAL; col++) {
      const at = (row * TRAVERSAL + col) * latentDim;
      grid[at] = -TRAVERSAL_RANGE + (2 * TRAVERSAL_RANGE * col) / (TRAVERSAL - 1);
      if (latentDim > 1) grid[at + 1] = TRAVERSAL_RANGE - (2 * TRAVERSAL_RANGE * row) / (TRAVERSAL - 1);
    }
  }
  const traversal = await read(tf.tidy(() => vae.decode(tf.tensor2d(grid, [TRAVERSAL * TRAVERSAL, latentDim]))));
  return {
    type: 'vae',
    inputDim: features,
    imageShape: data.imageShape ?? [1, features],
    valueRange: data.kind === 'images' ? 'unit' : 'perImage',
    originals,
    reconstructions,
    samples,
    traversal,
    traversalSize: TRAVERSAL,
    latents,
    ...(data.labels && data.shape.length === 2 ? { labels: data.labels.slice(0, pointCount) } : {}),
  };
}

export function seqViews(model: SeqVAE, data: LoadedData, seed: number): SeqViews {
  const [trials = 0, steps = 0, neurons = 0] = data.shape;
  const shown = Math.min(SEQ_TRIALS, trials);
  const counts = data.x.slice(0, shown * steps * neurons);
  const inferred = model.infer({ x: counts, shape: [shown, steps, neurons] }, { samples: 16, rng: Generator.fromSeed(seed) });
  return {
    type: 'seq-vae',
    trials: shown,
    steps,
    latentDim: inferred.shape[2],
    neurons,
    latents: inferred.means,
    counts,
    rates: inferred.emissionMeans,
  };
}
