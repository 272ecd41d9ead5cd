// End-to-end: the built `elbo` binary (dist/bin.js, built by Nx before this target)
// on the real files in ../shared/data, checking outputs, exit codes and messages.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '@elbo/data-io';

const BIN = join(import.meta.dirname, '../dist/bin.js');
const SHARED = join(import.meta.dirname, '../../../../shared/data');
const MNIST = join(SHARED, 'mnist/t10k-images-idx3-ubyte.gz');
const NWB = join(SHARED, 'nlb_mc_maze_small_nwb/sub-Jenkins_ses-small_desc-test_ecephys.nwb');
const work = mkdtempSync(join(tmpdir(), 'elbo-cli-e2e-'));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function elbo(args: string[], options: { env?: Record<string, string>; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The last line of stdout, parsed: what --json promises. */
function lastJson(run: Run): Record<string, unknown> {
  const lines = run.stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

/** The error line: exactly one `elbo: ...` line on stderr. */
function errorLine(run: Run): string {
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('elbo: '));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

const VAE_ARGS = ['train', 'vae', '--data', MNIST, '--limit', '300', '--epochs', '3', '--batch-size', '100', '--latent-dim', '4', '--hidden', '32', '--backend', 'wasm', '--kl-warmup-epochs', '2'];
// Part of the SeqVAE's settings come from --config (camelCase, kebab-case and list values).
const SEQ_CONFIG = join(work, 'seq-config.json');
writeFileSync(SEQ_CONFIG, JSON.stringify({ epochs: 2, latentDim: 3, hidden: [8], 'batch-size': 12 }));
const SEQ_ARGS = ['train', 'seq-vae', '--data', NWB, '--align', 'move_onset_time', '--window=-0.25,0.45', '--limit', '24', '--config', SEQ_CONFIG, '--backend', 'wasm'];

describe('elbo with a VAE on MNIST (IDX)', () => {
  const out = join(work, 'vae');

  it('trains, saves the model and metrics.json, and ends stdout with the JSON result', async () => {
    const run = await elbo([...VAE_ARGS, '--out', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = lastJson(run);
    expect(result).toMatchObject({ ok: true, command: 'train', model: 'vae', epochs: 3 });
    expect(Number.isFinite(result['elbo'])).toBe(true);
    for (const f of ['config.json', 'weights.bin', 'elbo.json', 'metrics.json']) expect(existsSync(join(out, f))).toBe(true);
    expect(existsSync(join(out, 'checkpoint'))).toBe(false);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { history: { epoch: number }[] };
    expect(metrics.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    // Not a terminal: one plain progress line per epoch on stderr.
    expect(run.stderr.match(/^vae epoch \d\/3 {2}ELBO -?\d+\.\d+ {2}\d+ samples\/s {2}ETA /gm)).toHaveLength(3);
  });

  it('evaluates: the importance-sampled log-likelihood lies above the ELBO', async () => {
    const run = await elbo(['evaluate', '--model', out, '--data', MNIST, '--limit', '100', '--samples', '50', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = lastJson(run) as { examples: number; elbo: number; logLikelihood: number };
    expect(result.examples).toBe(100);
    expect(result.logLikelihood).toBeGreaterThan(result.elbo);
    expect(result.logLikelihood).toBeLessThan(0);
  });

  it('encodes to [N, K] and samples to [n, 28, 28] float32 .npy files', async () => {
    const latents = join(work, 'vae-latents.npy');
    const encoded = await elbo(['encode', '--model', out, '--data', MNIST, '--limit', '40', '--out', latents]);
    expect(encoded.code, encoded.stderr).toBe(0);
    expect((await readNpy(latents)).shape).toEqual([40, 4]);
    const samples = join(work, 'vae-samples.npy');
    const sampled = await elbo(['sample', '--model', out, '-n', '16', '--out', samples]);
    expect(sampled.code, sampled.stderr).toBe(0);
    const array = await readNpy(samples);
    expect(array.shape).toEqual([16, 28, 28]);
    expect(array.dtype).toBe('float32');
    // Bernoulli means are probabilities.
    expect(Array.from(array.data as Float32Array).every((p) => p >= 0 && p <= 1)).toBe(true);
  });

  it('resumes an interrupted run to exactly the weights of an uninterrupted one', async () => {
    const resumed = join(work, 'vae-resumed');
    const stopped = await elbo([...VAE_ARGS, '--out', resumed, '--json'], { env: { ELBO_INTERRUPT_AFTER_EPOCH: '1' } });
    expect(stopped.code).toBe(130);
    expect(lastJson(stopped)).toMatchObject({ ok: false, interrupted: true, epoch: 1 });
    expect(existsSync(join(resumed, 'checkpoint/optimizer.bin'))).toBe(true);
    const changed = await elbo([...VAE_ARGS, '--out', resumed, '--resume', '--latent-dim', '5']);
    expect(changed.code).toBe(2);
    expect(errorLine(changed)).toMatch(/--resume: .*--latent-dim 5 \(checkpoint: 4\)/);
    const again = await elbo([...VAE_ARGS, '--out', resumed]);
    expect(again.code).toBe(2);
    expect(errorLine(again)).toMatch(/--out .*vae-resumed: holds a checkpoint .*pass --resume/);
    const finished = await elbo([...VAE_ARGS, '--out', resumed, '--resume']);
    expect(finished.code, finished.stderr).toBe(0);
    expect(readFileSync(join(resumed, 'weights.bin')).equals(readFileSync(join(out, 'weights.bin')))).toBe(true);
    const history = (dir: string): unknown => (JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { history: { elbo: number }[] }).history.map((h) => h.elbo);
    expect(history(resumed)).toEqual(history(out));
  });
});

describe('elbo with a SeqVAE on MC_Maze (NWB)', () => {
  const out = join(work, 'seq');

  it('trains, then encodes [trials, bins, K], samples [n, steps, neurons] and reports bits/spike', async () => {
    const trained = await elbo([...SEQ_ARGS, '--out', out]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toMatch(/NWB 107 units, 100 trials aligned to move_onset_time, window \[-0\.25, 0\.45\] s, 35 bins of 20 ms, first 24/);
    const { settings, history } = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { settings: Record<string, unknown>; history: unknown[] };
    expect(settings).toMatchObject({ epochs: 2, latentDim: 3, hidden: [8], batchSize: 12 });
    expect(history).toHaveLength(2);
    const latents = join(work, 'seq-latents.npy');
    const encoded = await elbo(['encode', '--model', out, '--data', NWB, '--limit', '10', '--out', latents, '--samples', '4']);
    expect(encoded.code, encoded.stderr).toBe(0);
    // The model's binning (move onset, -0.25..0.45 s, 20 ms) is reused: 35 bins.
    expect((await readNpy(latents)).shape).toEqual([10, 35, 3]);
    const samples = join(work, 'seq-samples.npy');
    const paths = join(work, 'seq-paths.npy');
    const sampled = await elbo(['sample', '--model', out, '-n', '3', '--steps', '20', '--out', samples, '--latents', paths]);
    expect(sampled.code, sampled.stderr).toBe(0);
    expect((await readNpy(samples)).shape).toEqual([3, 20, 107]);
    expect((await readNpy(paths)).shape).toEqual([3, 20, 3]);
    const evaluated = await elbo(['evaluate', '--model', out, '--data', NWB, '--limit', '20', '--samples', '2', '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const result = lastJson(evaluated) as { trials: number; steps: number; elbo: number; bitsPerSpike: number };
    expect([result.trials, result.steps]).toEqual([20, 35]);
    expect(result.elbo).toBeLessThan(0);
    expect(Number.isFinite(result.bitsPerSpike)).toBe(true);
  });

  it('resumes after Ctrl-C to the same weights as an uninterrupted run', async () => {
    const args = [...SEQ_ARGS, '--epochs', '3']; // the command line wins over --config's 2
    const whole = join(work, 'seq-whole');
    expect((await elbo([...args, '--out', whole])).code).toBe(0);
    const dir = join(work, 'seq-interrupted');
    let sent = false;
    const stopped = await elbo([...args, '--out', dir], {
      // Ctrl-C as soon as the first epoch is reported: the run keeps that epoch's checkpoint.
      onStderr: (text, child) => {
        if (!sent && /seq-vae epoch 1\/3/.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted: stopping/);
    expect(existsSync(join(dir, 'checkpoint/state.json'))).toBe(true);
    // Adam's moments travel with the checkpoint, so the segments train as one long fit.
    expect(existsSync(join(dir, 'checkpoint/optimizer.bin'))).toBe(true);
    const resumed = await elbo([...args, '--out', dir, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(join(dir, 'weights.bin')).equals(readFileSync(join(whole, 'weights.bin')))).toBe(true);
    expect((JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { history: unknown[] }).history).toHaveLength(3);
  });
});

describe('elbo failures: exit codes and one-line messages', () => {
  it('a missing data file: exit 1, naming the file', async () => {
    const run = await elbo(['train', 'vae', '--data', join(work, 'nope.npy'), '--out', join(work, 'x')]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toMatch(/nope\.npy: no such file \(--data\)/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack without --verbose
  });

  it('a file that is not what its extension says: exit 1, naming the file and the reader problem', async () => {
    const bad = join(work, 'broken.npy');
    writeFileSync(bad, 'not a numpy file at all');
    const run = await elbo(['train', 'vae', '--data', bad, '--out', join(work, 'x'), '--json']);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toMatch(/broken\.npy: cannot be read as npy \(.*magic/);
    expect(lastJson(run)).toMatchObject({ ok: false, exitCode: 1 });
  });

  it('a bad option value and an unknown option: exit 2, naming the option', async () => {
    const badValue = await elbo(['train', 'vae', '--data', MNIST, '--out', join(work, 'x'), '--epochs', 'ten']);
    expect(badValue.code).toBe(2);
    expect(errorLine(badValue)).toMatch(/--epochs <n>' argument 'ten' is invalid\. Expected a positive integer/);
    const unknown = await elbo(['train', 'vae', '--data', MNIST, '--out', join(work, 'x'), '--epoch', '3', '--json']);
    expect(unknown.code).toBe(2);
    expect(errorLine(unknown)).toMatch(/unknown option '--epoch'.*Did you mean --epochs\?/);
    expect(lastJson(unknown)).toMatchObject({ ok: false, exitCode: 2 });
    const model = await elbo(['train', 'gan', '--data', MNIST, '--out', join(work, 'x')]);
    expect(model.code).toBe(2);
    expect(errorLine(model)).toMatch(/value 'gan' is invalid for argument 'model'\. Allowed choices are vae, seq-vae/);
  });

  it('a missing model directory: exit 1, naming --model', async () => {
    const run = await elbo(['sample', '--model', join(work, 'no-model'), '-n', '2', '--out', join(work, 's.npy')]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toMatch(/--model .*no-model: no such directory, expected the --out directory of 'elbo train'/);
  });

  it('--config: values apply like options, unknown keys are refused', async () => {
    const config = join(work, 'bad-config.json');
    writeFileSync(config, JSON.stringify({ epochs: 2, latentDims: 3 }));
    const run = await elbo(['train', 'vae', '--data', MNIST, '--out', join(work, 'x'), '--config', config]);
    expect(run.code).toBe(2);
    expect(errorLine(run)).toMatch(/bad-config\.json: unknown key 'latentDims'.*expected one of .*latentDim/);
    const invalid = join(work, 'invalid-config.json');
    writeFileSync(invalid, JSON.stringify({ 'batch-size': 0 }));
    const rejected = await elbo(['train', 'vae', '--data', MNIST, '--out', join(work, 'x'), '--config', invalid]);
    expect(rejected.code).toBe(2);
    expect(errorLine(rejected)).toMatch(/'batch-size' 0 is invalid \(--config\): Expected a positive integer/);
  });

  it('--verbose adds the stack trace', async () => {
    const run = await elbo(['evaluate', '--model', join(work, 'vae'), '--data', NWB, '--verbose']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/elbo: error: .*sub-Jenkins.*nwb: has \d+ values per example .* the model expects 784/);
    expect(run.stderr).toMatch(/\n\s+at /);
  });
});
