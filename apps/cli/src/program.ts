import { Argument, Command, CommanderError, Option } from 'commander';
import { applyConfigFile } from './config-file.js';
import { FORMATS } from './data-format.js';
import type { DataOptions } from './data-loading.js';
import { CliError, EXIT, oneLine } from './errors.js';
import { layerSizes, nonNegativeInteger, positiveInteger, positiveNumber, seed, timeWindow } from './option-parsers.js';
import { Reporter } from './reporter.js';
import type { OutputStreams } from './reporter.js';
import { BACKENDS, KERNELS, LIKELIHOODS, MODELS, OBJECTIVES, TRANSITIONS } from './choices.js';
import type { BackendChoice, KernelsChoice, ModelKind } from './choices.js';
import { CLI_VERSION } from './version.js';
import type { TrainOptions } from './commands/train.js';
import type { EvaluateOptions } from './commands/evaluate.js';
import type { EncodeOptions } from './commands/encode.js';
import type { SampleOptions } from './commands/sample.js';
import type { BenchOptions } from './commands/bench.js';
import type { DemoOptions } from './commands/demo.js';

interface GlobalOptions {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly quiet: boolean;
}

type RuntimeOptions = { backend: BackendChoice; kernels: KernelsChoice; seed: number };

/**
 * Runs `elbo` with `argv` (without node and the script) and returns the exit code.
 * Errors become one line on stderr (with --json also a JSON object as stdout's last
 * line); --verbose adds the stack.
 */
export async function main(argv: readonly string[], streams: OutputStreams = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let exitCode: number = EXIT.ok;
  let reporter = new Reporter({ json: argv.includes('--json'), verbose: argv.includes('--verbose') }, streams);
  const program = buildProgram(streams, (r) => (reporter = r), (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit 0; parse errors were already printed as one line by commander.
      if (error.exitCode === 0) return EXIT.ok;
      if (reporter.json) reporter.result({ ok: false, error: oneLine(error).replace(/^error: /, ''), exitCode: EXIT.usage });
      return EXIT.usage;
    }
    const code = error instanceof CliError ? error.exitCode : EXIT.failure;
    const message = oneLine(error);
    streams.stderr.write(`elbo: error: ${message}\n`);
    if (reporter.verbose && error instanceof Error && error.stack) streams.stderr.write(error.stack + '\n');
    else if (!(error instanceof CliError)) streams.stderr.write('(run with --verbose for the stack trace)\n');
    if (reporter.json) reporter.result({ ok: false, error: message, exitCode: code });
    return code;
  }
}

function buildProgram(streams: OutputStreams, setReporter: (r: Reporter) => void, setExit: (code: number) => void): Command {
  const program = new Command('elbo')
    .description('Variational autoencoders for scientific data: train, evaluate, encode and sample from the command line.')
    .version(CLI_VERSION, '-V, --version')
    .option('--json', 'print one JSON object with the result as the last line of stdout', false)
    .option('--verbose', 'more detail, and stack traces on errors', false)
    .option('-q, --quiet', 'no progress output', false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      writeErr: (s) => streams.stderr.write(s),
      // One line: commander's message (with its suggestion), prefixed like our own errors.
      outputError: (s, write) => write(`elbo: ${s.trim().split('\n').join(' ')}\n`),
    });

  program.hook('preAction', async (_root, action) => {
    await applyConfigFile(action);
    const globals = program.opts<GlobalOptions>();
    setReporter(new Reporter({ json: globals.json, verbose: globals.verbose, quiet: globals.quiet }, streams));
  });
  const reporter = (): Reporter => {
    const globals = program.opts<GlobalOptions>();
    return new Reporter({ json: globals.json, verbose: globals.verbose, quiet: globals.quiet }, streams);
  };
  const explicitOptions = (command: Command): Set<string> =>
    new Set(command.options.map((o) => o.attributeName()).filter((name) => ['cli', 'config'].includes(command.getOptionValueSource(name) ?? '')));

  program
    .command('train')
    .description('train a model on a data file; saves the model, elbo.json and metrics.json to --out')
    .addArgument(new Argument('<model>', 'vae or seq-vae').choices(MODELS))
    .requiredOption('--data <file>', 'training data (.nwb, .npy, .npz, IDX, .csv)')
    .requiredOption('--out <dir>', 'directory for the model, metrics.json and checkpoints')
    .option('--latent-dim <k>', 'latent dimensions (vae 20, seq-vae 8)', positiveInteger)
    .option('--hidden <sizes>', 'hidden units: vae layers e.g. 512,256 (default 400); seq-vae GRU units (default 64)', layerSizes)
    .option('--epochs <n>', 'passes over the data (vae 10, seq-vae 50)', positiveInteger)
    .option('--batch-size <b>', 'examples per step (vae 128, seq-vae 32)', positiveInteger)
    .option('--learning-rate <lr>', 'Adam step size (vae 1e-3, seq-vae 3e-3)', positiveNumber)
    .addOption(new Option('--objective <name>', 'vae: elbo or iwae').choices(OBJECTIVES).default('elbo'))
    .option('--samples <k>', 'vae: posterior draws per example (IWAE K; default 1, iwae 5)', positiveInteger)
    .addOption(new Option('--likelihood <name>', 'p(x|z): auto = bernoulli for images and [0, 1] data, poisson for counts, else gaussian').choices(LIKELIHOODS).default('auto'))
    .addOption(new Option('--transition <name>', 'seq-vae: latent dynamics').choices(TRANSITIONS).default('gated'))
    .option('--kl-warmup-epochs <n>', 'raise the KL weight linearly from 0 to 1 over n epochs', nonNegativeInteger, 0)
    .option('--checkpoint-every <n>', 'epochs between checkpoints (Ctrl-C keeps the last one)', positiveInteger)
    .option('--resume', 'continue the interrupted run in --out from its checkpoint', false);
  addDataOptions(program.commands.at(-1)!);
  addRuntimeOptions(program.commands.at(-1)!);
  addConfigOption(program.commands.at(-1)!).action(async (model: ModelKind, options: TrainOptions) => {
    const { trainCommand } = await import('./commands/train.js');
    setExit(await trainCommand(model, options, reporter()));
  });

  const evaluate = program
    .command('evaluate')
    .description('ELBO, log-likelihood estimate and (for spike counts) bits/spike of a trained model on a data file')
    .requiredOption('--model <dir>', "a directory written by 'elbo train'")
    .requiredOption('--data <file>', 'data to evaluate on (read with the options the model was trained with unless given)')
    .option('--samples <n>', 'importance samples per example (vae, default 100) or ELBO draws (seq-vae, default 10)', positiveInteger);
  addDataOptions(evaluate);
  addRuntimeOptions(evaluate);
  addConfigOption(evaluate).action(async (options: EvaluateOptions) => {
    const { evaluateCommand } = await import('./commands/evaluate.js');
    setExit(await evaluateCommand(options, explicitOptions(evaluate), reporter()));
  });

  const encode = program
    .command('encode')
    .description('posterior means as .npy: [N, K] for a vae, [trials, bins, K] for a seq-vae')
    .requiredOption('--model <dir>', "a directory written by 'elbo train'")
    .requiredOption('--data <file>', 'data to encode')
    .requiredOption('--out <file.npy>', 'where to write the latents')
    .option('--samples <n>', 'seq-vae: posterior draws averaged per step (default 32)', positiveInteger);
  addDataOptions(encode);
  addRuntimeOptions(encode);
  addConfigOption(encode).action(async (options: EncodeOptions) => {
    const { encodeCommand } = await import('./commands/encode.js');
    setExit(await encodeCommand(options, explicitOptions(encode), reporter()));
  });

  const sample = program
    .command('sample')
    .description('new data from the generative model, as .npy')
    .requiredOption('--model <dir>', "a directory written by 'elbo train'")
    .requiredOption('-n, --n <count>', 'how many examples (vae) or trials (seq-vae)', positiveInteger)
    .requiredOption('--out <file.npy>', 'where to write the samples')
    .option('--steps <t>', 'seq-vae: steps per trial (default: the training trials)', positiveInteger)
    .option('--latents <file.npy>', 'seq-vae: also write the latent paths [n, steps, K]')
    .option('--draw', 'vae: draw from p(x|z) instead of writing its mean', false);
  addRuntimeOptions(sample);
  addConfigOption(sample).action(async (options: SampleOptions) => {
    const { sampleCommand } = await import('./commands/sample.js');
    setExit(await sampleCommand(options, reporter()));
  });

  program
    .command('bench')
    .description('quick speed check: VAE training steps per second on every backend and kernel set available (full suite: npm run bench)')
    .option('--steps <n>', 'timed steps per backend', positiveInteger, 20)
    .option('--batch-size <b>', 'examples per step', positiveInteger, 128)
    .addOption(new Option('--backend <name>', 'only this backend').choices(BACKENDS))
    .addOption(new Option('--kernels <name>', 'only this kernel set').choices(KERNELS))
    .action(async (options: BenchOptions) => {
      const { benchCommand } = await import('./commands/bench.js');
      setExit(await benchCommand(options, reporter()));
    });

  program
    .command('info')
    .description('backends and kernels available here, SIMD, threads, versions')
    .action(async () => {
      const { infoCommand } = await import('./commands/info.js');
      setExit(await infoCommand(reporter()));
    });

  const demo = program
    .command('demo')
    .description('the main job: a SeqVAE on seeded Lorenz spike trains, scored against the smoothing baseline, with an HTML report')
    .option('--out <dir>', 'where to write the report', 'elbo-demo')
    .option('--epochs <n>', 'training epochs', positiveInteger)
    .option('--trials <n>', 'training trials (plus a quarter as many test trials)', positiveInteger);
  addRuntimeOptions(demo);
  demo.action(async (options: DemoOptions) => {
    const { demoCommand } = await import('./commands/demo.js');
    setExit(await demoCommand(options, reporter()));
  });
  return program;
}

function addDataOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <name>', 'data format (auto: by extension, then magic bytes)').choices(FORMATS).default('auto'))
    .option('--key <name>', '.npz: which array (default: the first numeric one)')
    .option('--columns <regex>', '.csv: columns to use (default: unit_* columns if any, else every numeric column)')
    .option('--bin-size <seconds>', 'NWB: spike-count bin width', positiveNumber, 0.02)
    .option('--align <column>', "NWB: trials column the window is aligned to (e.g. move_onset_time)", 'start_time')
    .option('--window <from,to>', 'NWB: seconds around the alignment time (default: 0 to the shortest trial)', timeWindow)
    .option('--trial-bins <n>', 'data without trials (NWB without a trials table, 2-D arrays for seq-vae): steps per trial', positiveInteger, 100)
    .option('--limit <n>', 'use only the first n examples (rows, images or trials)', positiveInteger) as Command;
}

function addRuntimeOptions(command: Command): Command {
  return command
    .addOption(new Option('--backend <name>', 'tfjs backend (auto: cuda if installed, else wasm, else cpu)').choices(BACKENDS).default('auto'))
    .addOption(new Option('--kernels <name>', 'KL and sampling kernels').choices(KERNELS).default('tfjs'))
    .option('--seed <s>', 'seed of every random draw (weights, shuffling, noise)', seed, 1);
}

function addConfigOption(command: Command): Command {
  return command.option('--config <file.json>', 'options from a JSON object (camelCase or kebab-case keys); command-line options win');
}

export type { DataOptions, RuntimeOptions };
