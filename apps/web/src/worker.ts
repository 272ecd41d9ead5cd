// The training worker: holds the data and the model, trains with pause/resume/stop,
// and sends curves and view arrays back to the page, so the page never blocks.
import * as tf from '@tensorflow/tfjs';
import { VAE } from '@elbo/vae';
import type { ObjectiveSpec, VAEOptions } from '@elbo/vae';
import { SeqVAE } from '@elbo/seq-vae';
import type { FitOptions as SeqFitOptions } from '@elbo/seq-vae';
import { startRuntime } from './runtime-choice';
import { rowsOf, seqViews, vaeViews } from './model-views';
import type { CurvePoint, FromWorker, LoadedData, RuntimeSettings, ToWorker, TrainSettings, Views } from './protocol';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

const STORE_KEYS = { vae: 'indexeddb://elbo-web-vae', 'seq-vae': 'indexeddb://elbo-web-seq-vae' } as const;
const VIEW_SEED = 7;
const SEQ_OBJECTIVES: readonly TrainSettings['objective'][] = ['elbo', 'beta-elbo', 'kl-warmup', 'free-bits'];

let data: LoadedData | undefined;
let model: { kind: 'vae'; vae: VAE } | { kind: 'seq-vae'; seq: SeqVAE } | undefined;
let controller: AbortController | undefined;
let resumeTraining: (() => void) | undefined;
let pausedUntil: Promise<void> | undefined;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function viewBuffers(views: Views): Transferable[] {
  const arrays = views.type === 'vae'
    ? [views.originals, views.reconstructions, views.samples, views.traversal, views.latents]
    : [views.latents, views.counts, views.rates];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}

async function postViews(): Promise<void> {
  if (model === undefined || data === undefined) return;
  const views = model.kind === 'vae' ? await vaeViews(model.vae, data, VIEW_SEED) : seqViews(model.seq, data, VIEW_SEED);
  post({ type: 'views', views }, viewBuffers(views));
}

/** Lets queued messages (pause, stop) run between optimizer steps, then waits while paused. */
async function checkpoint(): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
  while (pausedUntil !== undefined) await pausedUntil;
}

function requireData(): LoadedData {
  if (data === undefined) throw new Error('load data first');
  return data;
}

function vaeObjective(choice: TrainSettings['objective'], stepsPerEpoch: number): ObjectiveSpec {
  switch (choice) {
    case 'beta-elbo':
      return { type: 'elbo', klWeight: 4 };
    case 'iwae':
      return { type: 'iwae', samples: 5 };
    case 'iwae-dreg':
      return { type: 'iwae', samples: 5, estimator: 'dreg' };
    case 'mmd':
      return { type: 'mmd' };
    case 'kl-warmup':
      return { type: 'elbo', klWeight: (step: number) => Math.min(1, (step + 1) / (5 * stepsPerEpoch)) };
    case 'free-bits':
      return { type: 'elbo', freeBits: 0.25 };
    case 'elbo':
      return 'elbo';
  }
}

function vaeLikelihood(kind: LoadedData['kind']): VAEOptions['likelihood'] {
  return kind === 'images' ? 'bernoulli' : kind === 'counts' ? 'poisson' : { type: 'gaussian', scale: 'learned' };
}

function point(step: number, epoch: number, terms: Readonly<Record<string, number>>): CurvePoint {
  return { step, epoch, elbo: terms.elbo ?? terms.bound ?? NaN, reconstruction: terms.reconstruction ?? NaN, kl: terms.kl ?? NaN };
}

async function train(runtime: RuntimeSettings, settings: TrainSettings): Promise<void> {
  const current = requireData();
  // Checked before anything changes, so a bad choice keeps the current model.
  if (settings.model === 'seq-vae') {
    if (current.shape.length !== 3) throw new Error(`SeqVAE needs sequences [trials, steps, neurons]; ${current.name} is [${current.shape.join(', ')}]: choose the VAE`);
    if (!SEQ_OBJECTIVES.includes(settings.objective)) {
      throw new Error(`SeqVAE trains on the sequential ELBO: choose ELBO, β-ELBO, KL warm-up or free bits, not ${settings.objective}`);
    }
  }
  const report = await startRuntime(runtime, settings.seed);
  disposeModel();
  controller = new AbortController();
  const signal = controller.signal;
  const started = performance.now();
  let samplesSeen = 0;
  post({ type: 'state', state: 'training' });

  if (settings.model === 'vae') {
    const { x, rows, features } = rowsOf(current);
    const vae = new VAE({
      inputDim: features,
      latentDim: settings.latentDim,
      encoder: { hidden: [settings.hidden] },
      decoder: { hidden: [settings.hidden] },
      likelihood: vaeLikelihood(current.kind),
      seed: settings.seed,
    });
    model = { kind: 'vae', vae };
    post({ type: 'started', runtime: report, parameters: vae.parameterCount });
    const inputs = tf.tensor2d(x, [rows, features]);
    const stepsPerEpoch = Math.ceil(rows / settings.batchSize);
    try {
      await vae.fit(inputs, {
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        learningRate: settings.learningRate,
        objective: vaeObjective(settings.objective, stepsPerEpoch),
        seed: settings.seed,
        signal,
        onBatchEnd: async (log) => {
          samplesSeen += Math.min(settings.batchSize, rows - (log.batch - 1) * settings.batchSize);
          post({ type: 'batch', point: point(log.step + 1, log.epoch, log.terms) });
          await checkpoint();
        },
        onEpochEnd: async (log) => {
          post({ type: 'epoch', point: point(log.epoch * stepsPerEpoch, log.epoch, log.terms), epochs: log.epochs, samplesPerSecond: samplesSeen / ((performance.now() - started) / 1000) });
          await postViews();
          await checkpoint();
        },
      });
    } finally {
      inputs.dispose();
    }
  } else {
    const [trials = 0, steps = 0, neurons = 0] = current.shape;
    const seq = new SeqVAE({
      obsDim: neurons,
      latentDim: settings.latentDim,
      likelihood: current.kind === 'counts' ? 'poisson' : current.kind === 'images' ? 'bernoulli' : 'gaussian',
      transition: { type: 'gated', hidden: settings.hidden },
      encoder: { hidden: settings.hidden, combinerHidden: settings.hidden },
      seed: settings.seed,
    });
    model = { kind: 'seq-vae', seq };
    const parameters = seq.trainableVariables.reduce((total, v) => total + v.size, 0);
    post({ type: 'started', runtime: report, parameters });
    const batches = Math.ceil(trials / settings.batchSize);
    const options: SeqFitOptions = {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      ...(settings.objective === 'kl-warmup' ? { klWarmupEpochs: Math.max(1, Math.floor(settings.epochs / 3)) } : {}),
      ...(settings.objective === 'free-bits' ? { freeBits: 0.05 } : {}),
      ...(settings.objective === 'beta-elbo' ? { klWeight: 4 } : {}),
      signal,
      onBatchEnd: async (progress) => {
        samplesSeen += Math.min(settings.batchSize, trials - (progress.batch - 1) * settings.batchSize) * steps;
        post({ type: 'batch', point: { step: progress.step, epoch: progress.epoch, elbo: progress.elbo, kl: progress.kl, reconstruction: progress.elbo + progress.kl } });
        await checkpoint();
      },
      onEpochEnd: async (progress) => {
        post({
          type: 'epoch',
          point: { step: progress.epoch * batches, epoch: progress.epoch, elbo: progress.elbo, kl: progress.kl, reconstruction: progress.elbo + progress.kl },
          epochs: progress.epochs,
          samplesPerSecond: samplesSeen / ((performance.now() - started) / 1000),
        });
        await postViews();
        await checkpoint();
      },
    };
    await seq.fit({ x: current.x, shape: [trials, steps, neurons] }, options);
  }
}

function disposeModel(): void {
  if (model?.kind === 'vae') model.vae.dispose();
  if (model?.kind === 'seq-vae') model.seq.dispose();
  model = undefined;
}

function setPaused(paused: boolean, announce = true): void {
  if (paused && pausedUntil === undefined) {
    pausedUntil = new Promise<void>((resolve) => {
      resumeTraining = resolve;
    });
    post({ type: 'state', state: 'paused' });
  } else if (!paused && pausedUntil !== undefined) {
    const resume = resumeTraining;
    pausedUntil = undefined;
    resumeTraining = undefined;
    resume?.();
    if (announce) post({ type: 'state', state: 'training' });
  }
}

/** model.json (tfjs layout) and its weights file, for a download the user can load again. */
function filesFromArtifacts(artifacts: tf.io.ModelArtifacts, name: string): { name: string; bytes: ArrayBuffer; mime: string }[] {
  const weightsName = `${name}.weights.bin`;
  const weightData = artifacts.weightData;
  const weights = weightData === undefined ? new ArrayBuffer(0) : weightData instanceof ArrayBuffer ? weightData : tf.io.concatenateArrayBuffers(weightData);
  const json = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    weightsManifest: [{ paths: [`./${weightsName}`], weights: artifacts.weightSpecs ?? [] }],
  };
  return [
    { name: `${name}.json`, bytes: new TextEncoder().encode(JSON.stringify(json)).buffer as ArrayBuffer, mime: 'application/json' },
    { name: weightsName, bytes: weights, mime: 'application/octet-stream' },
  ];
}

async function save(target: 'indexeddb' | 'download'): Promise<void> {
  if (model === undefined) throw new Error('train or load a model first');
  const instance = model.kind === 'vae' ? model.vae : model.seq;
  if (target === 'indexeddb') {
    await instance.save(STORE_KEYS[model.kind]);
    post({ type: 'saved', target });
    return;
  }
  let files: { name: string; bytes: ArrayBuffer; mime: string }[] = [];
  await instance.save(tf.io.withSaveHandler(async (artifacts) => {
    files = filesFromArtifacts(artifacts, `elbo-${model!.kind}`);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  post({ type: 'saved', target, files }, files.map((f) => f.bytes));
}

async function load(runtime: RuntimeSettings, source: 'indexeddb' | readonly File[], kind: 'vae' | 'seq-vae'): Promise<void> {
  await startRuntime(runtime, VIEW_SEED);
  let artifacts: tf.io.ModelArtifacts;
  if (source === 'indexeddb') {
    const handler = tf.io.getLoadHandlers(STORE_KEYS[kind])[0];
    const loadStored = handler?.load?.bind(handler);
    if (loadStored === undefined) throw new Error('IndexedDB is not available here');
    artifacts = await loadStored();
  } else {
    const json = source.find((f) => f.name.endsWith('.json'));
    const weights = source.filter((f) => f !== json);
    if (json === undefined || weights.length === 0) throw new Error('choose the saved .json file and its .weights.bin file together');
    const handler = tf.io.browserFiles([json, ...weights]);
    if (handler.load === undefined) throw new Error('tfjs cannot read model files here');
    artifacts = await handler.load();
  }
  disposeModel();
  const memory = tf.io.fromMemory(artifacts);
  if (artifacts.format === 'elbo-seq-vae') {
    const seq = await SeqVAE.load(memory);
    model = { kind: 'seq-vae', seq };
    post({ type: 'loaded', model: 'seq-vae', description: `SeqVAE: ${seq.config.obsDim} neurons, ${seq.config.latentDim} latents` });
  } else {
    const vae = await VAE.load(memory);
    model = { kind: 'vae', vae };
    post({ type: 'loaded', model: 'vae', description: `VAE: ${vae.config.inputDim} inputs, ${vae.config.latentDim} latents, ${vae.parameterCount.toLocaleString('en')} parameters` });
  }
  if (data !== undefined) {
    const features = data.shape[data.shape.length - 1];
    const expected = model.kind === 'vae' ? model.vae.config.inputDim : model.seq.config.obsDim;
    if (features === expected) await postViews();
  }
}

function reportError(error: unknown): void {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}

scope.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case 'data':
      data = message.data;
      break;
    case 'train':
      train(message.runtime, message.settings)
        .then(() => post({ type: 'state', state: 'finished' }))
        .catch((error: unknown) => {
          if (controller?.signal.aborted) post({ type: 'state', state: 'stopped' });
          else {
            reportError(error);
            post({ type: 'state', state: 'idle' });
          }
        })
        .finally(() => {
          pausedUntil = undefined;
          resumeTraining = undefined;
        });
      break;
    case 'pause':
      setPaused(true);
      break;
    case 'resume':
      setPaused(false);
      break;
    case 'stop':
      controller?.abort(new Error('stopped by the user'));
      setPaused(false, false);
      break;
    case 'save':
      save(message.target).catch(reportError);
      break;
    case 'load':
      load(message.runtime, message.source, message.kind).catch(reportError);
      break;
  }
};
