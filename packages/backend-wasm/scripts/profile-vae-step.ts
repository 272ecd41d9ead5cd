/**
 * Profiles one training step of the canonical VAE (784-400-20 MLP encoder and decoder,
 * ReLU, Bernoulli likelihood through the sigmoid cross-entropy, analytic KL, batch 128,
 * Adam) on plain tfjs-backend-wasm and on elbo's wasm(), each in its own process, and
 * prints the time per kernel and samples per second. Run by hand (not in CI):
 *
 *   npm run profile -w @elbo/backend-wasm            # both, 30 timed steps each
 *   npm run profile -w @elbo/backend-wasm -- --steps 50 --mode elbo
 *
 * The official speed figures come from tools/bench; this script is for finding slow
 * kernels.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { Generator, init, randomNormal, randomUniform } from '@elbo/runtime';
import { wasm } from '@elbo/backend-wasm';

type Mode = 'plain' | 'elbo';
const BATCH = 128;
const DATA = 784;
const HIDDEN = 400;
const LATENT = 20;

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

async function start(mode: Mode): Promise<void> {
  if (mode === 'plain') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('plain tfjs-backend-wasm did not start');
  } else {
    await init({ backend: wasm(), seed: 1 });
  }
}

function buildStep(): () => number {
  const rng = Generator.fromSeed(7);
  const dense = (inputs: number, outputs: number): [tf.Variable, tf.Variable] => {
    const limit = Math.sqrt(6 / (inputs + outputs));
    const w = tf.tidy(() => randomUniform([inputs, outputs], { rng }).mul(2 * limit).sub(limit));
    return [tf.variable(w), tf.variable(tf.zeros([outputs]))];
  };
  const [w1, b1] = dense(DATA, HIDDEN);
  const [wMu, bMu] = dense(HIDDEN, LATENT);
  const [wLogvar, bLogvar] = dense(HIDDEN, LATENT);
  const [w3, b3] = dense(LATENT, HIDDEN);
  const [w4, b4] = dense(HIDDEN, DATA);
  const x = tf.tidy(() => randomUniform([BATCH, DATA], { rng }).greater(0.5).cast('float32'));
  const optimizer = tf.train.adam(1e-3);

  const loss = (eps: tf.Tensor): tf.Scalar => {
    const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const mu = tf.add(tf.matMul(h, wMu), bMu);
    const logvar = tf.add(tf.matMul(h, wLogvar), bLogvar);
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps));
    const h2 = tf.relu(tf.add(tf.matMul(z, w3), b3));
    const logits = tf.add(tf.matMul(h2, w4), b4);
    // -log p(x | logits) for a Bernoulli: relu(l) - l x + log1p(exp(-|l|)).
    const nll = tf.sum(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))), 1);
    const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logvar), tf.square(mu)), tf.exp(logvar)), 1));
    return tf.mean(tf.add(nll, kl));
  };
  return () => {
    const eps = randomNormal([BATCH, LATENT], { rng });
    const cost = optimizer.minimize(() => loss(eps), true)!;
    const value = cost.dataSync()[0]!;
    tf.dispose([cost, eps]);
    return value;
  };
}

/** Wraps every registered wasm kernel to add up the CPU time of its calls, by name and input shapes. */
function instrumentKernels(): Map<string, { count: number; ms: number }> {
  const totals = new Map<string, { count: number; ms: number }>();
  for (const config of tf.getKernelsForBackend('wasm')) {
    const inner = config.kernelFunc;
    const kernelFunc: tf.KernelFunc = (args) => {
      const before = process.cpuUsage();
      const out = inner(args);
      const used = process.cpuUsage(before);
      const shapes = Object.values(args.inputs).map((t) => (t ? `[${t.shape}]` : '-'));
      const key = `${config.kernelName} ${shapes.join('x')}`;
      const entry = totals.get(key) ?? { count: 0, ms: 0 };
      entry.count += 1;
      entry.ms += (used.user + used.system) / 1000;
      totals.set(key, entry);
      return out;
    };
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({ ...config, kernelFunc });
  }
  return totals;
}

async function profileMode(mode: Mode, steps: number): Promise<void> {
  await start(mode);
  const step = buildStep();
  for (let i = 0; i < 5; i++) step();

  const times: number[] = [];
  // CPU time of this (single-threaded) process: unlike wall time, it does not grow
  // when other processes share the cores.
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
  // Per kernel: CPU time around every wasm kernel call, after the timed steps (the
  // wrappers cost a little). Inclusive: a kernel that calls others counts them too.
  const perKernel = instrumentKernels();
  const profiled = 10;
  for (let i = 0; i < profiled; i++) step();
  const rows = [...perKernel].sort((a, b) => b[1].ms - a[1].ms);
  const kernelTotal = rows.reduce((sum, [, e]) => sum + e.ms, 0) / profiled;

  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const best = times[0]!;
  console.log(`\n== ${mode === 'plain' ? 'plain tfjs-backend-wasm' : 'elbo wasm()'} ==`);
  console.log(
    `ms per step over ${steps} steps: median ${median.toFixed(2)} (${((BATCH * 1000) / median).toFixed(0)} samples/s), ` +
      `best ${best.toFixed(2)} (${((BATCH * 1000) / best).toFixed(0)} samples/s)`,
  );
  console.log(`CPU time per step: ${cpuMs.toFixed(2)} ms (${((BATCH * 1000) / cpuMs).toFixed(0)} samples/s)`);
  console.log(`kernel CPU time per step: ${kernelTotal.toFixed(2)} ms in ${(rows.reduce((s, [, e]) => s + e.count, 0) / profiled).toFixed(0)} kernel calls (inclusive)`);
  console.log('   ms/step  calls  kernel inputs');
  for (const [key, e] of rows.slice(0, Number(argument("top", "20")))) {
    console.log(`${(e.ms / profiled).toFixed(3).padStart(10)} ${String(e.count / profiled).padStart(6)}  ${key}`);
  }
  console.log(`RESULT ${JSON.stringify({ mode, msPerStep: median, samplesPerSecond: (BATCH * 1000) / median, bestMsPerStep: best, cpuMsPerStep: cpuMs })}`);
}

const mode = argument('mode', 'both');
const steps = Number(argument('steps', '30'));
if (mode === 'plain' || mode === 'elbo') {
  await profileMode(mode, steps);
} else {
  // Separate processes: elbo's kernels, once registered, stay for the process.
  const self = fileURLToPath(import.meta.url);
  const results: Record<string, { samplesPerSecond: number; bestMsPerStep: number; cpuMsPerStep: number }> = {};
  for (const m of ['plain', 'elbo'] as const) {
    const output = execFileSync(process.execPath, [self, '--mode', m, '--steps', String(steps)], { encoding: 'utf8' });
    process.stdout.write(output.replace(/^RESULT .*$/m, ''));
    const line = output.split('\n').find((l) => l.startsWith('RESULT '));
    if (line) results[m] = JSON.parse(line.slice(7)) as { samplesPerSecond: number; bestMsPerStep: number; cpuMsPerStep: number };
  }
  const plain = results['plain'];
  const elbo = results['elbo'];
  if (plain && elbo) {
    console.log(
      `\nspeed-up of wasm() over plain tfjs-backend-wasm: ${(elbo.samplesPerSecond / plain.samplesPerSecond).toFixed(2)}x (medians), ` +
        `${(plain.bestMsPerStep / elbo.bestMsPerStep).toFixed(2)}x (best steps), ${(plain.cpuMsPerStep / elbo.cpuMsPerStep).toFixed(2)}x (CPU time)`,
    );
  }
}
