import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { cpu, init } from '@elbo/runtime';
import { describe, expect, it } from 'vitest';
import { WASM_FILE_NAMES, checkWasmPaths, findWasmFolderInNode } from './wasm-files.js';
import { wasm } from './wasm.js';

describe('wasm()', () => {
  it('starts in Node with SIMD and reports why threads are off', async () => {
    const summary = await init({ backend: wasm(), seed: 5 });
    expect(summary).toMatchObject({ backend: 'wasm', tfjsBackend: 'wasm', simd: true, threads: false, threadCount: 1 });
    expect(tf.getBackend()).toBe('wasm');
    expect(summary.notes.some((n) => /threads off.*Node/.test(n))).toBe(true);
    expect(summary.notes.some((n) => /BatchMatMul/.test(n))).toBe(true);
  });

  it('computes on the wasm backend after init', async () => {
    await init({ backend: wasm(), seed: 5 });
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])));
    expect(Array.from(y.dataSync())).toEqual([11]);
    y.dispose();
  });

  it('can be chosen again after another backend, and says its settings stay', async () => {
    await init({ backend: cpu() });
    const summary = await init({ backend: wasm({ threads: false }) });
    expect(summary.tfjsBackend).toBe('wasm');
    expect(summary.notes.some((n) => /already started/.test(n))).toBe(true);
  });

  it('rejects bad options, naming them', () => {
    expect(() => wasm({ threads: 0 })).toThrow(/wasm: threads must be a boolean or a positive integer, found 0/);
    expect(() => wasm({ threads: 2.5 })).toThrow(/threads/);
    expect(() => wasm({ thread: 2 } as never)).toThrow(/option 'thread' must be one of threads, wasmPaths/);
    expect(() => wasm(null as never)).toThrow(/wasm: options must be an object, found null/);
    expect(() => wasm({ wasmPaths: '/assets' })).toThrow(/wasmPaths must be a folder URL or path ending in '\/'/);
    expect(() => wasm({ wasmPaths: { 'tfjs-backend-wasm.wasm': '/a.wasm' } as never })).toThrow(
      /wasmPaths\['tfjs-backend-wasm-simd.wasm'\] must be a URL or path string, found undefined/,
    );
  });
});

describe('wasm files', () => {
  it('finds the folder of tfjs-backend-wasm in Node', async () => {
    const folder = await findWasmFolderInNode();
    expect(folder).toMatch(/@tensorflow[/\\]tfjs-backend-wasm[/\\]dist[/\\]$/);
    for (const name of WASM_FILE_NAMES) expect(existsSync(folder + name)).toBe(true);
  });

  it('accepts a folder or a full map', () => {
    expect(checkWasmPaths('/assets/')).toBe('/assets/');
    const map = { 'tfjs-backend-wasm.wasm': 'a', 'tfjs-backend-wasm-simd.wasm': 'b', 'tfjs-backend-wasm-threaded-simd.wasm': 'c' };
    expect(checkWasmPaths(map)).toBe(map);
    expect(() => checkWasmPaths({ ...map, 'other.wasm': 'd' })).toThrow(/key 'other.wasm' must be one of/);
  });
});
