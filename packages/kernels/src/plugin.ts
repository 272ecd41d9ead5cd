import * as tf from '@tensorflow/tfjs';
import type { DiagNormalParams, Generator, KernelPlugin, SampleWithKl } from '@elbo/runtime';
import { klDiagNormal, klDiagNormalGrad, klStandardNormal, klStandardNormalGrad } from './kl.js';
import { propagatingNonFinite } from './marshal.js';
import { loadKernels } from './module.js';
import { sampleNormal, sampleUniform } from './random.js';
import { reparameterize, reparameterizeBackward, sampleWithKl } from './sample.js';

type Shape = readonly number[];

const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

// Tensor data as float32: dataSync() gives the backend's array on cpu and a copy on wasm.
const read = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

const tensor = (values: Float32Array, shape: Shape): tf.Tensor => tf.tensor(values, shape as number[], 'float32');

/**
 * A tensor computed from arrays with its gradient given by `backward` (upstream
 * gradient -> one array per input); the forward work is already done by the caller.
 */
function withGradient(inputs: tf.Tensor[], value: Float32Array, shape: Shape, backward: (dy: Float32Array) => Float32Array[]): tf.Tensor {
  const op = tf.customGrad((...args: unknown[]) => {
    const xs = args.slice(0, inputs.length) as tf.Tensor[];
    return {
      value: tensor(value, shape),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) =>
        propagatingNonFinite(() => backward(read(dy as tf.Tensor))).map((g, i) => tensor(g, xs[i]!.shape)),
    };
  });
  return op(...inputs) as tf.Tensor;
}

function klStd(mu: tf.Tensor, logvar: tf.Tensor): tf.Tensor {
  const m = read(mu);
  const l = read(logvar);
  const out = new Float32Array(m.length);
  klStandardNormal(m, l, { out });
  return withGradient([mu, logvar], out, mu.shape, (gradKl) => {
    const gradMu = new Float32Array(m.length);
    const gradLogvar = new Float32Array(m.length);
    klStandardNormalGrad(m, l, { gradKl, gradMu, gradLogvar });
    return [gradMu, gradLogvar];
  });
}

function klDiagSameShape(q: DiagNormalParams, p: DiagNormalParams): tf.Tensor {
  const qa = { mu: read(q.mu), logvar: read(q.logvar) };
  const pa = { mu: read(p.mu), logvar: read(p.logvar) };
  const n = qa.mu.length;
  const out = new Float32Array(n);
  klDiagNormal(qa, pa, { out });
  return withGradient([q.mu, q.logvar, p.mu, p.logvar], out, q.mu.shape, (gradKl) => {
    const grads = [0, 1, 2, 3].map(() => new Float32Array(n));
    klDiagNormalGrad(qa, pa, { gradKl, gradQMu: grads[0]!, gradQLogvar: grads[1]!, gradPMu: grads[2]!, gradPLogvar: grads[3]! });
    return grads;
  });
}

function reparam(mu: tf.Tensor, logvar: tf.Tensor, eps: tf.Tensor): tf.Tensor {
  const m = read(mu);
  const l = read(logvar);
  const e = read(eps);
  const z = reparameterize(m, l, e, new Float32Array(m.length));
  return withGradient([mu, logvar, eps], z, mu.shape, (gradZ) => [
    gradZ.slice(),
    reparameterizeBackward(l, e, gradZ, new Float32Array(m.length)),
    // d z / d eps = exp(logvar / 2): the same kernel with mu = 0 and eps = gradZ.
    reparameterize(new Float32Array(m.length), l, gradZ, new Float32Array(m.length)),
  ]);
}

/**
 * The AssemblyScript kernel plugin: `init({ kernels: assemblyScriptKernels() })` sends
 * every elbo package's KL and sampling through kernels.wasm. It reads tensors with
 * dataSync() and writes results with tf.tensor, so it works on every tfjs backend;
 * gradients come from the same kernels through tf.customGrad. Draws are bit-identical
 * (uniforms) or within 1e-6 (normals) of the default tfjs-ops kernels for one generator.
 * Like those, it lets NaN and infinities flow through tensors (a diverged model is
 * detected by its loss); the typed-array functions reject them instead.
 */
export function assemblyScriptKernels(): KernelPlugin {
  return {
    name: 'assemblyscript',
    setup: async () => {
      await loadKernels();
    },
    uniform: (shape: Shape, rng: Generator) => tensor(sampleUniform(new Float32Array(sizeOf(shape)), rng), shape),
    normal: (shape: Shape, rng: Generator) => tensor(sampleNormal(new Float32Array(sizeOf(shape)), rng), shape),
    klStandardNormal: (mu: tf.Tensor, logvar: tf.Tensor) => propagatingNonFinite(() => klStd(mu, logvar)),
    klDiagNormal: (q: DiagNormalParams, p: DiagNormalParams) => propagatingNonFinite(() => klDiag(q, p)),
    reparameterize: (mu: tf.Tensor, logvar: tf.Tensor, eps: tf.Tensor) => propagatingNonFinite(() => reparam(mu, logvar, eps)),
    sampleWithKl: (mu: tf.Tensor, logvar: tf.Tensor, rng: Generator) => propagatingNonFinite(() => fusedSample(mu, logvar, rng)),
  };
}

function klDiag(q: DiagNormalParams, p: DiagNormalParams): tf.Tensor {
  if (tf.util.arraysEqual(q.mu.shape, p.mu.shape)) return klDiagSameShape(q, p);
  // Broadcast first; broadcastTo's gradient sums back over the broadcast axes.
  return tf.tidy(() => {
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(q.mu.shape, p.mu.shape);
    const full = (t: tf.Tensor): tf.Tensor => (tf.util.arraysEqual(t.shape, shape) ? t : tf.broadcastTo(t, shape));
    return klDiagSameShape({ mu: full(q.mu), logvar: full(q.logvar) }, { mu: full(p.mu), logvar: full(p.logvar) });
  });
}

function fusedSample(mu: tf.Tensor, logvar: tf.Tensor, rng: Generator): SampleWithKl {
  const m = read(mu);
  const l = read(logvar);
  const n = m.length;
  const z = new Float32Array(n);
  const kl = new Float32Array(n);
  const eps = new Float32Array(n);
  sampleWithKl(m, l, { z, kl, eps, rng });
  // One fused forward pass; each output carries its own gradient.
  const zTensor = withGradient([mu, logvar], z, mu.shape, (gradZ) => [
    gradZ.slice(),
    reparameterizeBackward(l, eps, gradZ, new Float32Array(n)),
  ]);
  const klTensor = withGradient([mu, logvar], kl, mu.shape, (gradKl) => {
    const gradMu = new Float32Array(n);
    const gradLogvar = new Float32Array(n);
    klStandardNormalGrad(m, l, { gradKl, gradMu, gradLogvar });
    return [gradMu, gradLogvar];
  });
  return { z: zTensor, kl: klTensor };
}
