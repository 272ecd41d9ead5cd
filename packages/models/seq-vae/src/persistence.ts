/**
 * Model artifacts to and from a directory (Node: model.json + weights.bin, read and
 * written with node:fs, since tfjs's file:// handler exists only in tfjs-node) or any
 * tf.io handler (indexeddb://, downloads://, withSaveHandler, fromMemory).
 */
import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '@elbo/runtime';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

function toArrayBuffer(data: tf.io.WeightData): ArrayBuffer {
  return new tf.io.CompositeArrayBuffer(data).slice();
}

export async function writeModelArtifacts(where: string, destination: string | tf.io.IOHandler, artifacts: tf.io.ModelArtifacts): Promise<void> {
  if (typeof destination === 'string' && !destination.includes('://')) {
    const { mkdir, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    await mkdir(destination, { recursive: true });
    const manifest = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
    };
    await writeFile(join(destination, WEIGHTS_FILE), new Uint8Array(toArrayBuffer(artifacts.weightData!)));
    await writeFile(join(destination, MODEL_FILE), JSON.stringify(manifest));
    return;
  }
  const handler = typeof destination === 'string' ? tf.io.getSaveHandlers(destination)[0] : destination;
  if (handler?.save === undefined) {
    throw invalidArgument(where, 'destination', 'a directory path, a tf.io URL with a save handler, or an IOHandler with save()', destination);
  }
  await handler.save(artifacts);
}

export async function readModelArtifacts(where: string, source: string | tf.io.IOHandler): Promise<tf.io.ModelArtifacts> {
  if (typeof source === 'string' && !source.includes('://')) {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    let manifest: { modelTopology?: unknown; format?: string; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
    try {
      manifest = JSON.parse(await readFile(join(source, MODEL_FILE), 'utf8'));
    } catch (error) {
      throw invalidArgument(where, `${join(source, MODEL_FILE)}`, 'a readable JSON model file', { raw: (error as Error).message });
    }
    const group = manifest.weightsManifest?.[0];
    if (group === undefined || group.paths.length !== 1) {
      throw invalidArgument(where, `${join(source, MODEL_FILE)}'s weightsManifest`, 'one group with one weights file', manifest.weightsManifest);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readFile(join(source, group.paths[0]!));
    } catch (error) {
      throw invalidArgument(where, join(source, group.paths[0]!), 'a readable weights file', { raw: (error as Error).message });
    }
    const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const expectedBytes = group.weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
    if (weightData.byteLength !== expectedBytes) {
      throw invalidArgument(where, join(source, group.paths[0]!), `${expectedBytes} bytes (float32 weights of the manifest)`, { raw: `${weightData.byteLength} bytes` });
    }
    return { modelTopology: manifest.modelTopology as tf.io.ModelArtifacts['modelTopology'], format: manifest.format, weightSpecs: group.weights, weightData };
  }
  const handler = typeof source === 'string' ? tf.io.getLoadHandlers(source)[0] : source;
  if (handler?.load === undefined) {
    throw invalidArgument(where, 'source', 'a directory path, a tf.io URL with a load handler, or an IOHandler with load()', source);
  }
  return handler.load();
}
