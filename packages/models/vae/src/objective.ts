import * as tf from '@tensorflow/tfjs';
import type { Distribution } from '@elbo/distributions';
import { elbo, iwae, mmd, wakeSleep } from '@elbo/objectives';
import { describeValue, invalidArgument } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';

/** A number, or a schedule of the training step (see @elbo/objectives' linearWarmup, cyclical, capacityAnnealing). */
export type Scheduled = number | ((step: number) => number);

/**
 * The training objective, by name or with options:
 * - `'elbo'` / `{ type: 'elbo', samples, klWeight, freeBits, capacity }`: the ELBO with
 *   beta (`klWeight`, a number or a schedule such as `linearWarmup`), free bits (nats
 *   per latent dimension) and capacity (Burgess et al.);
 * - `'iwae'` / `{ type: 'iwae', samples: K, estimator: 'reparam' | 'stl' | 'dreg' }`:
 *   the importance-weighted bound (default K = 5, 'reparam');
 * - `'mmd'` / `{ type: 'mmd', weight, kernel, klWeight }`: the MMD-VAE (InfoVAE): the
 *   reconstruction term plus `weight` (default 1000) times MMD^2 between the batch's
 *   posterior draws and prior draws, plus `klWeight` (default 0) times the KL.
 * - `'wakeSleep'` / `{ type: 'wakeSleep', samples: K, sleepSamples, wakeEncoder, sleepEncoder }`:
 *   wake-sleep (K = 1, the default) or reweighted wake-sleep (K > 1); nothing is
 *   differentiated through a sample.
 * Schedules take the 0-based optimizer step, or the 0-based epoch with `schedulePer: 'epoch'`.
 */
export type ObjectiveSpec =
  | 'elbo'
  | 'iwae'
  | 'mmd'
  | 'wakeSleep'
  | {
      readonly type: 'elbo';
      readonly samples?: number;
      readonly klWeight?: Scheduled;
      readonly freeBits?: number;
      readonly capacity?: Scheduled;
      readonly schedulePer?: 'step' | 'epoch';
    }
  | { readonly type: 'iwae'; readonly samples?: number; readonly estimator?: 'reparam' | 'stl' | 'dreg' }
  | {
      readonly type: 'mmd';
      readonly weight?: number;
      readonly kernel?: 'rbf' | 'imq';
      readonly klWeight?: Scheduled;
      readonly schedulePer?: 'step' | 'epoch';
    }
  | {
      readonly type: 'wakeSleep';
      readonly samples?: number;
      readonly sleepSamples?: number;
      readonly wakeEncoder?: boolean;
      readonly sleepEncoder?: boolean;
    };

/** The model pieces one objective evaluation needs; tensors belong to the caller's tidy. */
export interface ObjectiveInputs {
  readonly x: tf.Tensor;
  readonly posterior: Distribution;
  /** q(z|x) for other inputs (wake-sleep's dreams). */
  readonly encoder: (x: tf.Tensor) => Distribution;
  readonly prior: Distribution;
  readonly likelihood: (z: tf.Tensor) => Distribution;
  readonly rng: Generator;
  readonly epoch: number;
  readonly step: number;
}

/** A loss to minimise and its named batch-mean terms. */
export interface ObjectiveValue {
  readonly loss: tf.Scalar;
  readonly terms: Record<string, tf.Scalar>;
}

export interface TrainingObjective {
  readonly name: string;
  readonly termNames: readonly string[];
  compute(inputs: ObjectiveInputs): ObjectiveValue;
}

const TYPES = ['elbo', 'iwae', 'mmd', 'wakeSleep'] as const;

function keysOf(where: string, spec: object, allowed: readonly string[]): void {
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key)) throw invalidArgument(where, `objective option '${key}'`, `one of ${allowed.join(', ')}`, { raw: 'an unknown option' });
  }
}

function scheduled(where: string, name: string, value: Scheduled | undefined, fallback: number): (t: number) => number {
  if (value === undefined) return () => fallback;
  if (typeof value === 'function') return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidArgument(where, name, 'a finite number >= 0 or a schedule function', value);
  }
  return () => value;
}

function positiveInteger(where: string, name: string, value: unknown, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || (v as number) < 1) throw invalidArgument(where, name, 'a positive integer', v);
  return v as number;
}

const mean = (t: tf.Tensor): tf.Scalar => tf.mean(t) as tf.Scalar;

/** Resolves a user's objective option into the function the training loop calls. */
export function trainingObjective(spec: ObjectiveSpec | undefined, where: string): TrainingObjective {
  const value = spec ?? 'elbo';
  const type = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? value.type : undefined;
  if (!(TYPES as readonly unknown[]).includes(type)) {
    throw invalidArgument(where, 'objective', `one of ${TYPES.join(', ')} (a name or { type, ... })`, typeof value === 'object' ? { raw: describeValue(type) } : value);
  }
  const options = (typeof value === 'object' ? value : { type }) as Record<string, unknown>;
  const per = options.schedulePer ?? 'step';
  if (per !== 'step' && per !== 'epoch') throw invalidArgument(where, 'objective.schedulePer', "'step' or 'epoch'", per);
  const clock = (inputs: ObjectiveInputs): number => (per === 'epoch' ? inputs.epoch - 1 : inputs.step);

  if (type === 'elbo') {
    keysOf(where, options, ['type', 'samples', 'klWeight', 'freeBits', 'capacity', 'schedulePer']);
    const samples = positiveInteger(where, 'objective.samples', options.samples, 1);
    const klWeight = scheduled(where, 'objective.klWeight', options.klWeight as Scheduled | undefined, 1);
    const capacity = options.capacity === undefined ? undefined : scheduled(where, 'objective.capacity', options.capacity as Scheduled, 0);
    const freeBits = options.freeBits ?? 0;
    if (typeof freeBits !== 'number' || !Number.isFinite(freeBits) || freeBits < 0) {
      throw invalidArgument(where, 'objective.freeBits', 'a finite number >= 0 (nats per latent dimension)', freeBits);
    }
    return {
      name: 'elbo',
      termNames: ['elbo', 'reconstruction', 'kl'],
      compute: (inputs) => {
        const t = clock(inputs);
        const terms = elbo({
          posterior: inputs.posterior,
          prior: inputs.prior,
          likelihood: inputs.likelihood,
          x: inputs.x,
          samples,
          klWeight: klWeight(t),
          freeBits,
          ...(capacity ? { capacity: capacity(t) } : {}),
          rng: inputs.rng,
        });
        return { loss: terms.loss as tf.Scalar, terms: { elbo: mean(terms.elbo), reconstruction: mean(terms.reconstruction), kl: mean(terms.kl) } };
      },
    };
  }
  if (type === 'iwae') {
    keysOf(where, options, ['type', 'samples', 'estimator']);
    const samples = positiveInteger(where, 'objective.samples', options.samples, 5);
    const estimator = options.estimator ?? 'reparam';
    if (!['reparam', 'stl', 'dreg'].includes(estimator as string)) {
      throw invalidArgument(where, 'objective.estimator', "'reparam', 'stl' or 'dreg'", estimator);
    }
    return {
      name: 'iwae',
      termNames: ['bound'],
      compute: (inputs) => {
        const result = iwae({
          posterior: inputs.posterior,
          prior: inputs.prior,
          likelihood: inputs.likelihood,
          x: inputs.x,
          samples,
          estimator: estimator as 'reparam' | 'stl' | 'dreg',
          rng: inputs.rng,
        });
        return { loss: result.loss as tf.Scalar, terms: { bound: mean(result.bound) } };
      },
    };
  }
  if (type === 'wakeSleep') {
    keysOf(where, options, ['type', 'samples', 'sleepSamples', 'wakeEncoder', 'sleepEncoder']);
    const samples = positiveInteger(where, 'objective.samples', options.samples, 1);
    const sleepSamples = options.sleepSamples === undefined ? undefined : positiveInteger(where, 'objective.sleepSamples', options.sleepSamples, 1);
    for (const flag of ['wakeEncoder', 'sleepEncoder'] as const) {
      if (options[flag] !== undefined && typeof options[flag] !== 'boolean') throw invalidArgument(where, `objective.${flag}`, 'a boolean', options[flag]);
    }
    return {
      name: 'wakeSleep',
      termNames: ['bound', 'wake', 'sleep'],
      compute: (inputs) => {
        const result = wakeSleep({
          encoder: inputs.encoder,
          prior: inputs.prior,
          likelihood: inputs.likelihood,
          x: inputs.x,
          samples,
          ...(sleepSamples === undefined ? {} : { sleepSamples }),
          ...(options.wakeEncoder === undefined ? {} : { wakeEncoder: options.wakeEncoder as boolean }),
          ...(options.sleepEncoder === undefined ? {} : { sleepEncoder: options.sleepEncoder as boolean }),
          rng: inputs.rng,
        });
        return { loss: result.loss as tf.Scalar, terms: { bound: mean(result.bound), wake: result.wakeLoss as tf.Scalar, sleep: result.sleepLoss as tf.Scalar } };
      },
    };
  }
  keysOf(where, options, ['type', 'weight', 'kernel', 'klWeight', 'schedulePer']);
  const weight = options.weight ?? 1000;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
    throw invalidArgument(where, 'objective.weight', 'a finite number >= 0', weight);
  }
  const kernel = options.kernel ?? 'rbf';
  if (kernel !== 'rbf' && kernel !== 'imq') throw invalidArgument(where, 'objective.kernel', "'rbf' or 'imq'", kernel);
  const klWeight = scheduled(where, 'objective.klWeight', options.klWeight as Scheduled | undefined, 0);
  return {
    name: 'mmd',
    termNames: ['elbo', 'reconstruction', 'kl', 'mmd'],
    compute: (inputs) => {
      // The ELBO's terms at klWeight 0 give the reconstruction term (and the KL to report);
      // the MMD compares this batch's posterior draws with as many prior draws.
      const terms = elbo({ posterior: inputs.posterior, prior: inputs.prior, likelihood: inputs.likelihood, x: inputs.x, klWeight: 0, rng: inputs.rng });
      const zq = inputs.posterior.rsample([], { rng: inputs.rng });
      const zp = inputs.prior.sample([zq.shape[0]!], { rng: inputs.rng });
      const discrepancy = mmd({ x: zq, y: zp, kernel });
      const reconstruction = mean(terms.reconstruction);
      const kl = mean(terms.kl);
      const loss = tf.add(tf.neg(reconstruction), tf.add(tf.mul(discrepancy, weight), tf.mul(kl, klWeight(clock(inputs))))) as tf.Scalar;
      return { loss, terms: { elbo: mean(terms.elbo), reconstruction, kl, mmd: discrepancy as tf.Scalar } };
    },
  };
}
