import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { capacityAnnealing, linearWarmup } from '@elbo/objectives';
import { Generator, testing } from '@elbo/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteLossError } from './training-loop.js';
import type { BatchLog, EpochLog } from './training-loop.js';
import { VAE } from './vae.js';
import type { VAEOptions } from './vae.js';

const INPUT = 6;
const LATENT = 2;

// Binary data from two prototypes with flipped bits: a latent structure a VAE can learn.
function binaryData(n: number, seed: number): tf.Tensor2D {
  const rng = Generator.fromSeed(seed);
  const u = rng.uniformArray(n * (INPUT + 1));
  const values = new Float32Array(n * INPUT);
  for (let i = 0; i < n; i++) {
    const prototype = u[i * (INPUT + 1)]! < 0.5 ? [1, 1, 1, 0, 0, 0] : [0, 0, 1, 1, 1, 0];
    for (let j = 0; j < INPUT; j++) {
      const flip = u[i * (INPUT + 1) + 1 + j]! < 0.1;
      values[i * INPUT + j] = flip ? 1 - prototype[j]! : prototype[j]!;
    }
  }
  return tf.tensor2d(values, [n, INPUT]);
}

const small = (overrides: Partial<VAEOptions> = {}): VAE =>
  new VAE({ inputDim: INPUT, latentDim: LATENT, encoder: { hidden: [8] }, decoder: { hidden: [8] }, seed: 1, ...overrides });

describe('VAE', () => {
  let train: tf.Tensor2D;
  let test: tf.Tensor2D;
  let directory: string;
  beforeAll(async () => {
    await testing.initForTests({ seed: 5 });
    train = binaryData(256, 1);
    test = binaryData(64, 2);
    directory = await mkdtemp(join(tmpdir(), 'elbo-vae-'));
  });
  afterAll(async () => {
    tf.dispose([train, test]);
    await rm(directory, { recursive: true, force: true });
  });

  it('has the architecture of its options', () => {
    const vae = new VAE({ inputDim: 784, latentDim: 20, encoder: { hidden: [400] }, decoder: { hidden: [400] }, likelihood: 'bernoulli', seed: 0 });
    expect(Object.fromEntries(Object.entries(vae.namedVariables()).map(([k, v]) => [k, v.shape]))).toEqual({
      'encoder/0/kernel': [784, 400],
      'encoder/0/bias': [400],
      'encoder/1/kernel': [400, 40],
      'encoder/1/bias': [40],
      'decoder/0/kernel': [20, 400],
      'decoder/0/bias': [400],
      'decoder/1/kernel': [400, 784],
      'decoder/1/bias': [784],
    });
    // pytorch/examples' VAE has the same count: 784*400+400 + 2*(400*20+20) + 20*400+400 + 400*784+784.
    expect(vae.parameterCount).toBe(652824);
    vae.dispose();
    expect(vae.isDisposed).toBe(true);
    expect(() => vae.sample(1)).toThrow(/VAE.sample: the model must be not disposed/);
  });

  it('encodes, decodes, samples and reconstructs with the right shapes and no leaks', () => {
    const vae = small();
    const x = test.slice([0, 0], [5, INPUT]);
    const { mean, logvar } = vae.encode(x);
    expect(mean.shape).toEqual([5, LATENT]);
    expect(logvar.shape).toEqual([5, LATENT]);
    const decoded = vae.decode(mean);
    expect(decoded.shape).toEqual([5, INPUT]);
    const probabilities = decoded.dataSync();
    expect(probabilities.every((p) => p > 0 && p < 1)).toBe(true);
    expect(vae.sample(7, { rng: Generator.fromSeed(1) }).shape).toEqual([7, INPUT]);
    const drawn = vae.sample(7, { rng: Generator.fromSeed(1), draw: true });
    expect(drawn.dataSync().every((v) => v === 0 || v === 1)).toBe(true);
    expect(vae.reconstruct(x).shape).toEqual([5, INPUT]);
    expect(vae.reconstruct(x.arraySync() as number[][], { sampleLatent: true }).shape).toEqual([5, INPUT]);
    tf.dispose([mean, logvar, decoded, drawn]);
    const z = tf.zeros([2, LATENT]);
    for (const call of [
      () => vae.encode(x),
      () => vae.decode(z),
      () => vae.sample(3),
      () => vae.reconstruct(x),
      () => vae.reconstruct(x.dataSync() as Float32Array),
    ]) {
      expect(testing.tensorsLeftBehind(() => call() as tf.TensorContainer)).toBe(0);
    }
    tf.dispose([x, z]);
    vae.dispose();
  });

  it('samples the same examples for the same seed', () => {
    const vae = small();
    const a = vae.sample(4, { rng: Generator.fromSeed(9) });
    const b = vae.sample(4, { rng: Generator.fromSeed(9) });
    expect(a.dataSync()).toEqual(b.dataSync());
    tf.dispose([a, b]);
    vae.dispose();
  });

  it('trains: the ELBO improves, callbacks report progress, and fit leaves no tensors', async () => {
    const vae = small();
    const before = await vae.evaluate(test, { samples: 50, seed: 1 });
    const batches: BatchLog[] = [];
    const epochs: EpochLog[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const history = await vae.fit(train, {
      epochs: 15,
      batchSize: 32,
      learningRate: 1e-2,
      seed: 1,
      validation: test,
      onBatchEnd: (log) => void batches.push(log),
      onEpochEnd: (log) => void epochs.push(log),
    });
    expect(tf.memory().numTensors - tensorsBefore).toBe(0);
    const after = await vae.evaluate(test, { samples: 50, seed: 1 });
    // The data has 2 prototypes with 10% bit flips: the true model's entropy is
    // log 2 + 6 H(0.1) = 2.64 nats; an untrained model sits near 6 log 2 = 4.16.
    expect(before.elbo).toBeLessThan(-3.9);
    expect(after.elbo).toBeGreaterThan(before.elbo + 0.8);
    expect(after.logLikelihood!).toBeGreaterThanOrEqual(after.elbo - 0.05);
    expect(history.stopReason).toBe('completed');
    expect(history.epochs).toHaveLength(15);
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(batches).toHaveLength(15 * 8);
    const last = batches.at(-1)!;
    expect(Object.keys(last.terms)).toEqual(['elbo', 'reconstruction', 'kl']);
    expect(last.terms.elbo).toBeCloseTo(last.terms.reconstruction! - last.terms.kl!, 4);
    expect(last.loss).toBeCloseTo(-last.terms.elbo!, 4);
    expect(last.samplesPerSecond).toBeGreaterThan(0);
    expect(epochs.at(-1)!.validationLoss).toBeCloseTo(-(await vae.evaluate(test, { samples: 0, batchSize: 32, diagnostics: false })).elbo, 0);
    vae.dispose();
  });

  it('uses a given tf.Optimizer without disposing it, so its state carries over', async () => {
    const vae = small();
    const optimizer = tf.train.adam(0.01);
    await vae.fit(train, { epochs: 1, batchSize: 64, seed: 1, optimizer });
    await vae.fit(train, { epochs: 1, batchSize: 64, seed: 2, optimizer });
    expect(optimizer.iterations).toBe(8);
    optimizer.dispose();
    vae.dispose();
  });

  it('gives the same weights for the same seeds', async () => {
    const run = async (): Promise<Float32Array> => {
      const vae = small();
      await vae.fit(train, { epochs: 1, batchSize: 64, seed: 3 });
      const w = vae.decoder.layers[1]!.kernel.dataSync() as Float32Array;
      vae.dispose();
      return w;
    };
    expect(await run()).toEqual(await run());
  });

  it('evaluates the ELBO terms, log-likelihood in chunks, KL per dimension and active units', async () => {
    const vae = small();
    await vae.fit(train, { epochs: 5, batchSize: 32, learningRate: 1e-2, seed: 2 });
    const tensorsBefore = tf.memory().numTensors;
    // Small chunks force many passes; the estimate must match one big pass within noise.
    const chunked = await vae.evaluate(test, { samples: 400, seed: 4, maxChunkElements: 64 * 8 * 10 });
    const whole = await vae.evaluate(test, { samples: 400, seed: 4 });
    expect(tf.memory().numTensors - tensorsBefore).toBe(0);
    expect(chunked.elbo).toBeCloseTo(chunked.reconstruction - chunked.kl, 4);
    expect(Math.abs(chunked.logLikelihood! - whole.logLikelihood!)).toBeLessThan(0.05);
    expect(whole.logLikelihood!).toBeGreaterThan(whole.elbo);
    expect(whole.klPerDimension).toHaveLength(LATENT);
    const klSum = whole.klPerDimension!.reduce((s, v) => s + v, 0);
    // klPerDimension is at the posterior means; the kl term is analytic too: they agree exactly.
    expect(klSum).toBeCloseTo(whole.kl, 3);
    expect(whole.activeUnits).toBeGreaterThanOrEqual(1);
    expect(whole.activeUnits).toBeLessThanOrEqual(LATENT);
    vae.dispose();
  });

  it('saves to a directory and loads a model with identical outputs', async () => {
    const vae = small({ likelihood: { type: 'gaussian', scale: 'learned' }, prior: { type: 'mixture', components: 3 } });
    await vae.fit(train, { epochs: 2, batchSize: 64, seed: 1 });
    const path = join(directory, 'model');
    await vae.save(path);
    expect((await readdir(path)).sort()).toEqual(['config.json', 'weights.bin']);
    const again = await VAE.load(path);
    expect(again.config).toEqual(vae.config);
    for (const [name, v] of Object.entries(vae.namedVariables())) expect(again.namedVariables()[name]!.dataSync()).toEqual(v.dataSync());
    const a = vae.reconstruct(test);
    const b = again.reconstruct(test);
    expect(b.dataSync()).toEqual(a.dataSync());
    const sa = vae.sample(5, { rng: Generator.fromSeed(2) });
    const sb = again.sample(5, { rng: Generator.fromSeed(2) });
    expect(sb.dataSync()).toEqual(sa.dataSync());
    const ea = await vae.evaluate(test, { samples: 20, seed: 3 });
    const eb = await again.evaluate(test, { samples: 20, seed: 3 });
    expect(eb).toEqual(ea);
    tf.dispose([a, b, sa, sb]);
    vae.dispose();
    again.dispose();
  });

  it('saves through any tf.io handler (file:// paths too)', async () => {
    const vae = small({ likelihood: 'poisson' });
    let saved: tf.io.ModelArtifacts | undefined;
    await vae.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const again = await VAE.load(tf.io.fromMemory(saved!));
    expect(again.config.likelihood).toEqual({ type: 'poisson' });
    const viaFileUrl = join(directory, 'file-url');
    await vae.save(`file://${viaFileUrl}`);
    const third = await VAE.load(`file://${viaFileUrl}`);
    expect(third.decoder.layers[0]!.kernel.dataSync()).toEqual(vae.decoder.layers[0]!.kernel.dataSync());
    [vae, again, third].forEach((m) => m.dispose());
  });

  it('refuses to load what it did not save, naming the problem', async () => {
    await expect(VAE.load(join(directory, 'missing'))).rejects.toThrow(/VAE.load: the model directory must be a folder holding config.json and weights.bin/);
    await expect(VAE.load(tf.io.fromMemory({ modelTopology: { class_name: 'Sequential' } }))).rejects.toThrow(/VAE.load: the stored model must be one saved by VAE.save/);
    const vae = small();
    let saved: tf.io.ModelArtifacts | undefined;
    await vae.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    vae.dispose();
    const topology = saved!.modelTopology as { config: { latentDim: number } };
    const tampered = { ...saved!, modelTopology: { ...topology, config: { ...topology.config, latentDim: 3 } } };
    const before = tf.memory().numTensors;
    await expect(VAE.load(tf.io.fromMemory(tampered))).rejects.toThrow(/weight encoder\/1\/kernel must be of shape \[8, 6\], found \[8, 4\]/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops on a non-finite loss with the epoch and batch, keeping the last good weights', async () => {
    const vae = small();
    let lastGood: Float32Array[] = [];
    const error = await vae
      .fit(train, {
        epochs: 2,
        batchSize: 64,
        seed: 1,
        onBatchEnd: (log) => {
          // A corrupted parameter (as a diverging run makes) turns the next batch's loss into NaN.
          if (log.batch === 2) tf.tidy(() => vae.decoder.layers[1]!.bias.assign(tf.fill([INPUT], Number.NaN)));
          lastGood = vae.variables.map((v) => v.dataSync() as Float32Array);
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(/VAE.fit: the loss \(NaN\) became non-finite at epoch 1, batch 3/);
    expect(error).toMatchObject({ epoch: 1, batch: 3 });
    // Adam did not apply batch 3's update: every other parameter is as after batch 2.
    vae.variables.forEach((v, i) => expect(v.dataSync()).toEqual(lastGood[i]));
    vae.dispose();
  });

  it('cancels between steps through an AbortSignal', async () => {
    const vae = small();
    const controller = new AbortController();
    let steps = 0;
    const tensorsBefore = tf.memory().numTensors;
    const outcome = vae.fit(train, {
      epochs: 50,
      batchSize: 32,
      signal: controller.signal,
      onBatchEnd: () => {
        if (++steps === 3) controller.abort();
      },
    });
    await expect(outcome).rejects.toThrow(/abort/i);
    expect(steps).toBe(3);
    expect(tf.memory().numTensors - tensorsBefore).toBe(0);
    vae.dispose();
  });

  it('stops early on the validation loss and restores the best weights', async () => {
    const vae = small();
    // Very high learning rate: validation stalls quickly; patience 1 stops it.
    const history = await vae.fit(train, {
      epochs: 40,
      batchSize: 32,
      learningRate: 0.05,
      seed: 1,
      validation: test,
      earlyStopping: { patience: 1 },
    });
    expect(history.stopReason).toBe('earlyStopping');
    const losses = history.epochs.map((e) => e.validationLoss!);
    expect(history.bestEpoch).toBe(losses.indexOf(Math.min(...losses)) + 1);
    const restored = await vae.evaluate(test, { samples: 0, batchSize: 32, diagnostics: false });
    expect(-restored.elbo).toBeCloseTo(Math.min(...losses), 0);
    vae.dispose();
  });

  it('trains with every objective and likelihood', async () => {
    const poissonData = tf.tidy(() => tf.round(tf.mul(train.slice([0, 0], [64, INPUT]), 3)));
    const cases: [Partial<VAEOptions>, Parameters<VAE['fit']>[1], tf.Tensor][] = [
      [{}, { objective: { type: 'elbo', klWeight: linearWarmup({ steps: 4 }), freeBits: 0.1 } }, train],
      [{}, { objective: { type: 'iwae', samples: 4, estimator: 'dreg' } }, train],
      [{}, { objective: 'mmd' }, train],
      [{}, { objective: 'wakeSleep' }, train],
      [{}, { objective: { type: 'wakeSleep', samples: 3 } }, train],
      [{ likelihood: 'continuousBernoulli' }, { objective: { type: 'elbo', samples: 2 } }, train],
      [{ likelihood: 'poisson' }, {}, poissonData],
      [{ likelihood: { type: 'categorical', categories: 2 } }, { optimizer: 'rmsprop' }, train],
      [{ likelihood: { type: 'gaussian', scale: 'perExample' }, prior: 'mixture' }, { clipNorm: 5 }, train],
    ];
    for (const [model, fit, data] of cases) {
      const vae = small(model);
      const history = await vae.fit(data, { epochs: 2, batchSize: 64, seed: 1, ...fit }).catch((e: Error) => {
        throw new Error(`${JSON.stringify(model)} ${JSON.stringify(fit)}: ${e.message}`);
      });
      expect(history.epochs.every((e) => Number.isFinite(e.loss))).toBe(true);
      vae.dispose();
    }
    poissonData.dispose();
  });

  it('feeds KL schedules the optimizer step, or the epoch with schedulePer', async () => {
    const vae = small();
    for (const [schedulePer, expected] of [
      ['step', [0, 1, 2, 3]],
      ['epoch', [0, 0, 1, 1]],
    ] as const) {
      const seen: number[] = [];
      const klWeight = (t: number): number => {
        seen.push(t);
        return 0.5;
      };
      await vae.fit(train, { epochs: 2, batchSize: 128, seed: 1, objective: { type: 'elbo', klWeight, schedulePer } });
      expect(seen).toEqual(expected);
    }
    const history = await vae.fit(train, { epochs: 1, batchSize: 128, seed: 1, objective: { type: 'elbo', klWeight: 5, capacity: capacityAnnealing({ max: 3, steps: 2 }) } });
    expect(Number.isFinite(history.epochs[0]!.loss)).toBe(true);
    vae.dispose();
  });

  it('rejects bad options and data with messages naming them', async () => {
    expect(() => new VAE({ inputDim: 0, latentDim: 2 })).toThrow(/new VAE: inputDim must be a positive integer, found 0/);
    expect(() => new VAE({ inputDim: 4, latentDim: 2, hidden: [3] } as never)).toThrow(/new VAE: option 'hidden' must be one of/);
    expect(() => new VAE({ inputDim: 4, latentDim: 2, encoder: { hidden: [-1] } })).toThrow(/new VAE encoder: hidden must be/);
    const vae = small();
    await expect(vae.fit(train, { epochs: 0 })).rejects.toThrow(/VAE.fit: epochs must be a positive integer, found 0/);
    await expect(vae.fit(train, { batchSize: 1.5 })).rejects.toThrow(/batchSize must be a positive integer/);
    await expect(vae.fit(train, { learningRate: -1 })).rejects.toThrow(/learningRate must be a finite number > 0, found -1/);
    await expect(vae.fit(train, { optimizer: 'lbfgs' as never })).rejects.toThrow(/optimizer must be one of adam/);
    const sgd = tf.train.sgd(0.1);
    await expect(vae.fit(train, { optimizer: sgd, learningRate: 0.01 })).rejects.toThrow(/learningRate must be left out when optimizer is a tf.Optimizer/);
    sgd.dispose();
    await expect(vae.fit(train, { objective: 'elbow' as never })).rejects.toThrow(/objective must be one of elbo, iwae, mmd/);
    await expect(vae.fit(train, { objective: { type: 'iwae', estimator: 'vimco' as never } })).rejects.toThrow(/objective.estimator must be/);
    await expect(vae.fit(train, { earlyStopping: { patience: 2 } })).rejects.toThrow(/earlyStopping must be given together with validation data/);
    await expect(vae.fit(train, { epoch: 3 } as never)).rejects.toThrow(/VAE.fit: option 'epoch' must be one of/);
    await expect(vae.fit(tf.zeros([4, 5]))).rejects.toThrow(/VAE.fit: data must be a tensor of shape \[N, 6\]/);
    await expect(vae.fit(new Float32Array(13))).rejects.toThrow(/length is a positive multiple of inputDim \(6\), found length 13/);
    await expect(vae.fit(tf.fill([3, INPUT], 2))).rejects.toThrow(/VAE.fit: data\[0\]\[0\] must be in \[0, 1\], found 2/);
    const tensorsBefore = tf.memory().numTensors;
    await expect(vae.fit(train.arraySync(), { validation: new Float32Array(5) })).rejects.toThrow(/VAE.fit validation: data must be a flat array/);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    await expect(vae.evaluate(test, { samples: -1 })).rejects.toThrow(/VAE.evaluate: samples must be a non-negative integer/);
    expect(() => vae.decode(tf.zeros([2, 3]))).toThrow(/VAE.decode: z must be a live tensor of shape \[..., 2\]/);
    await expect(vae.save('ftp://example.com/model')).rejects.toThrow(/VAE.save: location must be a directory path or a URL tfjs can save/);
    vae.dispose();
  });
});
