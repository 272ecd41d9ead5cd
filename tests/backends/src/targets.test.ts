import { describe, expect, it } from 'vitest';
import { parseLabel, targetsFromEnvironment } from './targets.js';

describe('targetsFromEnvironment', () => {
  it('defaults to wasm with the tfjs-ops kernels (the packages’ own tests are cpu/tfjs-ops)', () => {
    expect(targetsFromEnvironment({}, false).map((t) => t.label)).toEqual(['wasm/tfjs-ops']);
    expect(targetsFromEnvironment({ ELBO_BACKENDS: 'cpu,wasm' }, false).map((t) => t.label)).toEqual(['cpu/tfjs-ops', 'wasm/tfjs-ops']);
  });

  it('adds the AssemblyScript kernels on the first backend when they are built', () => {
    expect(targetsFromEnvironment({}, true).map((t) => t.label)).toEqual(['cpu/assemblyscript', 'wasm/tfjs-ops']);
    expect(targetsFromEnvironment({ ELBO_BACKENDS: 'wasm' }, true).map((t) => t.label)).toEqual(['wasm/tfjs-ops', 'wasm/assemblyscript']);
  });

  it('runs kernel plugins named in ELBO_KERNELS on every backend', () => {
    expect(targetsFromEnvironment({ ELBO_KERNELS: 'tfjs-ops,assemblyscript' }, true).map((t) => t.label)).toEqual([
      'cpu/tfjs-ops',
      'cpu/assemblyscript',
      'wasm/tfjs-ops',
      'wasm/assemblyscript',
    ]);
  });

  it('takes ELBO_BACKENDS and ELBO_KERNELS', () => {
    const env = { ELBO_BACKENDS: 'cuda, cpu', ELBO_KERNELS: 'tfjs-ops' };
    expect(targetsFromEnvironment(env, true).map((t) => t.label)).toEqual(['cuda/tfjs-ops', 'cpu/tfjs-ops']);
  });

  it('rejects unknown names, naming the variable', () => {
    expect(() => targetsFromEnvironment({ ELBO_BACKENDS: 'cpu,gpu' }, false)).toThrow(
      /ELBO_BACKENDS: 'gpu' must be one of cpu, wasm, cuda, node, found in "cpu,gpu"/,
    );
    expect(() => targetsFromEnvironment({ ELBO_KERNELS: 'fast' }, false)).toThrow(/ELBO_KERNELS: 'fast' must be one of/);
    expect(() => parseLabel('wasm')).toThrow(/test target 'wasm' must be <backend>\/<kernels>/);
  });
});
