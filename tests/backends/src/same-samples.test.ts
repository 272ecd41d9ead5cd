// Same seed, same samples: every target of the suite draws what cpu with the default
// kernels draws, to 1e-6 (absolute, relative above 1). The generator is Philox in
// TypeScript (or its AssemblyScript twin); only the arithmetic that turns draws into
// samples (exp, multiply, add) runs on the backend, and float32 rounding differences
// there stay below 1e-6.
import * as tf from '@tensorflow/tfjs';
import { Normal } from '@elbo/distributions';
import { Generator, init, randomNormal, randomUniform, reparameterize, sampleWithKl, testing } from '@elbo/runtime';
import { describe, expect, it } from 'vitest';
import { makeBackend, makeKernels, targetsFromEnvironment } from './targets.js';
import type { TargetSpec } from './targets.js';

const TOLERANCE = 1e-6;
const REFERENCE: TargetSpec = { backend: 'cpu', kernels: 'tfjs-ops', label: 'cpu/tfjs-ops' };

type Draws = Record<string, Float32Array>;

async function drawOn(target: TargetSpec): Promise<Draws> {
  await init({ backend: await makeBackend(target.backend), kernels: await makeKernels(target.kernels), seed: 2026 });
  const draws: Draws = {};
  const keep = (name: string, t: tf.Tensor): void => {
    draws[name] = t.dataSync() as Float32Array;
    t.dispose();
  };
  keep('randomNormal (default generator)', randomNormal([4096]));
  keep('randomUniform (default generator)', randomUniform([1000]));
  keep('randomNormal (explicit generator)', randomNormal([3, 5, 7], { rng: Generator.fromSeed(9) }));
  const mu = tf.tensor2d([[-2, -0.5, 0, 0.3, 1.7], [4, 0.1, -1, 2, -3]]);
  const logvar = tf.tensor2d([[-3, -1, 0, 0.5, 2], [-0.2, 1, -2, 0.3, 0]]);
  const { z, kl } = sampleWithKl(mu, logvar, { rng: Generator.fromSeed(10) });
  keep('sampleWithKl z', z);
  keep('sampleWithKl kl', kl);
  const eps = randomNormal(mu.shape, { rng: Generator.fromSeed(11) });
  keep('reparameterize', reparameterize(mu, logvar, eps));
  const normal = new Normal({ loc: mu, scale: tf.exp(tf.mul(logvar, 0.5)) });
  keep('Normal.sample', normal.sample([64], { rng: Generator.fromSeed(12) }));
  keep('Normal.rsample', normal.rsample([64], { rng: Generator.fromSeed(13) }));
  normal.dispose();
  tf.dispose([mu, logvar, eps]);
  return draws;
}

function worstDifference(actual: Float32Array, expected: Float32Array): number {
  return testing.maxRelativeError(actual, expected, 1);
}

describe('same seed, same samples on every target', () => {
  const targets = targetsFromEnvironment(process.env).filter((t) => t.label !== REFERENCE.label);

  it('has targets beyond the reference to compare', () => {
    expect(targets.length).toBeGreaterThan(0);
  });

  for (const target of targets) {
    it(`${target.label} draws what ${REFERENCE.label} draws, to ${TOLERANCE}`, async () => {
      const expected = await drawOn(REFERENCE);
      const actual = await drawOn(target);
      expect(Object.keys(actual)).toEqual(Object.keys(expected));
      for (const name of Object.keys(expected)) {
        expect(actual[name]!.length, name).toBe(expected[name]!.length);
        expect(worstDifference(actual[name]!, expected[name]!), `${name} on ${target.label}`).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  }

  it('draws differ for another seed (the comparison can fail)', async () => {
    const first = await drawOn(REFERENCE);
    await init({ backend: await makeBackend('cpu'), seed: 2027 });
    const other = randomNormal([4096]);
    expect(worstDifference(other.dataSync() as Float32Array, first['randomNormal (default generator)']!)).toBeGreaterThan(0.1);
    other.dispose();
  });
});
