import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, testing } from '@elbo/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bitsPerSpike } from './bits-per-spike.js';
import { SeqVAE } from './seq-vae.js';

const small = { hidden: 8, combinerHidden: 8 };

function poissonData(trials: number, steps: number, obsDim: number, seed: number) {
  const u = Generator.fromSeed(seed).uniformArray(trials * steps * obsDim);
  // Counts 0..2 from uniforms: enough structure-free data to exercise shapes and masks.
  return { x: Float32Array.from(u, (v) => Math.floor(v * 3)), shape: [trials, steps, obsDim] };
}

describe('SeqVAE', () => {
  let dir: string;
  beforeAll(async () => {
    await testing.initForTests({ seed: 1 });
    dir = await mkdtemp(join(tmpdir(), 'seq-vae-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('infers per-step posterior moments and emission means with the documented shapes', () => {
    const model = new SeqVAE({ obsDim: 5, latentDim: 3, encoder: small, seed: 2 });
    const data = poissonData(4, 7, 5, 3);
    const out = model.infer(data, { samples: 4, rng: Generator.fromSeed(4) });
    expect(out.shape).toEqual([4, 7, 3]);
    expect(out.obsShape).toEqual([4, 7, 5]);
    expect(out.means.length).toBe(4 * 7 * 3);
    expect(out.variances.length).toBe(4 * 7 * 3);
    expect(out.emissionMeans.length).toBe(4 * 7 * 5);
    expect(out.variances.every((v) => v >= 0)).toBe(true);
    expect(out.emissionMeans.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    model.dispose();
  });

  it('samples from the generative model', () => {
    for (const likelihood of ['poisson', 'gaussian', 'bernoulli'] as const) {
      const model = new SeqVAE({ obsDim: 4, latentDim: 2, likelihood, transition: 'gated', encoder: small, seed: 1 });
      const s = model.sample({ trials: 3, steps: 6, rng: Generator.fromSeed(9) });
      expect(s.shape).toEqual([3, 6, 2]);
      expect(s.latents.length).toBe(36);
      expect(s.observations.length).toBe(72);
      if (likelihood !== 'gaussian') expect(s.observations.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
      if (likelihood === 'bernoulli') expect(s.observations.every((v) => v <= 1)).toBe(true);
      model.dispose();
    }
  });

  it('trains every likelihood, readout and transition (finite losses, one step each)', async () => {
    const counts = poissonData(4, 5, 3, 2);
    const binary = { x: counts.x.map((v) => Math.min(v, 1)), shape: counts.shape };
    for (const [likelihood, data] of [
      [{ type: 'poisson', readout: 'mlp', hidden: 5 }, counts],
      [{ type: 'gaussian', readout: 'linear' }, counts],
      [{ type: 'bernoulli', readout: 'mlp', hidden: 5 }, binary],
    ] as const) {
      for (const transition of ['linear', { type: 'gated', hidden: 6 }] as const) {
        const model = new SeqVAE({ obsDim: 3, latentDim: 2, likelihood, transition, encoder: small, seed: 3 });
        const history = await model.fit(data, { epochs: 1, batchSize: 4, samples: 2, freeBits: 0.1, rng: Generator.fromSeed(1) });
        expect(Number.isFinite(history.loss[0]!)).toBe(true);
        expect(history.kl[0]!).toBeGreaterThanOrEqual(0);
        model.dispose();
      }
    }
  });

  it('ignores padded steps: a padded trial scores and infers as its unpadded prefix', () => {
    const model = new SeqVAE({ obsDim: 3, latentDim: 2, encoder: small, seed: 5 });
    const full = poissonData(1, 4, 3, 6);
    const padded = new Float32Array(1 * 7 * 3);
    padded.set(full.x);
    padded.fill(2, 12); // padding values must not matter
    const mask = Float32Array.from({ length: 7 }, (_, t) => (t < 4 ? 1 : 0));
    const withPadding = { x: padded, shape: [1, 7, 3], mask };
    // The noise is drawn as [T, samples * trials, L], so the first 4 steps get the same
    // draws in both runs: any difference comes from padding leaking in (the backward
    // GRU would see it first).
    const a = model.evaluate(full, { samples: 3, rng: Generator.fromSeed(1) });
    const b = model.evaluate(withPadding, { samples: 3, rng: Generator.fromSeed(1) });
    expect(b.elbo).toBeCloseTo(a.elbo, 3);
    expect(b.elboPerStep).toBeCloseTo(b.elbo / 4, 10);
    const ia = model.infer(full, { samples: 2, rng: Generator.fromSeed(3) });
    const ib = model.infer(withPadding, { samples: 2, rng: Generator.fromSeed(3) });
    for (let i = 0; i < ia.means.length; i++) expect(ib.means[i]).toBeCloseTo(ia.means[i]!, 4);
    for (let i = 0; i < ia.emissionMeans.length; i++) expect(ib.emissionMeans[i]).toBeCloseTo(ia.emissionMeans[i]!, 4);
    model.dispose();
  });

  it('leaves no tensors behind in infer, evaluate, sample, fit, save and load', async () => {
    const atStart = tf.memory().numTensors;
    const model = new SeqVAE({ obsDim: 3, latentDim: 2, encoder: small, seed: 3 });
    const data = poissonData(5, 6, 3, 1);
    expect(testing.tensorsLeftBehind(() => void model.infer(data, { samples: 2 }))).toBe(0);
    expect(testing.tensorsLeftBehind(() => void model.evaluate(data, { samples: 2 }))).toBe(0);
    expect(testing.tensorsLeftBehind(() => void model.sample({ trials: 2, steps: 3 }))).toBe(0);
    expect(await testing.tensorsLeftBehindAsync(async () => void (await model.fit(data, { epochs: 2, batchSize: 2 })))).toBe(0);
    const path = join(dir, 'leak');
    expect(await testing.tensorsLeftBehindAsync(() => model.save(path))).toBe(0);
    const before = tf.memory().numTensors;
    const loaded = await SeqVAE.load(path);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    expect(tf.memory().numTensors).toBe(atStart);
  });

  it('fit reports progress per batch and epoch and honours an AbortSignal', async () => {
    const model = new SeqVAE({ obsDim: 4, latentDim: 2, encoder: small, seed: 4 });
    const data = poissonData(8, 10, 4, 2);
    const batches: number[] = [];
    const epochs: number[] = [];
    const history = await model.fit(data, {
      epochs: 3,
      batchSize: 4,
      learningRate: 1e-2,
      klWarmupEpochs: 2,
      rng: Generator.fromSeed(5),
      onBatchEnd: (p) => {
        batches.push(p.step);
        expect(p.batches).toBe(2);
        expect(p.totalSteps).toBe(6);
        expect(Number.isFinite(p.loss)).toBe(true);
        expect(p.klWeight).toBeGreaterThanOrEqual(0);
        expect(p.klWeight).toBeLessThanOrEqual(1);
      },
      onEpochEnd: (p) => void epochs.push(p.epoch),
    });
    expect(batches).toEqual([1, 2, 3, 4, 5, 6]);
    expect(epochs).toEqual([1, 2, 3]);
    expect(history.loss.length).toBe(3);
    expect(model.steps).toBe(6);
    const controller = new AbortController();
    const run = model.fit(data, { epochs: 5, batchSize: 4, signal: controller.signal, onBatchEnd: () => controller.abort(new Error('stop here')) });
    await expect(run).rejects.toThrow('stop here');
    expect(model.steps).toBe(7);
    model.dispose();
  });

  it('names the epoch and batch when the loss becomes non-finite', async () => {
    const model = new SeqVAE({ obsDim: 2, latentDim: 1, encoder: small, seed: 4 });
    const x = new Float32Array(4 * 3 * 2).fill(1);
    x[5] = 3e38; // a finite float32 count whose log-factorial overflows: the Poisson log-likelihood is -Infinity
    await expect(model.fit({ x, shape: [4, 3, 2] }, { epochs: 1, batchSize: 4 })).rejects.toThrow(/loss became .* at epoch 1, batch 1/);
    model.dispose();
  });

  it('saves to a directory and loads the same model back (same numbers for the same noise)', async () => {
    const model = new SeqVAE({ obsDim: 4, latentDim: 2, likelihood: { type: 'poisson', readout: 'mlp', hidden: 6 }, encoder: { ...small, inputs: [0, 2, 3] }, seed: 6 });
    const data = poissonData(3, 5, 4, 4);
    await model.fit(data, { epochs: 1, batchSize: 3 });
    const path = join(dir, 'model');
    await model.save(path);
    const loaded = await SeqVAE.load(path);
    expect(loaded.config).toEqual(model.config);
    expect(loaded.steps).toBe(model.steps);
    const a = model.infer(data, { samples: 3, rng: Generator.fromSeed(2) });
    const b = loaded.infer(data, { samples: 3, rng: Generator.fromSeed(2) });
    expect(Array.from(b.means)).toEqual(Array.from(a.means));
    expect(Array.from(b.emissionMeans)).toEqual(Array.from(a.emissionMeans));
    // Through a tf.io handler too.
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const fromMemory = await SeqVAE.load(tf.io.fromMemory(saved!));
    const c = fromMemory.infer(data, { samples: 3, rng: Generator.fromSeed(2) });
    expect(Array.from(c.means)).toEqual(Array.from(a.means));
    for (const m of [model, loaded, fromMemory]) m.dispose();
    await expect(SeqVAE.load(join(dir, 'missing'))).rejects.toThrow(/model.json must be a readable JSON model file/);
  });

  it("the initial head adds its output to q(z_1 | x) only: a constant head shifts the first step's posterior by exactly that constant", async () => {
    // Non-residual posterior with z_{n-1} cut out of the combiner: steps after the first
    // no longer depend on z_1, so only the first step may move.
    const model = new SeqVAE({ obsDim: 3, latentDim: 2, encoder: { ...small, residual: false }, seed: 5 });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    model.dispose();
    const c = [0.3, -0.7, 1.1, 0.2, -0.4, 0.9, 0.5, -1.2];
    const D = [
      [0.5, -1],
      [2, 0.25],
      [-0.75, 1.5],
      [1, 1],
      [-2, 0.5],
      [0.1, -0.3],
      [0.6, 0.8],
      [-1.5, 2],
    ];
    // Independent of the model code: the head's output with zero input weights is tanh(c) D.
    const shift = [0, 1].map((l) => c.reduce((sum, ci, i) => sum + Math.tanh(ci) * D[i]![l]!, 0));
    const edited = async (withHead: boolean) => {
      const weights = tf.io.decodeWeights(saved!.weightData!, saved!.weightSpecs!);
      const named: tf.NamedTensorMap = {};
      for (const [name, value] of Object.entries(weights)) {
        if (name.startsWith('encoder.initial.') && !withHead) continue;
        named[name] = value;
      }
      named['encoder.combiner.wz'] = tf.zerosLike(weights['encoder.combiner.wz']!);
      if (withHead) {
        named['encoder.initial.w'] = tf.zerosLike(weights['encoder.initial.w']!);
        named['encoder.initial.b'] = tf.tensor1d(c);
        named['encoder.initial.loc.wh'] = tf.tensor2d(D);
        named['encoder.initial.loc.ws'] = tf.zerosLike(weights['encoder.initial.loc.ws']!);
        named['encoder.initial.logvar.wh'] = tf.zerosLike(weights['encoder.initial.logvar.wh']!);
      }
      const { data, specs } = await tf.io.encodeWeights(named);
      const topology = structuredClone(saved!.modelTopology) as { config: { encoder: Record<string, unknown> } };
      topology.config.encoder['initialHead'] = withHead;
      const loaded = await SeqVAE.load(tf.io.fromMemory({ modelTopology: topology, weightSpecs: specs, weightData: data }));
      tf.dispose(Object.values(weights));
      tf.dispose(Object.values(named));
      return loaded;
    };
    const [withHead, without] = [await edited(true), await edited(false)];
    const data = poissonData(3, 4, 3, 6);
    const a = withHead.infer(data, { samples: 8, rng: Generator.fromSeed(7) });
    const b = without.infer(data, { samples: 8, rng: Generator.fromSeed(7) });
    for (let trial = 0; trial < 3; trial++) {
      for (let n = 0; n < 4; n++) {
        for (let l = 0; l < 2; l++) {
          const i = (trial * 4 + n) * 2 + l;
          expect(a.means[i]!).toBeCloseTo(b.means[i]! + (n === 0 ? shift[l]! : 0), 5);
          expect(a.variances[i]!).toBeCloseTo(b.variances[i]!, 5);
        }
      }
    }
    withHead.dispose();
    without.dispose();
  });

  it('loads a model saved before the residual posterior, initial head and initialNoise options existed as it was trained', async () => {
    const model = new SeqVAE({ obsDim: 3, latentDim: 2, encoder: { ...small, residual: false, initialHead: false }, seed: 8 });
    const data = poissonData(2, 4, 3, 9);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    // The handler gets a copy of the configuration: editing it leaves the model as it was.
    const topology = saved!.modelTopology as { config: { encoder: Record<string, unknown>; transition: Record<string, unknown> } };
    delete topology.config.encoder['residual'];
    delete topology.config.encoder['initialHead'];
    delete topology.config.transition['initialNoise'];
    expect(model.config.encoder.residual).toBe(false);
    expect(model.config.encoder.initialHead).toBe(false);
    expect(model.config.transition.initialNoise).toBe(0.3);
    const loaded = await SeqVAE.load(tf.io.fromMemory(saved!));
    expect(loaded.config).toEqual(model.config);
    const a = model.infer(data, { samples: 2, rng: Generator.fromSeed(4) });
    const b = loaded.infer(data, { samples: 2, rng: Generator.fromSeed(4) });
    expect(Array.from(b.means)).toEqual(Array.from(a.means));
    model.dispose();
    loaded.dispose();
  });

  it('steps a given optimizer, keeping its state across fit calls (resume = one long fit)', async () => {
    const data = poissonData(4, 6, 3, 8);
    const weightsAfter = async (run: (model: SeqVAE, rng: Generator) => Promise<void>) => {
      const model = new SeqVAE({ obsDim: 3, latentDim: 2, encoder: small, seed: 9 });
      await run(model, Generator.fromSeed(10));
      const values = model.trainableVariables.map((v) => Array.from(v.dataSync()));
      model.dispose();
      return values;
    };
    const adam = () => tf.train.adam(1e-2);
    const straight = adam();
    const once = await weightsAfter(async (model, rng) => void (await model.fit(data, { epochs: 4, batchSize: 2, optimizer: straight, rng })));
    expect(straight.iterations).toBe(8);
    const resumed = adam();
    const twice = await weightsAfter(async (model, rng) => {
      await model.fit(data, { epochs: 2, batchSize: 2, optimizer: resumed, rng });
      await model.fit(data, { epochs: 2, batchSize: 2, optimizer: resumed, rng });
    });
    expect(twice).toEqual(once);
    // A fresh Adam for the second call restarts its moment estimates: a different path.
    const restarted = await weightsAfter(async (model, rng) => {
      const first = adam();
      const second = adam();
      await model.fit(data, { epochs: 2, batchSize: 2, optimizer: first, rng });
      await model.fit(data, { epochs: 2, batchSize: 2, optimizer: second, rng });
      first.dispose();
      second.dispose();
    });
    expect(restarted).not.toEqual(once);
    // fit leaves the given optimizer to its owner (still usable) and leaves nothing else behind.
    const model = new SeqVAE({ obsDim: 3, latentDim: 2, encoder: small, seed: 9 });
    const kept = adam();
    await model.fit(data, { epochs: 1, batchSize: 4, optimizer: kept });
    expect(await testing.tensorsLeftBehindAsync(async () => void (await model.fit(data, { epochs: 1, batchSize: 4, optimizer: kept })))).toBe(0);
    await expect(model.fit(data, { optimizer: kept, learningRate: 1e-3 })).rejects.toThrow(/learningRate must be left out when options.optimizer is given/);
    await expect(model.fit(data, { optimizer: 'adam' as never })).rejects.toThrow(/optimizer must be a tf.Optimizer/);
    model.dispose();
    for (const o of [straight, resumed, kept]) o.dispose();
  });

  it('scores co-smoothing on held-out neurons from the rates infer predicts', () => {
    const heldOut = [1, 4];
    const model = new SeqVAE({ obsDim: 5, latentDim: 2, encoder: { ...small, inputs: [0, 2, 3] }, seed: 9 });
    const data = poissonData(6, 8, 5, 12);
    const scored = model.evaluate(data, { samples: 4, heldOutNeurons: heldOut, rng: Generator.fromSeed(21) });
    // Same generator state, same draws: infer's expected rates are the ones evaluate scored.
    const { emissionMeans } = model.infer(data, { samples: 4, rng: Generator.fromSeed(21) });
    expect(scored.bitsPerSpike).toBeCloseTo(bitsPerSpike(emissionMeans, data.x, [6, 8, 5], { neurons: heldOut }), 5);
    // Held-out columns are never read: changing them changes no prediction.
    const changed = data.x.slice();
    for (let i = 0; i < 6 * 8; i++) for (const j of heldOut) changed[i * 5 + j] = 7;
    const again = model.infer({ x: changed, shape: data.shape }, { samples: 4, rng: Generator.fromSeed(21) });
    expect(Array.from(again.emissionMeans)).toEqual(Array.from(emissionMeans));
    model.dispose();
  });

  it('rejects bad options and data with messages naming them', async () => {
    expect(() => new SeqVAE({ obsDim: 0, latentDim: 2 })).toThrow(/obsDim must be a positive integer/);
    expect(() => new SeqVAE({ obsDim: 3, latentDim: 2, likelihood: 'laplace' as never })).toThrow(/likelihood must be one of 'poisson', 'gaussian', 'bernoulli'/);
    expect(() => new SeqVAE({ obsDim: 3, latentDim: 2, transition: 'rnn' as never })).toThrow(/transition must be 'linear', 'gated'/);
    expect(() => new SeqVAE({ obsDim: 3, latentDim: 2, encoder: { inputs: [0, 3] } })).toThrow(/encoder.inputs\[1\] must be a distinct integer in \[0, 3\)/);
    expect(() => new SeqVAE({ obsDim: 3, latentDim: 2, encoder: { residual: 'yes' as never } })).toThrow(/encoder.residual must be true or false, found "yes"/);
    expect(() => new SeqVAE({ obsDim: 3, latentDim: 2, encoder: { initialHead: 1 as never } })).toThrow(/encoder.initialHead must be true or false, found 1/);
    expect(() => new SeqVAE({ obsDim: 3, latentDim: 2, transition: { type: 'gated', initialNoise: 0 } })).toThrow(/transition.initialNoise must be a finite number > 0, found 0/);
    expect(() => new SeqVAE({ obsDim: 3, latentDim: 2, lr: 1 } as never)).toThrow(/option 'lr'/);
    const model = new SeqVAE({ obsDim: 3, latentDim: 2, encoder: small, seed: 1 });
    const data = poissonData(2, 4, 3, 1);
    expect(() => model.infer({ x: data.x, shape: [2, 4, 4] })).toThrow(/data.shape\[2\] must be the model's obsDim 3, found 4/);
    expect(() => model.infer({ x: data.x.subarray(1), shape: [2, 4, 3] })).toThrow(/data.x must be 24 values/);
    expect(() => model.infer({ ...data, mask: Float32Array.from([1, 0, 1, 1, 1, 1, 1, 1]) })).toThrow(/mask\[0\] must be ones then zeros/);
    const nan = data.x.slice();
    nan[7] = NaN;
    expect(() => model.evaluate({ x: nan, shape: [2, 4, 3] })).toThrow(/data.x\[0\]\[2\]\[1\] must be finite/);
    await expect(model.fit(data, { epochs: 0 })).rejects.toThrow(/epochs must be a positive integer/);
    await expect(model.fit(data, { learningRate: -1 })).rejects.toThrow(/learningRate must be a positive number/);
    await expect(model.fit(data, { finalLearningRate: 0 })).rejects.toThrow(/finalLearningRate must be a positive number/);
    await expect(model.fit(data, { klWeight: -1 })).rejects.toThrow(/klWeight must be a finite number >= 0 or a schedule/);
    await expect(model.fit(data, { batchsize: 2 } as never)).rejects.toThrow(/option 'batchsize'/);
    expect(() => model.evaluate(data, { heldOutNeurons: [1] })).toThrow(/heldOutNeurons\[0\] must be a neuron the encoder does not read/);
    expect(() => model.toLinearGaussianSsm()).toThrow(/a linear transition with a linear 'gaussian' likelihood/);
    model.dispose();
    expect(() => model.infer(data)).toThrow(/SeqVAE.infer: the model must be live/);
  });
});
