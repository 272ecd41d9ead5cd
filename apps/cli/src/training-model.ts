import * as tf from '@tensorflow/tfjs';
import type { Generator } from '@elbo/runtime';
import type { VAE } from '@elbo/vae';
import type { ObjectiveSpec } from '@elbo/vae';
import type { SeqVAE } from '@elbo/seq-vae';
import type { EpochRecord } from './checkpoint.js';

/** One step's progress, as the training driver needs it. */
export interface StepReport {
  readonly epoch: number;
  readonly elbo: number;
  readonly examples: number;
}

export interface EpochHooks {
  readonly rng: Generator;
  readonly signal: AbortSignal;
  readonly onStep: (step: StepReport) => void;
  /** After each epoch, as it ends. */
  readonly onEpoch: (record: EpochRecord) => void;
}

/**
 * A model being trained, epoch by epoch: the driver (train.ts) checkpoints between
 * calls, so every call must depend only on the weights, the optimizer state and the
 * generator it is given.
 */
export interface TrainingModel {
  readonly kind: 'vae' | 'seq-vae';
  /** Examples (rows or trials) per epoch. */
  readonly examples: number;
  /** Optimizer steps per epoch. */
  readonly stepsPerEpoch: number;
  /** The optimizer whose state the checkpoint carries. */
  readonly optimizer: tf.Optimizer;
  /** Trains epochs `first` .. `first + count - 1` (1-based) and reports each. */
  trainEpochs(first: number, count: number, hooks: EpochHooks): Promise<EpochRecord[]>;
  save(dir: string): Promise<void>;
  dispose(): void;
}

export interface VaeTrainingSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly objective: 'elbo' | 'iwae';
  readonly samples: number;
  readonly klWarmupEpochs: number;
}

/**
 * The VAE trained one epoch per fit call with one persistent Adam optimizer (fit keeps
 * a passed optimizer's state), so stopping between epochs loses nothing.
 */
export function vaeTrainingModel(vae: VAE, rows: { values: Float32Array; rows: number; columns: number }, settings: VaeTrainingSettings): TrainingModel {
  const x = tf.tensor2d(rows.values, [rows.rows, rows.columns]);
  const optimizer = tf.train.adam(settings.learningRate);
  const stepsPerEpoch = Math.ceil(rows.rows / settings.batchSize);
  return {
    kind: 'vae',
    examples: rows.rows,
    stepsPerEpoch,
    optimizer,
    async trainEpochs(first, count, hooks) {
      const records: EpochRecord[] = [];
      for (let epoch = first; epoch < first + count; epoch++) {
        const started = performance.now();
        // KL warm-up by epoch: the weight depends only on the epoch number, so a resumed run uses the same one.
        const klWeight = settings.klWarmupEpochs > 0 ? Math.min(1, epoch / settings.klWarmupEpochs) : 1;
        const objective: ObjectiveSpec =
          settings.objective === 'iwae' ? { type: 'iwae', samples: settings.samples } : { type: 'elbo', samples: settings.samples, klWeight };
        const history = await vae.fit(x, {
          epochs: 1,
          batchSize: settings.batchSize,
          optimizer,
          objective,
          rng: hooks.rng,
          signal: hooks.signal,
          onBatchEnd: (log) => hooks.onStep({ epoch, elbo: elboOf(log.terms, log.loss), examples: Math.min(settings.batchSize, rows.rows - (log.batch - 1) * settings.batchSize) }),
        });
        const log = history.epochs[0]!;
        const record = { epoch, loss: log.loss, elbo: elboOf(log.terms, log.loss), kl: log.terms['kl'] ?? Number.NaN, seconds: (performance.now() - started) / 1000 };
        records.push(record);
        hooks.onEpoch(record);
      }
      return records;
    },
    async save(dir) {
      await vae.save(dir);
    },
    dispose() {
      x.dispose();
      optimizer.dispose();
    },
  };
}

function elboOf(terms: Readonly<Record<string, number>>, loss: number): number {
  return terms['elbo'] ?? terms['bound'] ?? -loss;
}

export interface SeqVaeTrainingSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly klWarmupEpochs: number;
}

/**
 * The SeqVAE trained through its own fit, one call per checkpoint segment, with one
 * persistent Adam optimizer (fit keeps a passed optimizer's state), so the segments
 * train exactly like one long fit: the KL warm-up follows the model's saved step count,
 * the noise and shuffling the generator passed in.
 */
export function seqVaeTrainingModel(model: SeqVAE, sequences: { values: Float32Array; shape: [number, number, number] }, settings: SeqVaeTrainingSettings): TrainingModel {
  const [trials] = sequences.shape;
  const optimizer = tf.train.adam(settings.learningRate);
  return {
    kind: 'seq-vae',
    examples: trials,
    stepsPerEpoch: Math.ceil(trials / settings.batchSize),
    optimizer,
    async trainEpochs(first, count, hooks) {
      const records: EpochRecord[] = [];
      let started = performance.now();
      await model.fit(
        { x: sequences.values, shape: sequences.shape },
        {
          epochs: count,
          batchSize: settings.batchSize,
          optimizer,
          klWarmupEpochs: settings.klWarmupEpochs,
          rng: hooks.rng,
          signal: hooks.signal,
          onBatchEnd: (p) => hooks.onStep({ epoch: first + p.epoch - 1, elbo: p.elbo, examples: Math.min(settings.batchSize, trials - (p.batch - 1) * settings.batchSize) }),
          onEpochEnd: (p) => {
            const now = performance.now();
            const record = { epoch: first + p.epoch - 1, loss: p.loss, elbo: p.elbo, kl: p.kl, seconds: (now - started) / 1000 };
            records.push(record);
            hooks.onEpoch(record);
            started = now;
          },
        },
      );
      return records;
    },
    save: (dir) => model.save(dir),
    dispose() {
      optimizer.dispose();
    },
  };
}
