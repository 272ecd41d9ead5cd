import * as tf from '@tensorflow/tfjs';
import { asRows, asSequences, loadData } from '../data-loading.js';
import type { DataOptions } from '../data-loading.js';
import { fileError } from '../errors.js';
import type { LoadedModel } from '../model-dir.js';

/** Data options for a trained model: what it was trained with, overridden by options given now. */
export function dataOptionsFor(loaded: LoadedModel, given: DataOptions, explicit: ReadonlySet<string>): DataOptions {
  const saved = loaded.info.data.options as unknown as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...given };
  for (const [key, value] of Object.entries(saved)) {
    if (key === 'format' || explicit.has(key)) continue; // the format belongs to the file, not the model
    merged[key] = value;
  }
  return merged as unknown as DataOptions;
}

/** The VAE's rows as a tensor, checked against the model's input size. */
export async function rowsFor(loaded: LoadedModel & { kind: 'vae' }, path: string, options: DataOptions): Promise<{ x: tf.Tensor2D; counts: boolean; values: Float32Array }> {
  const data = await loadData(path, options);
  const rows = asRows(data);
  const expected = loaded.model.config.inputDim;
  if (rows.columns !== expected) {
    throw fileError(path, `has ${rows.columns} values per example (shape [${data.shape.join(', ')}]), the model expects ${expected}`);
  }
  return { x: tf.tensor2d(rows.values, [rows.rows, rows.columns]), counts: data.counts, values: rows.values };
}

/** The SeqVAE's trials, checked against the model's observation size. */
export async function sequencesFor(loaded: LoadedModel & { kind: 'seq-vae' }, path: string, options: DataOptions): Promise<{ values: Float32Array; shape: [number, number, number]; counts: boolean }> {
  const data = await loadData(path, options);
  const sequences = asSequences(data, options.trialBins);
  const expected = loaded.model.config.obsDim;
  if (sequences.shape[2] !== expected) {
    throw fileError(path, `has ${sequences.shape[2]} features per step (shape [${sequences.shape.join(', ')}]), the model expects ${expected}`);
  }
  return { ...sequences, counts: data.counts };
}
