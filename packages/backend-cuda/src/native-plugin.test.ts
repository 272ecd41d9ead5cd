import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { cpu, init } from '@elbo/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { cuda } from './cuda.js';
import { nativeBackend } from './native-plugin.js';
import type { NativeEnvironment, NativeFlavour } from './native-plugin.js';
import { node } from './node.js';

const CUDA: NativeFlavour = { name: 'cuda', packageName: '@tensorflow/tfjs-node-gpu', requiresGpu: true };
const NODE: NativeFlavour = { name: 'node', packageName: '@tensorflow/tfjs-node', requiresGpu: false };

/** Stands in for the backend tfjs-node registers: only what init() and the plugin touch. */
class FakeNativeBackend extends tf.KernelBackend {
  constructor(readonly isUsingGpuDevice: boolean) {
    super();
  }
  override dispose(): void {}
}

interface Simulation {
  readonly environment: NativeEnvironment;
  readonly imported: string[];
}

/** A module loader that registers a fake 'tensorflow' backend, as the real packages do on import. */
function presentModule(usesGpu: boolean): Simulation {
  const imported: string[] = [];
  return {
    imported,
    environment: {
      importModule: async (specifier) => {
        imported.push(specifier);
        tf.registerBackend('tensorflow', () => new FakeNativeBackend(usesGpu), 3);
        return {};
      },
      threadCount: async () => 16,
    },
  };
}

function failingModule(error: Error): NativeEnvironment {
  return { importModule: () => Promise.reject(error), threadCount: async () => 1 };
}

function nodeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

afterEach(async () => {
  await init({ backend: cpu() });
  if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
});

describe('cuda() and node() with the package absent', () => {
  const missing = (name: string): Error =>
    nodeError(`Cannot find package '${name}' imported from /app/node_modules/@elbo/backend-cuda/dist/import-native.js`, 'ERR_MODULE_NOT_FOUND');

  it('cuda: names the package, the CUDA 11.2 / cuDNN 8.1 requirement and the CUDA 12 trap', async () => {
    const plugin = nativeBackend(CUDA, failingModule(missing('@tensorflow/tfjs-node-gpu')));
    const error = await plugin.setup().catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/cuda\(\) needs @tensorflow\/tfjs-node-gpu, which is not installed: npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/);
    expect(message).toMatch(/CUDA 11\.2 and cuDNN 8\.1/);
    expect(message).toMatch(/CUDA 12 .*silently runs on the CPU/);
  });

  it('node: names @tensorflow/tfjs-node and says nothing about CUDA', async () => {
    const plugin = nativeBackend(NODE, failingModule(missing('@tensorflow/tfjs-node')));
    const message = ((await plugin.setup().catch((e: Error) => e)) as Error).message;
    expect(message).toMatch(/node\(\) needs @tensorflow\/tfjs-node, which is not installed: npm install @tensorflow\/tfjs-node@4\.22\.0/);
    expect(message).not.toMatch(/CUDA/);
  });

  it('init() falls through to the next backend of a preference list and reports why', async () => {
    const plugin = nativeBackend(CUDA, failingModule(missing('@tensorflow/tfjs-node-gpu')));
    const summary = await init({ backend: [plugin, cpu()] });
    expect(summary.backend).toBe('cpu');
    await expect(init({ backend: plugin })).rejects.toThrow(/init: no backend could start \(cuda: .*tfjs-node-gpu/);
  });

  const requireHere = createRequire(import.meta.url);
  const installed = (name: string): boolean => {
    try {
      requireHere.resolve(name);
      return true;
    } catch {
      return false;
    }
  };
  // The real loader, on a machine without the native packages (CI and these machines).
  it.skipIf(installed('@tensorflow/tfjs-node-gpu'))('the real cuda() fails the same way here, where the package is absent', async () => {
    await expect(init({ backend: cuda() })).rejects.toThrow(/@tensorflow\/tfjs-node-gpu, which is not installed.*CUDA 11\.2 and cuDNN 8\.1/);
  });
  it.skipIf(installed('@tensorflow/tfjs-node'))('the real node() fails the same way here, where the package is absent', async () => {
    await expect(init({ backend: node() })).rejects.toThrow(/@tensorflow\/tfjs-node, which is not installed/);
  });
});

describe('cuda() and node() with the package present', () => {
  it('cuda: imports the package once, then init() switches to its tensorflow backend', async () => {
    const { environment, imported } = presentModule(true);
    const summary = await init({ backend: nativeBackend(CUDA, environment) });
    expect(imported).toEqual(['@tensorflow/tfjs-node-gpu']);
    expect(summary).toMatchObject({ backend: 'cuda', tfjsBackend: 'tensorflow', simd: null, threads: true, threadCount: 16 });
    expect(summary.notes[0]).toMatch(/GPU through CUDA/);
    expect(tf.getBackend()).toBe('tensorflow');
  });

  it('cuda: refuses TensorFlow\'s silent fallback to the CPU', async () => {
    const { environment } = presentModule(false);
    await expect(nativeBackend(CUDA, environment).setup()).rejects.toThrow(
      /tfjs-node-gpu loaded, but TensorFlow found no usable GPU .*CUDA 11\.2 and cuDNN 8\.1.*choose node\(\)/,
    );
  });

  it('node: runs on the CPU build', async () => {
    const { environment, imported } = presentModule(false);
    const summary = await init({ backend: nativeBackend(NODE, environment) });
    expect(imported).toEqual(['@tensorflow/tfjs-node']);
    expect(summary).toMatchObject({ backend: 'node', tfjsBackend: 'tensorflow' });
    expect(summary.notes[0]).toMatch(/on the CPU/);
  });

  it('reports a package that loads but registers no backend with this tfjs', async () => {
    const environment: NativeEnvironment = { importModule: async () => ({}), threadCount: async () => 1 };
    await expect(nativeBackend(NODE, environment).setup()).rejects.toThrow(
      /tfjs-node loaded but registered no 'tensorflow' backend with this app's @tensorflow\/tfjs.*npm ls @tensorflow\/tfjs-core/,
    );
  });
});

describe('cuda() with the package failing to load', () => {
  it('explains a missing native binding (install script not run)', async () => {
    const error = nodeError("Cannot find module '/app/node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v8/tfjs_binding.node'", 'MODULE_NOT_FOUND');
    await expect(nativeBackend(CUDA, failingModule(error)).setup()).rejects.toThrow(
      /installed without its native binding \(tfjs_binding\.node\): its install script.*did not run/,
    );
  });

  it('does not call the package absent when one of its own dependencies is', async () => {
    const error = nodeError(
      "Cannot find package '@mapbox/node-pre-gyp' imported from /app/node_modules/@tensorflow/tfjs-node-gpu/dist/index.js",
      'ERR_MODULE_NOT_FOUND',
    );
    await expect(nativeBackend(CUDA, failingModule(error)).setup()).rejects.toThrow(
      /cuda\(\): @tensorflow\/tfjs-node-gpu failed to load \(Cannot find package '@mapbox\/node-pre-gyp'/,
    );
  });

  it('explains missing CUDA libraries and keeps the cause', async () => {
    const cause = new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory');
    const error = (await nativeBackend(CUDA, failingModule(cause)).setup().catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/could not load the CUDA libraries \(libcudart\.so\.11\.0: cannot open.*\)\. It needs .*CUDA 11\.2 and cuDNN 8\.1/);
    expect(error.cause).toBe(cause);
  });

  it('passes any other failure on with the package name', async () => {
    const error = new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 108');
    await expect(nativeBackend(NODE, failingModule(error)).setup()).rejects.toThrow(
      /node\(\): @tensorflow\/tfjs-node failed to load \(The module was compiled against a different Node\.js version/,
    );
  });
});
