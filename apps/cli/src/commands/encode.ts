import * as tf from '@tensorflow/tfjs';
import { Generator } from '@elbo/runtime';
import type { DataOptions } from '../data-loading.js';
import { EXIT } from '../errors.js';
import { disposeModel, loadModelDir } from '../model-dir.js';
import { writeNpyFile } from '../npy-output.js';
import type { Reporter } from '../reporter.js';
import { startRuntime } from '../runtime-choice.js';
import type { BackendChoice, KernelsChoice } from '../runtime-choice.js';
import { dataOptionsFor, rowsFor, sequencesFor } from './model-data.js';

export interface EncodeOptions extends DataOptions {
  readonly model: string;
  readonly data: string;
  readonly out: string;
  /** SeqVAE: posterior draws averaged per step. */
  readonly samples?: number;
  readonly backend: BackendChoice;
  readonly kernels: KernelsChoice;
  readonly seed: number;
}

/** Posterior means: [N, K] for the VAE, [trials, bins, K] for the SeqVAE, as float32 .npy. */
export async function encodeCommand(options: EncodeOptions, explicit: ReadonlySet<string>, reporter: Reporter): Promise<number> {
  const runtime = await startRuntime({ backend: options.backend, kernels: options.kernels, seed: options.seed });
  const loaded = await loadModelDir(options.model);
  try {
    const dataOptions = dataOptionsFor(loaded, options, explicit);
    let means: Float32Array;
    let shape: number[];
    if (loaded.kind === 'vae') {
      const { x } = await rowsFor(loaded, options.data, dataOptions);
      const encoding = loaded.model.encode(x);
      means = (await encoding.mean.data()) as Float32Array;
      shape = encoding.mean.shape;
      tf.dispose([x, encoding.mean, encoding.logvar]);
    } else {
      const sequences = await sequencesFor(loaded, options.data, dataOptions);
      const inferred = loaded.model.infer({ x: sequences.values, shape: sequences.shape }, { samples: options.samples ?? 32, rng: Generator.fromSeed(options.seed) });
      means = inferred.means;
      shape = inferred.shape;
    }
    await writeNpyFile(options.out, means, shape);
    reporter.say(`wrote posterior means [${shape.join(', ')}] to ${options.out}`);
    reporter.result({ ok: true, command: 'encode', model: loaded.kind, out: options.out, shape, backend: runtime.backend });
    return EXIT.ok;
  } finally {
    disposeModel(loaded);
  }
}
