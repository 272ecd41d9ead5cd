import * as tf from '@tensorflow/tfjs';
import { Generator } from '@elbo/runtime';
import { VAE } from '@elbo/vae';
import { briefReason, probeBackend } from '../backend-probe.js';
import { EXIT } from '../errors.js';
import { formatNumber } from '../progress.js';
import type { Reporter } from '../reporter.js';
import { BACKENDS, KERNELS } from '../choices.js';
import type { BackendChoice, KernelsChoice } from '../runtime-choice.js';

export interface BenchOptions {
  readonly steps: number;
  readonly batchSize: number;
  readonly backend?: BackendChoice;
  readonly kernels?: KernelsChoice;
}

const INPUT_DIM = 784;
const LATENT_DIM = 20;
const WARMUP_STEPS = 3;

/**
 * A quick speed check: training steps of an MNIST-sized VAE (784-400-20, Bernoulli) on
 * every backend and kernel set that starts here, in samples per second. The full suite,
 * against plain tfjs and PyTorch, is `npm run bench` in the repository.
 */
export async function benchCommand(options: BenchOptions, reporter: Reporter): Promise<number> {
  const backends = options.backend && options.backend !== 'auto' ? [options.backend] : BACKENDS.filter((b) => b !== 'auto');
  const kernelSets = options.kernels ? [options.kernels] : [...KERNELS];
  const results = [];
  for (const backend of backends) {
    for (const kernels of kernelSets) {
      const probe = await probeBackend(backend as Exclude<BackendChoice, 'auto'>, kernels, 1);
      if (!probe.available) {
        results.push({ backend, kernels, available: false, reason: probe.reason });
        reporter.note(`${`${backend} + ${kernels}`.padEnd(28)} not available: ${briefReason(probe.reason)}`);
        continue;
      }
      const samplesPerSecond = await vaeStepSpeed(options.steps, options.batchSize);
      results.push({ backend, kernels, available: true, samplesPerSecond, simd: probe.summary.simd, threads: probe.summary.threadCount });
      reporter.say(`${`${backend} + ${kernels}`.padEnd(28)} ${formatNumber(samplesPerSecond, 0).padStart(8)} samples/s  (vae-step, batch ${options.batchSize}, ${options.steps} steps)`);
    }
  }
  reporter.say('the full benchmark suite (models, kernels, I/O, against plain tfjs and PyTorch): npm run bench');
  reporter.result({ ok: true, command: 'bench', benchmark: 'vae-step', model: `${INPUT_DIM}-400-${LATENT_DIM} bernoulli`, batchSize: options.batchSize, steps: options.steps, results });
  return EXIT.ok;
}

async function vaeStepSpeed(steps: number, batchSize: number): Promise<number> {
  const rng = Generator.fromSeed(1);
  const vae = new VAE({ inputDim: INPUT_DIM, latentDim: LATENT_DIM, encoder: { hidden: [400] }, decoder: { hidden: [400] }, likelihood: 'bernoulli', rng });
  const pixels = Float32Array.from(rng.uniformArray(batchSize * INPUT_DIM), (u) => (u < 0.2 ? 1 : 0));
  const x = tf.tensor2d(pixels, [batchSize, INPUT_DIM]);
  const trainer = vae.trainer({ learningRate: 1e-3, rng: rng.fork() });
  try {
    for (let i = 0; i < WARMUP_STEPS; i++) trainer.step(x);
    const started = performance.now();
    for (let i = 0; i < steps; i++) trainer.step(x);
    return (steps * batchSize) / ((performance.now() - started) / 1000);
  } finally {
    trainer.dispose();
    x.dispose();
    vae.dispose();
  }
}
