// Throughput of the hot loops, M elements/s: AssemblyScript kernels (in place on
// KernelArrays, and on plain Float32Arrays that are copied in and out) against the tfjs
// ops kernels of @elbo/runtime and a plain TypeScript loop. Run by hand after a build:
//   npm run build -w @elbo/kernels && node packages/kernels/scripts/measure.mjs [--n 4194304] [--backend wasm|cpu]
// Official numbers come from the benchmark suite (tools/bench); this is the quick check.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { Generator, init, klStandardNormal as tfKl, sampleWithKl as tfSampleWithKl, randomNormal, tfjsKernels, cpu } from '@elbo/runtime';
import {
  KernelArray,
  klStandardNormal,
  loadKernels,
  sampleNormal,
  sampleWithKl,
  sampleWithKlBackward,
} from '../dist/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const N = Number(arg('n', 1 << 22));
const backendName = arg('backend', 'wasm');

let backend = cpu();
if (backendName === 'wasm') {
  try {
    const { wasm } = await import('@elbo/backend-wasm');
    backend = wasm();
  } catch (error) {
    console.warn(`@elbo/backend-wasm not available (${error.message}); tfjs rows run on cpu`);
  }
}
const summary = await init({ backend, kernels: tfjsKernels(), seed: 1 });
await loadKernels();

/**
 * Best of three ~0.4 s runs after a 0.3 s warm-up (long enough for V8 to swap in the
 * optimised code of the module's functions, which it compiles in the background), M
 * elements per second of wall-clock time;
 * `perCpuSecond` is the same work per second of CPU time this process got, which stays
 * meaningful when a shared machine is oversubscribed.
 */
function measure(f, elements = N) {
  for (const start = performance.now(); performance.now() - start < 300; ) f();
  let wall = 0;
  let cpu = 0;
  for (let run = 0; run < 3; run++) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    let reps = 0;
    while (performance.now() - start < 400) {
      f();
      reps++;
    }
    const used = process.cpuUsage(startCpu);
    wall = Math.max(wall, (reps * elements) / ((performance.now() - start) * 1e3));
    cpu = Math.max(cpu, (reps * elements) / (used.user + used.system));
  }
  return { wall, cpu };
}
let lastCpu = NaN;
const rate = (f) => measure(f).wall;
const rateAndCpu = (f) => {
  const { wall, cpu } = measure(f);
  lastCpu = cpu;
  return wall;
};
const cpuRate = () => lastCpu;

const rng = Generator.fromSeed(7);
const mu = KernelArray.from(rng.normalArray(N));
const logvar = KernelArray.from(rng.normalArray(N).map((x) => 0.5 * x - 1));
const gradZ = KernelArray.from(rng.normalArray(N));
const [out, z, eps, gradMu, gradLogvar] = [0, 1, 2, 3, 4].map(() => new KernelArray(N));
const plain = { mu: mu.array.slice(), logvar: logvar.array.slice(), gradZ: gradZ.array.slice() };
const plainOut = [0, 1, 2, 3, 4].map(() => new Float32Array(N));

// Plain TypeScript loops, written as a user would, float64 accumulation.
function tsKl(m, l) {
  let sum = 0;
  for (let i = 0; i < m.length; i++) sum += 0.5 * (Math.exp(l[i]) + m[i] * m[i] - 1 - l[i]);
  return sum;
}
function tsFused(m, l, gz, g, [zOut, epsOut, gm, gl]) {
  g.fillNormal(epsOut);
  let sum = 0;
  for (let i = 0; i < m.length; i++) {
    const s = Math.exp(0.5 * l[i]);
    zOut[i] = m[i] + s * epsOut[i];
    sum += 0.5 * (s * s + m[i] * m[i] - 1 - l[i]);
  }
  for (let i = 0; i < m.length; i++) {
    const s = Math.exp(0.5 * l[i]);
    gm[i] = gz[i] + m[i];
    gl[i] = 0.5 * gz[i] * s * epsOut[i] + 0.5 * (s * s - 1);
  }
  return sum;
}

const muT = tf.tensor(plain.mu);
const logvarT = tf.tensor(plain.logvar);
const gradZT = tf.tensor(plain.gradZ);
const tfFusedGrad = tf.grads((m, l) => {
  const { z: zz, kl: kk } = tfSampleWithKl(m, l, { rng });
  return tf.add(tf.sum(tf.mul(zz, gradZT)), tf.sum(kk));
});

const rows = [
  [
    'normal draws',
    rateAndCpu(() => sampleNormal(out, rng)),
    cpuRate(),
    rate(() => sampleNormal(plainOut[0], rng)),
    rate(() => tf.dispose(randomNormal([N], { rng }))),
    rate(() => rng.fillNormal(plainOut[0])),
  ],
  [
    'KL forward (sum)',
    rateAndCpu(() => klStandardNormal(mu, logvar)),
    cpuRate(),
    rate(() => klStandardNormal(plain.mu, plain.logvar)),
    rate(() => tf.tidy(() => tfKl(muT, logvarT).sum().dataSync())),
    rate(() => tsKl(plain.mu, plain.logvar)),
  ],
  [
    'KL forward (elementwise)',
    rateAndCpu(() => klStandardNormal(mu, logvar, { out })),
    cpuRate(),
    rate(() => klStandardNormal(plain.mu, plain.logvar, { out: plainOut[0] })),
    rate(() => tf.tidy(() => tfKl(muT, logvarT).dataSync())),
    NaN,
  ],
  [
    'fused sample + KL, fwd + bwd',
    rateAndCpu(() => {
      sampleWithKl(mu, logvar, { z, eps, rng });
      sampleWithKlBackward({ mu, logvar, eps, gradZ, gradMu, gradLogvar });
    }),
    cpuRate(),
    rate(() => {
      sampleWithKl(plain.mu, plain.logvar, { z: plainOut[0], eps: plainOut[1], rng });
      sampleWithKlBackward({ mu: plain.mu, logvar: plain.logvar, eps: plainOut[1], gradZ: plain.gradZ, gradMu: plainOut[2], gradLogvar: plainOut[3] });
    }),
    rate(() => tf.tidy(() => tfFusedGrad([muT, logvarT]).forEach((g) => g.dataSync()))),
    rate(() => tsFused(plain.mu, plain.logvar, plain.gradZ, rng, plainOut)),
  ],
];

const fmt = (x) => (Number.isNaN(x) ? '-' : x.toFixed(x < 10 ? 1 : 0));
console.log(
  `n = ${N}, node ${process.version}, tfjs ${summary.tfjsBackend} backend (${summary.backend}), ` +
    `load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}, ${new Date().toISOString()}`,
);
console.log(
  '| M elements/s | AS in place (KernelArray) | same, per CPU second | AS on Float32Array (copies) | tfjs ops | plain TS loop |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [name, ...values] of rows) console.log(`| ${name} | ${values.map(fmt).join(' | ')} |`);
