import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { cpu } from './backend.js';
import type { BackendPlugin } from './backend.js';
import { getGenerator, getKernels, init, runtimeSummary } from './init.js';
import { randomNormal, randomUniform } from './ops.js';
import { tfjsKernels } from './tfjs-kernels.js';

describe('init', () => {
  it('reports what it chose', async () => {
    const summary = await init({ backend: cpu(), seed: 3 });
    expect(summary).toMatchObject({ backend: 'cpu', tfjsBackend: 'cpu', kernels: 'tfjs-ops', seed: '3', threads: false, simd: null });
    expect(summary.versions.tfjs).toBe(tf.version_core);
    expect(summary.versions.elboRuntime).toMatch(/^\d+\.\d+\.\d+/);
    expect(runtimeSummary()).toBe(summary);
    expect(getKernels().name).toBe('tfjs-ops');
  });

  it('gives identical tensors for two init({ seed: 7 }) runs', async () => {
    const draw = async (): Promise<[number[], number[]]> => {
      await init({ seed: 7, backend: cpu() });
      const n = randomNormal([64, 3]);
      const u = randomUniform([10]);
      const out: [number[], number[]] = [Array.from(await n.data()), Array.from(await u.data())];
      tf.dispose([n, u]);
      return out;
    };
    const first = await draw();
    const second = await draw();
    expect(second).toEqual(first);
    await init({ seed: 8, backend: cpu() });
    const other = randomNormal([64, 3]);
    expect(Array.from(await other.data())).not.toEqual(first[0]);
    other.dispose();
  });

  it('makes an unseeded run reproducible through the reported seed', async () => {
    const { seed } = await init({ backend: cpu() });
    const a = getGenerator().normalArray(16);
    await init({ backend: cpu(), seed: BigInt(seed) });
    expect(Array.from(getGenerator().normalArray(16))).toEqual(Array.from(a));
  });

  it('takes the first backend of a preference list that starts', async () => {
    const broken: BackendPlugin = {
      name: 'broken',
      tfjsBackend: 'nope',
      setup: async () => {
        throw new Error('install @example/broken');
      },
    };
    const summary = await init({ backend: [broken, cpu()], seed: 1 });
    expect(summary.backend).toBe('cpu');
    await expect(init({ backend: [broken] })).rejects.toThrow(
      'init: no backend could start (broken: install @example/broken)',
    );
    const unknown: BackendPlugin = { name: 'ghost', tfjsBackend: 'ghost', setup: async () => ({}) };
    await expect(init({ backend: unknown })).rejects.toThrow(/ghost: no tfjs backend named 'ghost' is registered after setup\(\)/);
  });

  it('uses tfjs’s own best backend when none is named', async () => {
    const summary = await init({ seed: 2 });
    expect(summary.tfjsBackend).toBe(tf.getBackend());
  });

  it('rejects bad options naming them', async () => {
    await expect(init({ seed: -2 })).rejects.toThrow(/seed must be in \[0, 2\^64\), found -2/);
    await expect(init({ sede: 1 } as never)).rejects.toThrow(/init: option 'sede' must be one of backend, kernels, seed/);
    await expect(init({ kernels: { name: 'half' } as never })).rejects.toThrow(
      /init: kernels must be a KernelPlugin such as tfjsKernels\(\), found an object without uniform, normal/,
    );
    await expect(init({ backend: [] })).rejects.toThrow(/backend must be a plugin or a non-empty list/);
    await expect(init({ backend: 'wasm' as never })).rejects.toThrow(/backend must be a BackendPlugin/);
  });

  it('routes draws through the chosen kernel plugin', async () => {
    const base = tfjsKernels();
    let calls = 0;
    await init({
      backend: cpu(),
      seed: 4,
      kernels: { ...base, name: 'counting', normal: (shape, rng) => (calls++, base.normal(shape, rng)) },
    });
    randomNormal([2]).dispose();
    expect(calls).toBe(1);
    expect(runtimeSummary()?.kernels).toBe('counting');
    await init({ backend: cpu(), seed: 4 });
  });
});
