/**
 * Writes the Lorenz benchmark's data (counts, true latents, readout, standardisation) as
 * JSON, for reference computations outside elbo (scripts/lorenz-particle-smoother.py).
 *
 *   node build/scripts/lorenz-data.js OUT.json [--seed S]
 */
import { writeFileSync } from 'node:fs';
import { flag } from './backend.js';
import { lorenzBenchmarkData } from './lorenz-benchmark.js';

const argv = process.argv.slice(2);
const out = argv[0];
if (out === undefined || out.startsWith('--')) {
  console.error('usage: node build/scripts/lorenz-data.js OUT.json [--seed S]');
  process.exit(2);
}
const seed = Number(flag(argv, 'seed') ?? 2026);
const data = lorenzBenchmarkData(seed);
writeFileSync(
  out,
  JSON.stringify({
    seed,
    shape: data.shape,
    binSize: data.binSize,
    counts: Array.from(data.counts),
    latents: Array.from(data.latents),
    readoutWeights: Array.from(data.readout.weights),
    readoutBias: Array.from(data.readout.bias),
    mean: data.standardisation.mean,
    std: data.standardisation.std,
  }),
);
console.error(`wrote ${out}: ${data.shape.join(' x ')} counts, seed ${seed}`);
