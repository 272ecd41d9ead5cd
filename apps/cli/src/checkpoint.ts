import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { GeneratorState } from '@elbo/runtime';
import { CliError, EXIT } from './errors.js';

type NamedTensor = { name: string; tensor: tf.Tensor };

/** Everything a training run needs to continue exactly where it stopped. */
export interface CheckpointState {
  readonly format: 'elbo-cli-checkpoint';
  readonly version: 1;
  readonly model: 'vae' | 'seq-vae';
  /** Epochs completed. */
  readonly epoch: number;
  /** The resolved training settings, so --resume can refuse a different run. */
  readonly settings: Record<string, unknown>;
  /** The training generator (shuffling and noise) after `epoch` epochs. */
  readonly generator: GeneratorState;
  /** Per-epoch logs so far, so metrics.json covers the whole run. */
  readonly history: EpochRecord[];
}

export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  readonly elbo: number;
  readonly kl: number;
  readonly seconds: number;
}

export const CHECKPOINT_DIR = 'checkpoint';
const STATE_FILE = 'state.json';
const OPTIMIZER_FILE = 'optimizer.bin';
const OPTIMIZER_SPECS = 'optimizer.json';

/**
 * Writes a checkpoint atomically: into `checkpoint.partial/`, then renamed over
 * `checkpoint/`, so an interruption while writing never leaves a half checkpoint.
 */
export async function writeCheckpoint(
  outDir: string,
  state: CheckpointState,
  saveModel: (dir: string) => Promise<void>,
  optimizer: tf.Optimizer | undefined,
): Promise<string> {
  const final = join(outDir, CHECKPOINT_DIR);
  const partial = `${final}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await saveModel(partial);
  if (optimizer !== undefined) {
    const named = await optimizerTensors(optimizer);
    const { data, specs } = await tf.io.encodeWeights(named);
    await writeFile(join(partial, OPTIMIZER_FILE), new Uint8Array(data as ArrayBuffer));
    await writeFile(join(partial, OPTIMIZER_SPECS), JSON.stringify({ className: optimizer.getClassName(), specs }, null, 1));
  }
  await writeFile(join(partial, STATE_FILE), JSON.stringify(state, null, 1));
  await rm(final, { recursive: true, force: true });
  await rename(partial, final);
  return final;
}

/** Reads `<outDir>/checkpoint/state.json`; a missing or foreign checkpoint is a one-line error naming --resume. */
export async function readCheckpointState(outDir: string): Promise<CheckpointState> {
  const dir = join(outDir, CHECKPOINT_DIR);
  const file = join(dir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    const exists = await stat(outDir).then(() => true, () => false);
    throw new CliError(`--resume: ${file} not found, expected a checkpoint left by an interrupted 'elbo train' (${exists ? 'the directory has none' : 'no such directory'})`, EXIT.failure);
  }
  let state: CheckpointState;
  try {
    state = JSON.parse(text) as CheckpointState;
  } catch (error) {
    throw new CliError(`${file}: not valid JSON (${(error as Error).message})`, EXIT.failure);
  }
  if (state.format !== 'elbo-cli-checkpoint' || state.version !== 1) {
    throw new CliError(`${file}: expected an elbo-cli-checkpoint version 1, found ${JSON.stringify(state.format)} version ${String(state.version)}`, EXIT.failure);
  }
  return state;
}

export function checkpointDir(outDir: string): string {
  return join(outDir, CHECKPOINT_DIR);
}

/** Restores an Adam optimizer's moments, step count and bias-correction powers exactly as saved. */
export async function restoreOptimizer(outDir: string, optimizer: tf.Optimizer): Promise<void> {
  const dir = join(outDir, CHECKPOINT_DIR);
  const { className, specs } = JSON.parse(await readFile(join(dir, OPTIMIZER_SPECS), 'utf8')) as { className: string; specs: tf.io.WeightsManifestEntry[] };
  if (className !== optimizer.getClassName()) {
    throw new CliError(`${dir}: the checkpoint holds a ${className} optimizer, this run uses ${optimizer.getClassName()}`, EXIT.failure);
  }
  const bytes = await readFile(join(dir, OPTIMIZER_FILE));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(buffer, specs);
  const { powers, weights } = splitPowers(specs.map((s) => ({ name: s.name, tensor: tensors[s.name]! })));
  await optimizer.setWeights(weights);
  const fields = optimizer as unknown as Record<string, tf.Variable | undefined>;
  for (const { name, tensor } of powers) fields[name]?.assign(tensor);
  tf.dispose(Object.values(tensors));
}

// Adam keeps beta^t as float32 variables updated by repeated multiplication; setWeights
// recomputes them with pow(), which can differ in the last bit. Saving them makes a
// resumed run bit-for-bit the uninterrupted one.
const POWER_FIELDS = ['accBeta1', 'accBeta2'];
const POWER_PREFIX = '__elbo_cli_power__/';

async function optimizerTensors(optimizer: tf.Optimizer): Promise<NamedTensor[]> {
  const weights = await optimizer.getWeights();
  const fields = optimizer as unknown as Record<string, unknown>;
  const powers = POWER_FIELDS.filter((f) => fields[f] instanceof tf.Variable).map((f) => ({ name: POWER_PREFIX + f, tensor: fields[f] as tf.Tensor }));
  return [...weights, ...powers];
}

function splitPowers(all: NamedTensor[]): { powers: NamedTensor[]; weights: NamedTensor[] } {
  const powers = all.filter((w) => w.name.startsWith(POWER_PREFIX)).map((w) => ({ name: w.name.slice(POWER_PREFIX.length), tensor: w.tensor }));
  return { powers, weights: all.filter((w) => !w.name.startsWith(POWER_PREFIX)) };
}
