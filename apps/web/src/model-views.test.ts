import { testing } from '@elbo/runtime';
import { SeqVAE } from '@elbo/seq-vae';
import { VAE } from '@elbo/vae';
import { beforeAll, describe, expect, it } from 'vitest';
import { lorenzData } from './data-sources';
import { rowsOf, seqViews, vaeViews } from './model-views';
import type { LoadedData } from './protocol';

beforeAll(async () => {
  await testing.initForTests({ seed: 11 });
});

const lorenz = lorenzData(2).data;
const images: LoadedData = {
  name: 'tiny images',
  kind: 'images',
  x: Float32Array.from({ length: 40 * 16 }, (_, i) => ((i * 7) % 16) / 15),
  shape: [40, 16],
  labels: Int32Array.from({ length: 40 }, (_, i) => i % 3),
  imageShape: [4, 4],
};

describe('rowsOf', () => {
  it('flattens sequences to one row per time step', () => {
    expect(rowsOf(lorenz)).toMatchObject({ rows: 64 * 50, features: 30 });
    expect(rowsOf(images)).toMatchObject({ rows: 40, features: 16 });
  });
});

describe('vaeViews', () => {
  it('gives 8 inputs with their reconstructions, 16 samples, an 8 × 8 traversal and 2-D latents with labels, leaving no tensors', async () => {
    const vae = new VAE({ inputDim: 16, latentDim: 3, encoder: { hidden: [8] }, decoder: { hidden: [8] }, seed: 1 });
    let views: Awaited<ReturnType<typeof vaeViews>> | undefined;
    const left = await testing.tensorsLeftBehindAsync(async () => {
      views = await vaeViews(vae, images, 7);
    });
    expect(left).toBe(0);
    expect(views!.originals).toEqual(images.x.slice(0, 8 * 16));
    expect(views!.reconstructions).toHaveLength(8 * 16);
    expect(views!.samples).toHaveLength(16 * 16);
    expect(views!.traversal).toHaveLength(64 * 16);
    expect(views!.latents).toHaveLength(40 * 2);
    expect(views!.labels).toEqual(images.labels);
    expect(views!.valueRange).toBe('unit');
    // Bernoulli means are probabilities.
    expect(views!.samples.every((p) => p >= 0 && p <= 1)).toBe(true);
    // The traversal sweeps z1 along rows: its corners decode different latents.
    const corner = (i: number): number[] => Array.from(views!.traversal.subarray(i * 16, (i + 1) * 16));
    expect(corner(0)).not.toEqual(corner(63));
    // The same seed gives the same samples.
    const again = await vaeViews(vae, images, 7);
    expect(again.samples).toEqual(views!.samples);
    vae.dispose();
  });

  it('reads sequences row by row and scales pictures per image for counts', async () => {
    const vae = new VAE({ inputDim: 30, latentDim: 2, encoder: { hidden: [8] }, decoder: { hidden: [8] }, likelihood: 'poisson', seed: 1 });
    let views: Awaited<ReturnType<typeof vaeViews>> | undefined;
    expect(await testing.tensorsLeftBehindAsync(async () => {
      views = await vaeViews(vae, lorenz, 7);
    })).toBe(0);
    expect(views!.imageShape).toEqual([1, 30]);
    expect(views!.valueRange).toBe('perImage');
    expect(views!.labels).toBeUndefined();
    expect(views!.latents).toHaveLength(1000 * 2);
    expect(views!.originals).toEqual(lorenz.x.slice(0, 8 * 30));
    vae.dispose();
  });
});

describe('seqViews', () => {
  it('infers latents and rates for the first 4 trials, leaving no tensors', () => {
    const model = new SeqVAE({ obsDim: 30, latentDim: 2, transition: { type: 'gated', hidden: 8 }, encoder: { hidden: 8, combinerHidden: 8 }, seed: 1 });
    let views: ReturnType<typeof seqViews> | undefined;
    expect(testing.tensorsLeftBehind(() => {
      views = seqViews(model, lorenz, 7);
    })).toBe(0);
    expect(views).toMatchObject({ trials: 4, steps: 50, latentDim: 2, neurons: 30 });
    expect(views!.latents).toHaveLength(4 * 50 * 2);
    expect(views!.counts).toEqual(lorenz.x.slice(0, 4 * 50 * 30));
    expect(views!.rates).toHaveLength(4 * 50 * 30);
    expect(views!.rates.every((r) => r > 0 && Number.isFinite(r))).toBe(true);
    model.dispose();
  });
});
