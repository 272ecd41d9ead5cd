import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Generator } from '@elbo/runtime';
import { lorenzSpikes } from '@elbo/data-io';
import { SeqVAE, rSquared } from '@elbo/seq-vae';
import { baselineScores, latentFit } from '../demo-scoring.js';
import type { DemoSplit } from '../demo-scoring.js';
import { EXIT } from '../errors.js';
import { formatNumber, formatSeconds } from '../progress.js';
import type { Reporter } from '../reporter.js';
import { renderReport } from '../report.js';
import { startRuntime } from '../runtime-choice.js';
import type { BackendChoice, KernelsChoice } from '../runtime-choice.js';
import { runTraining } from '../training-driver.js';
import { seqVaeTrainingModel } from '../training-model.js';

export interface DemoOptions {
  readonly out: string;
  readonly epochs?: number;
  readonly trials?: number;
  readonly backend: BackendChoice;
  readonly kernels: KernelsChoice;
  readonly seed: number;
}

// Lorenz spike trains as in @elbo/seq-vae's benchmark: 3 latents, 30 neurons, 10 ms bins, 1 s trials.
const BINS = 100;
const NEURONS = 30;
const BIN_SIZE = 0.01;
const LATENT_DIM = 3;
const DEFAULT_TRIALS = 200;
const DEFAULT_EPOCHS = 30;
// Every fifth neuron is hidden from the encoder and predicted: co-smoothing bits/spike.
const HELD_OUT = Array.from({ length: NEURONS }, (_, j) => j).filter((j) => j % 5 === 4);
const HELD_IN = Array.from({ length: NEURONS }, (_, j) => j).filter((j) => j % 5 !== 4);

/**
 * The main job: seeded Lorenz spike trains, a SeqVAE trained on the fastest backend,
 * scored against the smoothing baseline on held-out trials, and an HTML report.
 */
export async function demoCommand(options: DemoOptions, reporter: Reporter): Promise<number> {
  const started = performance.now();
  const runtime = await startRuntime({ backend: options.backend, kernels: options.kernels, seed: options.seed });
  const trainTrials = options.trials ?? DEFAULT_TRIALS;
  const testTrials = Math.max(10, Math.round(trainTrials / 4));
  const epochs = options.epochs ?? DEFAULT_EPOCHS;
  reporter.note(`elbo demo: ${trainTrials} + ${testTrials} Lorenz trials, ${NEURONS} neurons, ${BINS} bins of ${BIN_SIZE * 1000} ms (seed ${options.seed}), SeqVAE on ${runtime.backend} (${runtime.kernels} kernels)`);

  const data = lorenzSpikes({ trials: trainTrials + testTrials, bins: BINS, neurons: NEURONS, binSize: BIN_SIZE, baseRate: [3, 8], seed: options.seed });
  const perTrial = BINS * NEURONS;
  const split: DemoSplit = {
    trainCounts: data.counts.subarray(0, trainTrials * perTrial),
    testCounts: data.counts.subarray(trainTrials * perTrial),
    trainLatents: data.latents.subarray(0, trainTrials * BINS * LATENT_DIM),
    testLatents: data.latents.subarray(trainTrials * BINS * LATENT_DIM),
    testRates: Float64Array.from(data.rates.subarray(trainTrials * perTrial), (r) => r * BIN_SIZE),
    trainTrials,
    testTrials,
    bins: BINS,
    neurons: NEURONS,
    latentDim: LATENT_DIM,
    heldIn: HELD_IN,
    heldOut: HELD_OUT,
  };

  const [initSeed, trainRng, inferRng] = [options.seed, ...Generator.fromSeed(options.seed).split(2)] as [number, Generator, Generator];
  const model = new SeqVAE({
    obsDim: NEURONS,
    latentDim: LATENT_DIM,
    likelihood: 'poisson',
    // Standardised Lorenz states move about 0.07 per 10 ms bin: the transition noise starts near that.
    transition: { type: 'gated', hidden: 32, initialNoise: 0.1 },
    encoder: { hidden: 32, combinerHidden: 32, inputs: HELD_IN },
    seed: initSeed,
  });
  try {
    const settings = { epochs, batchSize: 25, learningRate: 1e-2, klWarmupEpochs: Math.max(1, Math.round(epochs / 5)) };
    const training = seqVaeTrainingModel(model, { values: split.trainCounts, shape: [trainTrials, BINS, NEURONS] }, settings);
    const result = await runTraining({
      model: training,
      epochs,
      checkpointEvery: epochs,
      outDir: options.out,
      settings,
      reporter,
      start: { epoch: 0, generator: trainRng, history: [] },
      label: 'seq-vae',
      checkpoints: false,
    });

    const inferOptions = { samples: 16, rng: inferRng };
    const testInferred = model.infer({ x: split.testCounts, shape: [testTrials, BINS, NEURONS] }, inferOptions);
    const trainInferred = model.infer({ x: split.trainCounts, shape: [trainTrials, BINS, NEURONS] }, inferOptions);
    const latent = latentFit(trainInferred.means, testInferred.means, split, LATENT_DIM);
    const evaluation = model.evaluate({ x: split.testCounts, shape: [testTrials, BINS, NEURONS] }, { samples: 4, heldOutNeurons: HELD_OUT, rng: inferRng });
    const seqVae = {
      latentR2: latent.r2,
      rateR2: rSquared(testInferred.emissionMeans, split.testRates, NEURONS),
      bitsPerSpike: evaluation.bitsPerSpike ?? Number.NaN,
      elboPerStep: evaluation.elboPerStep,
    };
    const baseline = baselineScores(split, options.seed);

    // Under `npm start` npm runs this in apps/cli; INIT_CWD is where the user typed the command.
    const reportDir = resolve(process.env['INIT_CWD'] ?? process.cwd(), options.out);
    await mkdir(reportDir, { recursive: true });
    const reportPath = join(reportDir, 'index.html');
    const seconds = (performance.now() - started) / 1000;
    const summary = {
      seed: options.seed,
      data: { trainTrials, testTrials, bins: BINS, neurons: NEURONS, binSize: BIN_SIZE, heldOutNeurons: HELD_OUT },
      runtime: { backend: runtime.backend, kernels: runtime.kernels, simd: runtime.simd, threads: runtime.threadCount },
      training: { epochs, seconds: result.seconds, samplesPerSecond: result.samplesPerSecond },
      seqVae,
      baseline,
      seconds,
    };
    await writeFile(
      reportPath,
      await renderReport({
        summary,
        elboCurve: result.history.map((h) => ({ epoch: h.epoch, elboPerStep: h.elbo / BINS })),
        trial: {
          index: 0,
          binSize: BIN_SIZE,
          trueLatents: split.testLatents.subarray(0, BINS * LATENT_DIM),
          inferredLatents: latent.mapped.subarray(0, BINS * LATENT_DIM),
          counts: split.testCounts.subarray(0, perTrial),
          rates: testInferred.emissionMeans.subarray(0, perTrial),
          heldOut: HELD_OUT,
        },
      }),
    );
    await writeFile(join(reportDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');

    const row = (name: string, a: number, b: number, digits = 3): string => `  ${name.padEnd(12)} ${formatNumber(a, digits).padStart(8)} ${formatNumber(b, digits).padStart(10)}`;
    reporter.say(`test trials (${testTrials})     SeqVAE   smoothing`);
    reporter.say(row('latent R^2', seqVae.latentR2, baseline.latentR2));
    reporter.say(row('rate R^2', seqVae.rateR2, baseline.rateR2));
    reporter.say(row('bits/spike', seqVae.bitsPerSpike, baseline.bitsPerSpike));
    reporter.say(`(smoothing: Gaussian, ${baseline.sigmaBins} bins, + factor analysis; bits/spike on ${HELD_OUT.length} held-out neurons, co-smoothing)`);
    reporter.say(`trained ${epochs} epochs in ${formatSeconds(result.seconds)} on ${runtime.backend}; whole demo ${formatSeconds(seconds)}`);
    reporter.say(`report: ${reportPath}`);
    reporter.result({ ok: true, command: 'demo', report: reportPath, ...summary });
    return EXIT.ok;
  } finally {
    model.dispose();
  }
}
