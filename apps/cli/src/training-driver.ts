import { rm } from 'node:fs/promises';
import type { Generator } from '@elbo/runtime';
import { checkpointDir, writeCheckpoint } from './checkpoint.js';
import type { CheckpointState, EpochRecord } from './checkpoint.js';
import { TrainingProgress } from './progress.js';
import type { Reporter } from './reporter.js';
import type { TrainingModel } from './training-model.js';

/** Set to k to stop as Ctrl-C would, right after the checkpoint of epoch k (tests use it to interrupt deterministically). */
export const INTERRUPT_ENV = 'ELBO_INTERRUPT_AFTER_EPOCH';

export interface DriverOptions {
  readonly model: TrainingModel;
  readonly epochs: number;
  /** Epochs between checkpoints. */
  readonly checkpointEvery: number;
  readonly outDir: string;
  readonly settings: Record<string, unknown>;
  readonly reporter: Reporter;
  /** Where to start: a fresh generator and epoch 0, or what a checkpoint saved. */
  readonly start: { epoch: number; generator: Generator; history: EpochRecord[] };
  /** Label of the progress bar. */
  readonly label: string;
  /** Write checkpoints and handle Ctrl-C (default true; the demo does neither). */
  readonly checkpoints?: boolean;
  readonly signal?: AbortSignal;
}

export interface DriverResult {
  readonly completed: boolean;
  readonly history: EpochRecord[];
  /** Epochs completed when training stopped. */
  readonly epoch: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
  readonly checkpoint?: string;
}

/**
 * Runs the epochs in segments of `checkpointEvery`, writing a checkpoint (model,
 * optimizer state, generator state, epoch, history) after each. Ctrl-C aborts the
 * segment in flight and leaves the last checkpoint, from which --resume continues with
 * exactly the numbers an uninterrupted run would have produced.
 */
export async function runTraining(options: DriverOptions): Promise<DriverResult> {
  const { model, epochs, reporter } = options;
  const useCheckpoints = options.checkpoints ?? true;
  const rng = options.start.generator;
  const history = [...options.start.history];
  let epoch = options.start.epoch;
  const interruptAfter = Number(process.env[INTERRUPT_ENV] ?? Number.NaN);

  const controller = new AbortController();
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(130); // a second Ctrl-C: leave at once
    interrupted = true;
    reporter.note('\ninterrupted: stopping; the last checkpoint is kept (Ctrl-C again to quit at once)');
    controller.abort(new Error('interrupted'));
  };
  if (useCheckpoints) process.on('SIGINT', onSigint);
  options.signal?.addEventListener('abort', () => controller.abort(options.signal!.reason), { once: true });

  const progress = new TrainingProgress(reporter, options.label);
  const totalSteps = epochs * model.stepsPerEpoch;
  const started = performance.now();
  let examplesSeen = 0;
  let stepsDone = epoch * model.stepsPerEpoch;
  const rate = (): number => examplesSeen / Math.max(1e-9, (performance.now() - started) / 1000);
  const eta = (): number => ((totalSteps - stepsDone) * model.examples) / model.stepsPerEpoch / Math.max(1e-9, rate());
  const saveCheckpoint = async (): Promise<void> => {
    const state: CheckpointState = {
      format: 'elbo-cli-checkpoint',
      version: 1,
      model: model.kind,
      epoch,
      settings: options.settings,
      generator: rng.getState(),
      history,
    };
    await writeCheckpoint(options.outDir, state, (dir) => model.save(dir), model.optimizer);
  };
  // A checkpoint before the first epoch too, so Ctrl-C in epoch 1 leaves something to resume.
  if (useCheckpoints && epoch === 0) await saveCheckpoint();
  progress.start(totalSteps, stepsDone);
  try {
    while (epoch < epochs) {
      const count = Math.min(options.checkpointEvery, epochs - epoch);
      let records: EpochRecord[];
      try {
        records = await model.trainEpochs(epoch + 1, count, {
          rng,
          signal: controller.signal,
          onStep: (s) => {
            examplesSeen += s.examples;
            stepsDone++;
            progress.step({ epoch: s.epoch, epochs, step: stepsDone, totalSteps, elbo: s.elbo, samplesPerSecond: rate(), etaSeconds: eta() });
          },
          onEpoch: (r) => {
            stepsDone = r.epoch * model.stepsPerEpoch;
            progress.epoch({ epoch: r.epoch, epochs, step: stepsDone, totalSteps, elbo: r.elbo, samplesPerSecond: rate(), etaSeconds: eta() });
          },
        });
      } catch (error) {
        if (controller.signal.aborted) break;
        throw error;
      }
      epoch += count;
      stepsDone = epoch * model.stepsPerEpoch;
      history.push(...records);
      if (useCheckpoints && epoch < epochs) {
        await saveCheckpoint();
        if (epoch >= interruptAfter) {
          interrupted = true;
          controller.abort(new Error(`${INTERRUPT_ENV}=${interruptAfter}`));
        }
      }
      if (controller.signal.aborted) break;
    }
  } finally {
    progress.stop();
    if (useCheckpoints) process.off('SIGINT', onSigint);
  }
  const seconds = (performance.now() - started) / 1000;
  const completed = epoch >= epochs;
  if (completed && useCheckpoints) await rm(checkpointDir(options.outDir), { recursive: true, force: true });
  return {
    completed,
    history,
    epoch,
    seconds,
    samplesPerSecond: rate(),
    ...(completed || !useCheckpoints ? {} : { checkpoint: checkpointDir(options.outDir) }),
  };
}
