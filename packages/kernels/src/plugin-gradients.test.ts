// The plugin against the default tfjs-ops kernels on one composite graph: chained
// reparameterisations, broadcast diagonal-Gaussian KLs in both directions and a
// standard-normal KL, differentiated end to end. The gradients must agree.
import * as tf from '@tensorflow/tfjs';
import { Generator, cpu, init, klDiagNormal, klStandardNormal, reparameterize, testing, tfjsKernels } from '@elbo/runtime';
import type { KernelPlugin } from '@elbo/runtime';
import { describe, expect, it } from 'vitest';
import { assemblyScriptKernels } from './plugin.js';

async function gradients(kernels: KernelPlugin): Promise<number[][]> {
  await init({ backend: testing.testTarget().backend ?? cpu(), kernels, seed: 1 });
  const g = Generator.fromSeed(3);
  const t = (shape: number[]): tf.Tensor => tf.tensor(g.normalArray(shape.reduce((a, b) => a * b, 1)), shape);
  const [a, b, c, d, e] = [t([3, 1, 4]), t([3, 1, 4]), t([1, 5, 4]), t([1, 5, 4]), t([3, 5, 4])] as tf.Tensor[];
  const f = (mu: tf.Tensor, logvar: tf.Tensor, pMu: tf.Tensor, pLogvar: tf.Tensor): tf.Tensor => {
    const full = (x: tf.Tensor): tf.Tensor => tf.broadcastTo(x, [3, 5, 4]);
    const z = reparameterize(full(mu), full(logvar), e!);
    const z2 = reparameterize(tf.tanh(z), tf.mul(z, 0.1), e!);
    const toPrior = klDiagNormal({ mu: z2, logvar: full(tf.mul(logvar, 0.5)) }, { mu: pMu, logvar: pLogvar });
    const fromPrior = klDiagNormal({ mu: pMu, logvar: pLogvar }, { mu, logvar });
    const standard = klStandardNormal(z2, tf.sin(z));
    return tf.sum(toPrior).add(tf.sum(fromPrior)).add(tf.sum(standard)).add(tf.sum(tf.square(z2)));
  };
  const grads = tf.grads(f)([a!, b!, c!, d!]);
  const values = grads.map((x) => Array.from(x.dataSync()));
  tf.dispose([a!, b!, c!, d!, e!, ...grads]);
  return values;
}

describe('assemblyScriptKernels in a composite graph', () => {
  it('gives the gradients of the tfjs-ops kernels (float32 rounding apart)', async () => {
    const reference = await gradients(tfjsKernels());
    const ours = await gradients(assemblyScriptKernels());
    reference.forEach((r, i) => expect(testing.maxRelativeError(ours[i]!, r, 1e-3)).toBeLessThan(1e-5));
  });
});
