// Where data come from: the synthetic Lorenz spike trains, the bundled MNIST sample, or
// a file the user opens (NWB, .npy, .npz, IDX). Files are read in the page; nothing is uploaded.
import { binSpikes, lorenzSpikes, readIdx, readNpy, readNpz, readNwb } from '@elbo/data-io';
import type { NpyArray } from '@elbo/data-io';
import type { LoadedData } from './protocol';

// Made by scripts/make-mnist-sample.mjs into public/, served next to the page.
const mnistImagesUrl = `${import.meta.env.BASE_URL}mnist-1000-images-idx3-ubyte.gz`;
const mnistLabelsUrl = `${import.meta.env.BASE_URL}mnist-1000-labels-idx1-ubyte.gz`;

/** What the page shows about a loaded file beyond its shape. */
export interface LoadResult {
  readonly data: LoadedData;
  readonly details: string;
  /** NWB files: the number of units in the Units table. */
  readonly units?: number;
}

/** Bins per chunk when a recording without trials is cut into pseudo-trials. */
const CHUNK_BINS = 100;
const NWB_BIN_SIZE = 0.02;

export function lorenzData(seed: number): LoadResult {
  const trials = 64;
  const bins = 50;
  const neurons = 30;
  const lorenz = lorenzSpikes({ trials, bins, neurons, binSize: 0.02, baseRate: [10, 30], seed });
  return {
    data: { name: 'Lorenz spike trains', kind: 'counts', x: lorenz.counts, shape: [trials, bins, neurons] },
    details: `${trials} trials × ${bins} bins of 20 ms × ${neurons} neurons, Poisson spikes driven by a 3-D Lorenz system (seed ${seed})`,
  };
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function mnistSample(): Promise<LoadResult> {
  const [images, labels] = await Promise.all([readIdx(await fetchBytes(mnistImagesUrl)), readIdx(await fetchBytes(mnistLabelsUrl))]);
  const [count = 0, height = 0, width = 0] = images.shape;
  return {
    data: {
      name: 'MNIST sample',
      kind: 'images',
      x: Float32Array.from(images.data as Uint8Array, (v) => v / 255),
      shape: [count, height * width],
      labels: Int32Array.from(labels.data as Uint8Array),
      imageShape: [height, width],
    },
    details: `${count} MNIST test digits (${height}×${width}, intensities scaled to [0, 1]) with labels`,
  };
}

export async function fromFile(file: File): Promise<LoadResult> {
  const name = file.name.toLowerCase();
  if (name.endsWith('.nwb')) return fromNwb(file);
  if (name.endsWith('.npy')) return fromArray(file.name, await readNpy(file));
  if (name.endsWith('.npz')) return fromNpz(file);
  if (/idx\d-ubyte(\.gz)?$/.test(name) || name.endsWith('.idx') || name.endsWith('.idx.gz')) return fromIdx(file);
  throw new Error(`${file.name}: expected an .nwb, .npy, .npz or IDX (…idx3-ubyte[.gz]) file`);
}

async function fromNwb(file: File): Promise<LoadResult> {
  const nwb = await readNwb(file);
  try {
    const units = nwb.units;
    if (units === null || units.count === 0) throw new Error(`${file.name}: the NWB file has no Units table with spike times`);
    const spikeTimes = units.spikeTimes();
    const trials = nwb.trials;
    let binned;
    let how: string;
    if (trials !== null && trials.rowCount > 0) {
      let shortest = Infinity;
      for (let i = 0; i < trials.rowCount; i++) shortest = Math.min(shortest, trials.stopTime[i]! - trials.startTime[i]!);
      binned = binSpikes(spikeTimes, { trials, window: [0, shortest], binSize: NWB_BIN_SIZE });
      how = `${trials.rowCount} trials from their start, ${binned.shape[1]} bins of 20 ms`;
    } else {
      let start = Infinity;
      let stop = -Infinity;
      for (const times of spikeTimes) {
        if (times.length === 0) continue;
        start = Math.min(start, times[0]!);
        stop = Math.max(stop, times[times.length - 1]!);
      }
      const chunks = Math.floor((stop - start) / (NWB_BIN_SIZE * CHUNK_BINS));
      if (!(chunks >= 1)) throw new Error(`${file.name}: spikes span ${(stop - start).toFixed(3)} s, too short for one chunk of ${CHUNK_BINS} bins`);
      const alignTimes = Array.from({ length: chunks }, (_, i) => start + i * NWB_BIN_SIZE * CHUNK_BINS);
      binned = binSpikes(spikeTimes, { trials: alignTimes, window: [0, NWB_BIN_SIZE * CHUNK_BINS], binSize: NWB_BIN_SIZE });
      how = `no trials table: the recording cut into ${chunks} chunks of ${CHUNK_BINS} bins of 20 ms`;
    }
    return {
      data: { name: file.name, kind: 'counts', x: binned.counts, shape: binned.shape },
      details: `${units.count} units, ${units.spikeCount.toLocaleString('en')} spikes; ${how}`,
      units: units.count,
    };
  } finally {
    nwb.close();
  }
}

async function fromNpz(file: File): Promise<LoadResult> {
  const arrays = await readNpz(file);
  const entry = Object.entries(arrays).find(([, array]) => array.shape.length === 2 || array.shape.length === 3);
  if (entry === undefined) {
    throw new Error(`${file.name}: expected an array of rank 2 [examples, features] or 3 [trials, steps, neurons], found ${Object.entries(arrays).map(([k, a]) => `${k} [${a.shape.join(', ')}]`).join(', ')}`);
  }
  return fromArray(`${file.name}:${entry[0]}`, entry[1]);
}

async function fromIdx(file: File): Promise<LoadResult> {
  const idx = await readIdx(file);
  const [count = 0, height = 1, width = 1] = idx.shape;
  if (idx.shape.length !== 3 && idx.shape.length !== 2) throw new Error(`${file.name}: expected IDX images [n, h, w] or rows [n, d], found [${idx.shape.join(', ')}]`);
  const isBytes = idx.data instanceof Uint8Array;
  const x = Float32Array.from(idx.data as ArrayLike<number>, (v) => (isBytes ? v / 255 : v));
  const imageShape: [number, number] | undefined = idx.shape.length === 3 ? [height, width] : undefined;
  return {
    data: { name: file.name, kind: isBytes ? 'images' : 'real', x, shape: [count, height * width], ...(imageShape ? { imageShape } : {}) },
    details: `${count} rows of ${height * width} values${isBytes ? ' (bytes scaled to [0, 1])' : ''}`,
  };
}

function fromArray(name: string, array: NpyArray): LoadResult {
  const { shape } = array;
  if (shape.length !== 2 && shape.length !== 3) throw new Error(`${name}: expected rank 2 [examples, features] or 3 [trials, steps, neurons], found shape [${shape.join(', ')}]`);
  if (Array.isArray(array.data)) {
    throw new Error(`${name}: expected numeric data, found ${array.dtype}`);
  }
  const x = Float32Array.from(array.data as ArrayLike<number>, Number);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new Error(`${name}: element ${i} is ${x[i]}, expected finite values`);
  }
  const isCounts = x.every((v) => v >= 0 && Number.isInteger(v));
  const isUnit = !isCounts && x.every((v) => v >= 0 && v <= 1);
  return {
    data: { name, kind: isCounts ? 'counts' : isUnit ? 'images' : 'real', x, shape },
    details: `${array.dtype} [${shape.join(', ')}], ${isCounts ? 'non-negative integers: Poisson counts' : isUnit ? 'values in [0, 1]: Bernoulli' : 'real values: Gaussian'}`,
  };
}
