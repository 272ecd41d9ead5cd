/**
 * Kernel-by-kernel CPU profile of one @elbo/vae training step (trainer.step) on wasm()
 * for the canonical VAE (784-400-20, ReLU, Bernoulli, batch 128, Adam 1e-3). Run by hand
 * after a build: `node scripts/profile-step.mjs [--steps 40] [--top 25]`. The official
 * speed figures come from tools/bench (vae-step); this is for finding extra kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { Generator, init } from '@elbo/runtime';
import { wasm } from '@elbo/backend-wasm';
import { VAE } from '@elbo/vae';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const steps = Number(arg('steps', '40'));
await init({ backend: wasm(), seed: 1 });
const vae = new VAE({ inputDim: 784, latentDim: 20, encoder: { hidden: [400], activation: 'relu' }, decoder: { hidden: [400], activation: 'relu' }, likelihood: 'bernoulli', seed: 1 });
const trainer = vae.trainer({ seed: 1 });
const x = tf.tensor2d(Generator.fromSeed(3).uniformArray(128 * 784), [128, 784]);
// --plain PATH: profile instead the bench's plain tfjs step (tools/bench/dist/variants/plain-vae.js).
const plainPath = arg('plain', undefined);
const step = plainPath
  ? (await import(new URL(plainPath, `file://${process.cwd()}/`).href)).plainVaeStep({ input: 784, hidden: 400, latent: 20 }, 1).step
  : (batch) => trainer.step(batch);
for (let i = 0; i < 5; i++) step(x);
const cpu = [];
for (let i = 0; i < steps; i++) {
  const before = process.cpuUsage();
  step(x);
  const used = process.cpuUsage(before);
  cpu.push((used.user + used.system) / 1000);
}
cpu.sort((a, b) => a - b);
const totals = new Map();
for (const config of tf.getKernelsForBackend('wasm')) {
  const inner = config.kernelFunc;
  tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel({
    ...config,
    kernelFunc: (args) => {
      const before = process.cpuUsage();
      const out = inner(args);
      const used = process.cpuUsage(before);
      const key = `${config.kernelName} ${Object.values(args.inputs).map((t) => (t ? `[${t.shape}]` : '-')).join('x')}`;
      const e = totals.get(key) ?? { count: 0, ms: 0 };
      e.count++;
      e.ms += (used.user + used.system) / 1000;
      totals.set(key, e);
      return out;
    },
  });
}
const profiled = 10;
const t0 = process.cpuUsage();
for (let i = 0; i < profiled; i++) step(x);
const t1 = process.cpuUsage(t0);
const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = rows.reduce((s, [, e]) => s + e.ms, 0) / profiled;
const calls = rows.reduce((s, [, e]) => s + e.count, 0) / profiled;
console.log(`CPU ms per step (median of ${steps}): ${cpu[cpu.length >> 1].toFixed(2)}`);
console.log(`instrumented: ${((t1.user + t1.system) / 1000 / profiled).toFixed(2)} ms/step, kernels ${kernelMs.toFixed(2)} ms in ${calls} calls`);
for (const [key, e] of rows.slice(0, Number(arg('top', '25')))) console.log(`${(e.ms / profiled).toFixed(3).padStart(9)} ${String(e.count / profiled).padStart(5)}  ${key}`);
trainer.dispose();
vae.dispose();
