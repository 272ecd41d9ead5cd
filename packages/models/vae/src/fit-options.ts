import * as tf from '@tensorflow/tfjs';
import { Generator, getGenerator, invalidArgument } from '@elbo/runtime';
import type { DataInput } from './data.js';
import type { ObjectiveSpec } from './objective.js';
import type { BatchLog, EarlyStopping, EpochLog } from './training-loop.js';

/** tfjs optimizers by name; each is built with `learningRate` (momentum 0.9 for 'momentum'). */
export const OPTIMIZERS = ['adam', 'adamax', 'sgd', 'momentum', 'rmsprop', 'adagrad', 'adadelta'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface FitOptions {
  /** Passes over the data. Default 10. */
  readonly epochs?: number;
  /** Examples per step; the last batch of an epoch may be smaller. Default 128. */
  readonly batchSize?: number;
  /** Default 1e-3. */
  readonly learningRate?: number;
  /** A tfjs optimizer by name (default 'adam') or an instance (you dispose it; its state carries over). */
  readonly optimizer?: OptimizerName | tf.Optimizer;
  /** Default 'elbo'. */
  readonly objective?: ObjectiveSpec;
  /** Seeds the shuffling and the sampling noise; or pass `rng`. Default: the runtime's generator. */
  readonly seed?: number;
  readonly rng?: Generator;
  /** Shuffle the examples every epoch. Default true. */
  readonly shuffle?: boolean;
  /** Clip the gradient to this global L2 norm. Default: no clipping. */
  readonly clipNorm?: number;
  /** Held-out data; its mean negative ELBO is reported each epoch as `validationLoss`. */
  readonly validation?: DataInput;
  /** Stop when the validation loss stops improving (needs `validation`). */
  readonly earlyStopping?: EarlyStopping;
  /** Cancels training between steps: fit rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly onBatchEnd?: (log: BatchLog) => void | Promise<void>;
  readonly onEpochEnd?: (log: EpochLog) => void | Promise<void>;
}

/** The options of `VAE.trainer`: fit's, less the loop's. */
export type TrainerOptions = Pick<FitOptions, 'learningRate' | 'optimizer' | 'objective' | 'seed' | 'rng' | 'clipNorm'>;
export const TRAINER_KEYS = ['learningRate', 'optimizer', 'objective', 'seed', 'rng', 'clipNorm'];

const KEYS = [
  'epochs',
  'batchSize',
  'learningRate',
  'optimizer',
  'objective',
  'seed',
  'rng',
  'shuffle',
  'clipNorm',
  'validation',
  'earlyStopping',
  'signal',
  'onBatchEnd',
  'onEpochEnd',
];

export interface ResolvedFitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly clipNorm: number | undefined;
  readonly earlyStopping: EarlyStopping | undefined;
  readonly rng: Generator;
  makeOptimizer(): { optimizer: tf.Optimizer; ownsOptimizer: boolean };
}

function positiveInteger(where: string, name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw invalidArgument(where, name, 'a positive integer', value);
  return value as number;
}

function positiveNumber(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalidArgument(where, name, 'a finite number > 0', value);
  return value;
}

/** Checks fit's options (all of them, before any work) and fills in defaults. */
export function fitOptions(options: FitOptions, where: string, allowed: readonly string[] = KEYS): ResolvedFitOptions {
  if (typeof options !== 'object' || options === null) throw invalidArgument(where, 'options', 'an object', options);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw invalidArgument(where, `option '${key}'`, `one of ${allowed.join(', ')}`, { raw: 'an unknown option' });
  }
  const epochs = positiveInteger(where, 'epochs', options.epochs ?? 10);
  const batchSize = positiveInteger(where, 'batchSize', options.batchSize ?? 128);
  const learningRate = positiveNumber(where, 'learningRate', options.learningRate ?? 1e-3);
  const clipNorm = options.clipNorm === undefined ? undefined : positiveNumber(where, 'clipNorm', options.clipNorm);
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw invalidArgument(where, 'shuffle', 'a boolean', shuffle);
  for (const name of ['onBatchEnd', 'onEpochEnd'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw invalidArgument(where, name, 'a function', options[name]);
  }
  if (options.signal !== undefined && !(typeof options.signal === 'object' && options.signal !== null && 'aborted' in options.signal)) {
    throw invalidArgument(where, 'signal', 'an AbortSignal', options.signal);
  }
  const earlyStopping = options.earlyStopping;
  if (earlyStopping !== undefined) {
    if (options.validation === undefined) {
      throw invalidArgument(where, 'earlyStopping', 'given together with validation data', { raw: 'no validation option' });
    }
    positiveInteger(where, 'earlyStopping.patience', earlyStopping?.patience);
    const minDelta = earlyStopping.minDelta ?? 0;
    if (typeof minDelta !== 'number' || !Number.isFinite(minDelta) || minDelta < 0) {
      throw invalidArgument(where, 'earlyStopping.minDelta', 'a finite number >= 0', minDelta);
    }
  }
  if (options.seed !== undefined && options.rng !== undefined) throw invalidArgument(where, 'seed and rng', 'not both given', { raw: 'both' });
  // Checked by shape, not instanceof: a bundle may hold two copies of @elbo/runtime.
  if (options.rng !== undefined && typeof (options.rng as Partial<Generator>)?.fork !== 'function') {
    throw invalidArgument(where, 'rng', 'a Generator from @elbo/runtime', options.rng);
  }
  const rng = options.rng ?? (options.seed !== undefined ? Generator.fromSeed(options.seed) : getGenerator());

  const optimizer = options.optimizer ?? 'adam';
  if (!(optimizer instanceof tf.Optimizer) && !(OPTIMIZERS as readonly unknown[]).includes(optimizer)) {
    throw invalidArgument(where, 'optimizer', `one of ${OPTIMIZERS.join(', ')} or a tf.Optimizer`, optimizer);
  }
  if (optimizer instanceof tf.Optimizer && options.learningRate !== undefined) {
    // An optimizer instance carries its own learning rate; ignoring the option would surprise.
    throw invalidArgument(where, 'learningRate', 'left out when optimizer is a tf.Optimizer (set it on the optimizer)', options.learningRate);
  }
  const makeOptimizer = (): { optimizer: tf.Optimizer; ownsOptimizer: boolean } => {
    if (optimizer instanceof tf.Optimizer) return { optimizer, ownsOptimizer: false };
    const byName: Record<OptimizerName, () => tf.Optimizer> = {
      adam: () => tf.train.adam(learningRate),
      adamax: () => tf.train.adamax(learningRate),
      sgd: () => tf.train.sgd(learningRate),
      momentum: () => tf.train.momentum(learningRate, 0.9),
      rmsprop: () => tf.train.rmsprop(learningRate),
      adagrad: () => tf.train.adagrad(learningRate),
      adadelta: () => tf.train.adadelta(learningRate),
    };
    return { optimizer: byName[optimizer](), ownsOptimizer: true };
  };
  return { epochs, batchSize, shuffle, clipNorm, earlyStopping, rng, makeOptimizer };
}
