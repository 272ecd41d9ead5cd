import { Generator } from '@elbo/runtime';
import { EXIT, optionError } from '../errors.js';
import { disposeModel, loadModelDir } from '../model-dir.js';
import { writeNpyFile } from '../npy-output.js';
import type { Reporter } from '../reporter.js';
import { startRuntime } from '../runtime-choice.js';
import type { BackendChoice, KernelsChoice } from '../runtime-choice.js';

export interface SampleOptions {
  readonly model: string;
  readonly n: number;
  readonly out: string;
  /** SeqVAE: steps per sampled trial (default: the training trials' length). */
  readonly steps?: number;
  /** Also write the latents. */
  readonly latents?: string;
  /** VAE: draw from p(x|z) instead of writing its mean. */
  readonly draw: boolean;
  readonly backend: BackendChoice;
  readonly kernels: KernelsChoice;
  readonly seed: number;
}

/** New data from the generative model: [n, ...example shape] for the VAE, [n, steps, features] for the SeqVAE. */
export async function sampleCommand(options: SampleOptions, reporter: Reporter): Promise<number> {
  const runtime = await startRuntime({ backend: options.backend, kernels: options.kernels, seed: options.seed });
  const loaded = await loadModelDir(options.model);
  const rng = Generator.fromSeed(options.seed);
  try {
    if (loaded.kind === 'vae' && options.latents !== undefined) throw optionError('--latents', 'left out for a vae model (only seq-vae samples carry their latent paths)', options.latents);
    let values: Float32Array;
    let shape: number[];
    if (loaded.kind === 'vae') {
      const samples = loaded.model.sample(options.n, { rng, draw: options.draw });
      values = (await samples.data()) as Float32Array;
      samples.dispose();
      shape = [options.n, ...(loaded.info.data.rowShape ?? [loaded.model.config.inputDim])];
    } else {
      const steps = options.steps ?? loaded.info.data.shape[1] ?? 100;
      const sampled = loaded.model.sample({ trials: options.n, steps, rng });
      values = sampled.observations;
      shape = [options.n, steps, loaded.model.config.obsDim];
      if (options.latents !== undefined) await writeNpyFile(options.latents, sampled.latents, sampled.shape, '--latents');
    }
    await writeNpyFile(options.out, values, shape);
    reporter.say(`wrote ${options.n} samples [${shape.join(', ')}] to ${options.out}`);
    reporter.result({ ok: true, command: 'sample', model: loaded.kind, out: options.out, shape, backend: runtime.backend });
    return EXIT.ok;
  } finally {
    disposeModel(loaded);
  }
}
