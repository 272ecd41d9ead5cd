import * as tf from '@tensorflow/tfjs';
import { describeValue, formatShape, invalidArgument } from '@elbo/runtime';
import type { VAEConfig } from './vae.js';

/** Marks artifacts written by this package; `load` refuses anything else. */
export const FORMAT = 'elbo-vae';
export const FORMAT_VERSION = 1;

interface StoredTopology {
  readonly format: typeof FORMAT;
  readonly formatVersion: number;
  readonly config: VAEConfig;
}

/** The model as tfjs artifacts: the config as the topology, the variables as weights. */
export async function artifactsFromModel(config: VAEConfig, variables: Record<string, tf.Variable>): Promise<tf.io.ModelArtifacts> {
  const { data, specs } = await tf.io.encodeWeights(variables);
  const topology: StoredTopology = { format: FORMAT, formatVersion: FORMAT_VERSION, config };
  return {
    modelTopology: topology as unknown as tf.io.ModelArtifacts['modelTopology'],
    format: FORMAT,
    generatedBy: `@elbo/vae, tfjs ${tf.version_core}`,
    weightSpecs: specs,
    weightData: data,
  };
}

/**
 * Builds the model from its config with `create`, then overwrites every variable with
 * the stored weights after checking names and shapes.
 */
export function modelFromArtifacts<M extends { namedVariables(): Record<string, tf.Variable>; dispose(): void }>(
  artifacts: tf.io.ModelArtifacts,
  create: (config: VAEConfig) => M,
): M {
  const where = 'VAE.load';
  const topology = artifacts.modelTopology as Partial<StoredTopology> | undefined;
  if (typeof topology !== 'object' || topology === null || topology instanceof ArrayBuffer || topology.format !== FORMAT) {
    throw invalidArgument(where, 'the stored model', `one saved by VAE.save (format '${FORMAT}')`, {
      raw: `format ${describeValue((topology as { format?: unknown } | undefined)?.format ?? artifacts.format)}`,
    });
  }
  if (topology.formatVersion !== FORMAT_VERSION) {
    throw invalidArgument(where, 'the stored format version', String(FORMAT_VERSION), topology.formatVersion);
  }
  if (artifacts.weightSpecs === undefined || artifacts.weightData === undefined) {
    throw invalidArgument(where, 'the stored model', 'weights next to the config', { raw: 'no weights' });
  }
  const model = create(topology.config as VAEConfig);
  try {
    const weights = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
    try {
      const variables = model.namedVariables();
      const expected = Object.keys(variables).sort();
      const found = Object.keys(weights).sort();
      if (expected.join() !== found.join()) {
        throw invalidArgument(where, 'the stored weight names', `[${expected.join(', ')}]`, { raw: `[${found.join(', ')}]` });
      }
      for (const [name, variable] of Object.entries(variables)) {
        const w = weights[name]!;
        if (!tf.util.arraysEqual(w.shape, variable.shape)) {
          throw invalidArgument(where, `weight ${name}`, `of shape ${formatShape(variable.shape)}`, { raw: formatShape(w.shape) });
        }
        variable.assign(w);
      }
    } finally {
      tf.dispose(weights);
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
