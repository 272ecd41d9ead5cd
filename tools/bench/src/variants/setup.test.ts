import { describe, expect, it } from 'vitest';
import { parseTarget } from './setup.js';

describe('parseTarget', () => {
  it('reads plain tfjs targets and elbo targets with their kernels', () => {
    expect(parseTarget('tfjs-wasm')).toEqual({ via: 'tfjs', backend: 'wasm' });
    expect(parseTarget('elbo-cpu-tfjs-ops')).toEqual({ via: 'elbo', backend: 'cpu', kernels: 'tfjs-ops' });
    expect(parseTarget('elbo-wasm-assemblyscript')).toEqual({ via: 'elbo', backend: 'wasm', kernels: 'assemblyscript' });
  });
  it('refuses ids that name no target, saying what it expected', () => {
    for (const bad of ['elbo-wasm', 'tfjs-wasm-assemblyscript', 'tfjs-gpu', 'elbo-cpu-fast']) {
      expect(() => parseTarget(bad)).toThrow(/expected tfjs-<cpu\|wasm> or elbo-<cpu\|wasm>-<tfjs-ops\|assemblyscript>/);
    }
  });
});
