import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Generator } from '@elbo/runtime';
import type { RuntimeSummary } from '@elbo/runtime';
import { VAE } from '@elbo/vae';
import { SeqVAE } from '@elbo/seq-vae';
import { checkpointDir, readCheckpointState, restoreOptimizer } from '../checkpoint.js';
import type { EpochRecord } from '../checkpoint.js';
import { asRows, asSequences, loadData } from '../data-loading.js';
import type { DataOptions, LoadedData } from '../data-loading.js';
import { CliError, EXIT, optionError } from '../errors.js';
import { METRICS_FILE, writeModelInfo } from '../model-dir.js';
import { formatNumber, formatSeconds } from '../progress.js';
import type { Reporter } from '../reporter.js';
import { startRuntime } from '../runtime-choice.js';
import type { BackendChoice, KernelsChoice } from '../runtime-choice.js';
import { runTraining } from '../training-driver.js';
import { seqVaeTrainingModel, vaeTrainingModel } from '../training-model.js';
import type { TrainingModel } from '../training-model.js';
import { CLI_VERSION } from '../version.js';

import type { LIKELIHOODS, ModelKind, OBJECTIVES, TRANSITIONS } from '../choices.js';

export interface TrainOptions extends DataOptions {
  readonly data: string;
  readonly out: string;
  readonly latentDim?: number;
  readonly hidden?: number[];
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly objective: (typeof OBJECTIVES)[number];
  readonly samples?: number;
  readonly likelihood: (typeof LIKELIHOODS)[number];
  readonly transition: (typeof TRANSITIONS)[number];
  readonly klWarmupEpochs: number;
  readonly checkpointEvery?: number;
  readonly resume: boolean;
  readonly backend: BackendChoice;
  readonly kernels: KernelsChoice;
  readonly seed: number;
}

/** The settings a run is defined by (and --resume must match), with each model's defaults filled in. */
export interface TrainSettings {
  readonly model: ModelKind;
  readonly latentDim: number;
  readonly hidden: number[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly objective: 'elbo' | 'iwae';
  readonly samples: number;
  readonly likelihood: 'bernoulli' | 'poisson' | 'gaussian';
  readonly transition: 'gated' | 'linear';
  readonly klWarmupEpochs: number;
  readonly checkpointEvery: number;
  readonly seed: number;
  readonly data: { readonly path: string; readonly options: DataOptions };
}

const DEFAULTS = {
  vae: { latentDim: 20, hidden: [400], epochs: 10, batchSize: 128, learningRate: 1e-3 },
  'seq-vae': { latentDim: 8, hidden: [64], epochs: 50, batchSize: 32, learningRate: 3e-3 },
} as const;

export async function trainCommand(kind: ModelKind, options: TrainOptions, reporter: Reporter): Promise<number> {
  const outDir = options.out;
  const dataOptions = pickDataOptions(options);
  const runtime = await startRuntime({ backend: options.backend, kernels: options.kernels, seed: options.seed });
  reporter.detail(`runtime: ${runtime.backend} (${runtime.kernels} kernels, SIMD ${String(runtime.simd)}, threads ${runtime.threadCount})`);
  const data = await loadData(options.data, dataOptions);
  const settings = resolveSettings(kind, options, data, dataOptions);
  checkModelOptions(kind, options);

  const checkpoint = options.resume ? await readCheckpointState(outDir) : undefined;
  if (checkpoint !== undefined) {
    checkSameRun(settings, checkpoint.settings as unknown as TrainSettings, checkpointDir(outDir));
  } else if (await exists(join(checkpointDir(outDir), 'state.json'))) {
    throw new CliError(`--out ${outDir}: holds a checkpoint of an interrupted run; pass --resume to continue it, or choose another --out`, EXIT.usage);
  }
  await mkdir(outDir, { recursive: true });
  reporter.note(`elbo train ${kind}: ${data.description}${checkpoint ? `; resuming after epoch ${checkpoint.epoch}` : ''}`);

  const [initRng, freshTrainRng] = Generator.fromSeed(settings.seed).split(2) as [Generator, Generator];
  let training: TrainingModel;
  let rowShape: number[] | undefined;
  let dispose: () => void;
  if (kind === 'vae') {
    const rows = asRows(data);
    rowShape = rows.rowShape;
    const vae = checkpoint
      ? await VAE.load(checkpointDir(outDir))
      : new VAE({
          inputDim: rows.columns,
          latentDim: settings.latentDim,
          encoder: { hidden: settings.hidden },
          decoder: { hidden: [...settings.hidden].reverse() },
          likelihood: settings.likelihood,
          rng: initRng,
        });
    training = vaeTrainingModel(vae, rows, settings);
    if (checkpoint) await restoreOptimizer(outDir, training.optimizer);
    dispose = () => {
      training.dispose();
      vae.dispose();
    };
  } else {
    const sequences = asSequences(data, dataOptions.trialBins);
    const model = checkpoint
      ? await SeqVAE.load(checkpointDir(outDir))
      : new SeqVAE({
          obsDim: sequences.shape[2],
          latentDim: settings.latentDim,
          likelihood: settings.likelihood,
          transition: settings.transition,
          encoder: { hidden: settings.hidden[0]!, combinerHidden: settings.hidden[0]! },
          seed: settings.seed,
        });
    training = seqVaeTrainingModel(model, sequences, settings);
    if (checkpoint) await restoreOptimizer(outDir, training.optimizer);
    dispose = () => {
      training.dispose();
      model.dispose();
    };
  }

  try {
    const result = await runTraining({
      model: training,
      epochs: settings.epochs,
      checkpointEvery: settings.checkpointEvery,
      outDir,
      settings: settings as unknown as Record<string, unknown>,
      reporter,
      start: checkpoint
        ? { epoch: checkpoint.epoch, generator: new Generator(checkpoint.generator), history: checkpoint.history }
        : { epoch: 0, generator: freshTrainRng, history: [] },
      label: kind,
    });
    if (!result.completed) {
      reporter.note(`stopped after epoch ${result.epoch}/${settings.epochs}; checkpoint in ${result.checkpoint}; continue with the same command and --resume`);
      reporter.result({ ok: false, command: 'train', interrupted: true, epoch: result.epoch, epochs: settings.epochs, checkpoint: result.checkpoint });
      return EXIT.interrupted;
    }
    await training.save(outDir);
    await writeModelInfo(outDir, {
      format: 'elbo-cli-model',
      version: 1,
      model: kind,
      data: {
        source: resolve(data.path),
        format: data.format,
        description: data.description,
        shape: data.shape,
        ...(rowShape ? { rowShape } : {}),
        images: data.images,
        options: withoutLimit(dataOptions),
      },
      settings: settings as unknown as Record<string, unknown>,
      cliVersion: CLI_VERSION,
    });
    const metrics = trainingMetrics(kind, settings, result.history, result, runtime, data);
    await writeFile(join(outDir, METRICS_FILE), JSON.stringify(metrics, null, 2) + '\n');
    const last = result.history[result.history.length - 1]!;
    reporter.say(
      `trained ${kind} for ${settings.epochs} epochs: final ELBO ${formatNumber(last.elbo)} (${kind === 'vae' ? 'nats per example' : 'nats per trial'}), ` +
        `${formatSeconds(result.seconds)}, ${formatNumber(result.samplesPerSecond, 0)} samples/s on ${runtime.backend}`,
    );
    reporter.say(`saved to ${outDir} (model, ${METRICS_FILE}, elbo.json)`);
    reporter.result({ ok: true, command: 'train', model: kind, out: outDir, ...metrics.final, epochs: settings.epochs, seconds: result.seconds, samplesPerSecond: result.samplesPerSecond, backend: runtime.backend, kernels: runtime.kernels });
    return EXIT.ok;
  } finally {
    dispose();
  }
}

function resolveSettings(kind: ModelKind, options: TrainOptions, data: LoadedData, dataOptions: DataOptions): TrainSettings {
  const defaults = DEFAULTS[kind];
  const likelihood = options.likelihood === 'auto' ? autoLikelihood(data) : options.likelihood;
  const objective = options.objective;
  return {
    model: kind,
    latentDim: options.latentDim ?? defaults.latentDim,
    hidden: options.hidden ?? [...defaults.hidden],
    epochs: options.epochs ?? defaults.epochs,
    batchSize: options.batchSize ?? defaults.batchSize,
    learningRate: options.learningRate ?? defaults.learningRate,
    objective,
    samples: options.samples ?? (objective === 'iwae' ? 5 : 1),
    likelihood,
    transition: options.transition,
    klWarmupEpochs: options.klWarmupEpochs,
    checkpointEvery: options.checkpointEvery ?? 1,
    seed: options.seed,
    data: { path: resolve(options.data), options: dataOptions },
  };
}

/** Bernoulli for images and other data in [0, 1], Poisson for counts, Gaussian otherwise. */
export function autoLikelihood(data: LoadedData): 'bernoulli' | 'poisson' | 'gaussian' {
  if (data.images) return 'bernoulli';
  if (data.counts) return 'poisson';
  if (data.unitInterval) return 'bernoulli';
  return 'gaussian';
}

function checkModelOptions(kind: ModelKind, options: TrainOptions): void {
  if (kind === 'seq-vae') {
    if (options.objective !== 'elbo') throw optionError('--objective', "'elbo' for seq-vae (its sequential ELBO)", options.objective);
    if (options.samples !== undefined) throw optionError('--samples', 'left out for seq-vae (it trains on one draw per step)', options.samples);
    if (options.hidden !== undefined && options.hidden.length !== 1) throw optionError('--hidden', 'one size for seq-vae (GRU and combiner units)', options.hidden.join(','));
  } else if (options.transition !== 'gated') {
    throw optionError('--transition', 'left out for vae (only seq-vae has a transition)', options.transition);
  }
}

function checkSameRun(now: TrainSettings, saved: TrainSettings, where: string): void {
  const differences: string[] = [];
  const compare = (name: string, a: unknown, b: unknown): void => {
    if (JSON.stringify(a) !== JSON.stringify(b)) differences.push(`${name} ${JSON.stringify(a)} (checkpoint: ${JSON.stringify(b)})`);
  };
  for (const key of Object.keys(saved) as (keyof TrainSettings)[]) {
    if (key === 'epochs' || key === 'data') continue;
    compare(`--${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`, now[key], saved[key]);
  }
  compare('--data', now.data.path, saved.data.path);
  compare('data options', now.data.options, saved.data.options);
  if (differences.length > 0) {
    throw new CliError(`--resume: this command differs from the run in ${where}: ${differences.join('; ')}; use the original options (only --epochs may change)`, EXIT.usage);
  }
}

function trainingMetrics(kind: ModelKind, settings: TrainSettings, history: EpochRecord[], result: { seconds: number; samplesPerSecond: number }, runtime: RuntimeSummary, data: LoadedData) {
  const last = history[history.length - 1]!;
  return {
    model: kind,
    data: { source: data.path, description: data.description, shape: data.shape },
    settings,
    runtime: { backend: runtime.backend, kernels: runtime.kernels, simd: runtime.simd, threads: runtime.threadCount, versions: runtime.versions },
    final: { elbo: last.elbo, loss: last.loss, kl: last.kl, unit: kind === 'vae' ? 'nats per example' : 'nats per trial' },
    history,
    seconds: result.seconds,
    samplesPerSecond: result.samplesPerSecond,
  };
}

export function pickDataOptions(options: DataOptions): DataOptions {
  return {
    format: options.format,
    ...(options.key === undefined ? {} : { key: options.key }),
    ...(options.columns === undefined ? {} : { columns: options.columns }),
    binSize: options.binSize,
    align: options.align,
    ...(options.window === undefined ? {} : { window: options.window }),
    trialBins: options.trialBins,
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  };
}

function withoutLimit(options: DataOptions): Omit<DataOptions, 'limit'> {
  const copy: Record<string, unknown> = { ...options };
  delete copy['limit'];
  return copy as Omit<DataOptions, 'limit'>;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
