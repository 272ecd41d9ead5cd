import * as tf from '@tensorflow/tfjs';
import { describeValue, invalidArgument } from '@elbo/runtime';

/** Files of a model saved to a directory in Node: the tfjs model.json layout under these names. */
export const CONFIG_FILE = 'config.json';
export const WEIGHTS_FILE = 'weights.bin';

/**
 * Where `save` writes and `load` reads:
 * - a directory path in Node (`'./models/mnist'` or `'file://./models/mnist'`): written
 *   with node:fs as config.json (the tfjs model.json layout) and weights.bin;
 * - a tfjs URL in browsers: `indexeddb://name`, `localstorage://name`, `downloads://name`
 *   (save only), or `https://.../config.json` (load only);
 * - any tf.io.IOHandler (tf.io.withSaveHandler, tf.io.fromMemory, ...).
 */
export type ModelLocation = string | tf.io.IOHandler;

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function saveHandlerFor(location: ModelLocation, where: string): tf.io.IOHandler {
  if (typeof location !== 'string') return checkHandler(location, 'save', where);
  if (isDirectoryPath(location)) return directoryHandler(stripFileScheme(location));
  const handlers = tf.io.getSaveHandlers(location);
  if (handlers.length === 0) throw noHandler(location, 'save', where);
  return handlers[0]!;
}

export function loadHandlerFor(location: ModelLocation, where: string): tf.io.IOHandler {
  if (typeof location !== 'string') return checkHandler(location, 'load', where);
  if (isDirectoryPath(location)) return directoryHandler(stripFileScheme(location));
  const handlers = tf.io.getLoadHandlers(location);
  if (handlers.length === 0) throw noHandler(location, 'load', where);
  return handlers[0]!;
}

function isDirectoryPath(location: string): boolean {
  return location.startsWith('file://') || !URL_SCHEME.test(location);
}

function stripFileScheme(location: string): string {
  return location.startsWith('file://') ? location.slice('file://'.length) : location;
}

function checkHandler(handler: tf.io.IOHandler, method: 'save' | 'load', where: string): tf.io.IOHandler {
  if (typeof handler !== 'object' || handler === null || typeof handler[method] !== 'function') {
    throw invalidArgument(where, 'location', `a directory path, a tfjs URL or a tf.io.IOHandler with ${method}()`, handler);
  }
  return handler;
}

function noHandler(location: string, method: 'save' | 'load', where: string): RangeError {
  return invalidArgument(
    where,
    'location',
    `a directory path or a URL tfjs can ${method} (indexeddb://, localstorage://${method === 'save' ? ', downloads://' : ', https://'})`,
    location,
  );
}

/**
 * An IOHandler over a directory, for Node (tfjs's file:// handler lives only in
 * tfjs-node). node:fs is imported when used, so browser bundles never load it.
 */
export function directoryHandler(directory: string): tf.io.IOHandler {
  return {
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      const fs = await import('node:fs/promises');
      const path = await import('node:path');
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      await fs.mkdir(directory, { recursive: true });
      await fs.writeFile(path.join(directory, WEIGHTS_FILE), new Uint8Array(weightData));
      await fs.writeFile(path.join(directory, CONFIG_FILE), JSON.stringify(modelJson, null, 2));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData }) };
    },
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const fs = await import('node:fs/promises');
      const path = await import('node:path');
      const configPath = path.join(directory, CONFIG_FILE);
      let text: string;
      try {
        text = await fs.readFile(configPath, 'utf8');
      } catch (error) {
        throw invalidArgument('VAE.load', 'the model directory', `a folder holding ${CONFIG_FILE} and ${WEIGHTS_FILE}`, {
          raw: `no readable ${configPath} (${(error as Error).message})`,
        });
      }
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(text) as tf.io.ModelJSON;
      } catch (error) {
        throw invalidArgument('VAE.load', configPath, 'JSON', { raw: (error as Error).message });
      }
      const manifest = modelJson.weightsManifest;
      if (!Array.isArray(manifest)) {
        throw invalidArgument('VAE.load', `${configPath}'s weightsManifest`, 'an array', { raw: describeValue(manifest) });
      }
      const buffers: ArrayBuffer[] = [];
      for (const group of manifest) {
        for (const file of group.paths) {
          const bytes = await fs.readFile(path.join(directory, file));
          buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
        }
      }
      const weightSpecs = manifest.flatMap((group) => group.weights);
      return tf.io.getModelArtifactsForJSONSync(modelJson, weightSpecs, tf.io.CompositeArrayBuffer.join(buffers));
    },
  };
}
