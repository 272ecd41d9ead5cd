// Reads the model and training form into validated settings.
import type { BackendChoice, KernelsChoice, ModelKind, ObjectiveChoice, RuntimeSettings, TrainSettings } from './protocol';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

function numberField(id: string, label: string, { integer, min, max }: { integer: boolean; min: number; max: number }): number {
  const raw = element<HTMLInputElement>(id).value;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new Error(`${label}: expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], found '${raw}'`);
  }
  return value;
}

export function readTrainSettings(): TrainSettings {
  return {
    model: element<HTMLSelectElement>('model').value as ModelKind,
    latentDim: numberField('latent-dim', 'Latent dimensions', { integer: true, min: 1, max: 64 }),
    hidden: numberField('hidden', 'Hidden units', { integer: true, min: 4, max: 1024 }),
    objective: element<HTMLSelectElement>('objective').value as ObjectiveChoice,
    epochs: numberField('epochs', 'Epochs', { integer: true, min: 1, max: 1000 }),
    batchSize: numberField('batch-size', 'Batch size', { integer: true, min: 1, max: 1024 }),
    learningRate: numberField('learning-rate', 'Learning rate', { integer: false, min: 1e-5, max: 1 }),
    seed: numberField('seed', 'Seed', { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER }),
  };
}

export function readRuntimeSettings(): RuntimeSettings {
  return {
    backend: element<HTMLSelectElement>('backend').value as BackendChoice,
    kernels: element<HTMLSelectElement>('kernels').value as KernelsChoice,
  };
}

/** Sensible defaults for the data just loaded: a SeqVAE for spike trains, a 2-D VAE for images. */
export function suggestFor(sequences: boolean): void {
  element<HTMLSelectElement>('model').value = sequences ? 'seq-vae' : 'vae';
  element<HTMLInputElement>('latent-dim').value = sequences ? '3' : '2';
  element<HTMLInputElement>('hidden').value = sequences ? '32' : '128';
  element<HTMLInputElement>('batch-size').value = sequences ? '16' : '64';
  element<HTMLInputElement>('learning-rate').value = sequences ? '0.01' : '0.003';
}

export { element };
