/**
 * Cost of one training step at the Lorenz benchmark's size (30 trials x 100 bins x 30
 * neurons, 8 latents, 32 GRU units): the number of tfjs kernels a step launches
 * (counted by tf.profile over whole fit calls) and the process CPU time per step, which,
 * unlike wall time, holds still when other jobs share the machine.
 *
 *   node build/scripts/step-profile.js [--backend cpu|wasm] [--steps N] [--samples S] [--bins T]
 */
import * as tf from '@tensorflow/tfjs';
import { lorenzSpikes } from '@elbo/data-io';
import { Generator } from '@elbo/runtime';
import { SeqVAE } from '@elbo/seq-vae';
import { flag, startRuntime } from './backend.js';
import type { BackendName } from './backend.js';

const argv = process.argv.slice(2);
const backend = (flag(argv, 'backend') as BackendName | undefined) ?? 'wasm';
const steps = Number(flag(argv, 'steps') ?? 10);
const samples = Number(flag(argv, 'samples') ?? 1);
const bins = Number(flag(argv, 'bins') ?? 100);
const trials = 30;
const neurons = 30;
await startRuntime(backend, 'default', 1);
const data = lorenzSpikes({ trials, bins, neurons, binSize: 0.01, baseRate: [3, 8], seed: 1 });
const input = { x: data.counts, shape: [trials, bins, neurons] };
const model = new SeqVAE({ obsDim: neurons, latentDim: 8, transition: { type: 'gated', hidden: 32 }, encoder: { hidden: 32, combinerHidden: 32 }, seed: 1 });
const fit = (epochs: number) => model.fit(input, { epochs, batchSize: trials, samples, rng: Generator.fromSeed(2) });

await fit(2); // warm-up: kernel compilation, allocator growth
const profile = await tf.profile(async () => {
  await fit(1);
  return [];
});
const kernelsPerStep = profile.kernels.length;
const counts = new Map<string, number>();
for (const k of profile.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12);

const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
await fit(steps);
const cpu = process.cpuUsage(cpuBefore);
const wall = performance.now() - wallBefore;
model.dispose();
console.log(
  JSON.stringify(
    {
      backend,
      shape: [trials, bins, neurons],
      samples,
      kernelsPerStep,
      cpuMsPerStep: (cpu.user + cpu.system) / 1000 / steps,
      wallMsPerStep: wall / steps,
      topKernels: Object.fromEntries(top),
    },
    null,
    2,
  ),
);
