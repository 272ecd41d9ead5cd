import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VAE } from '@elbo/vae';
import { SeqVAE } from '@elbo/seq-vae';
import { CliError, EXIT, oneLine } from './errors.js';
import type { DataOptions } from './data-loading.js';

export const MODEL_INFO_FILE = 'elbo.json';
export const METRICS_FILE = 'metrics.json';

/** What `elbo train` records next to the model, so later commands read data the same way. */
export interface ModelInfo {
  readonly format: 'elbo-cli-model';
  readonly version: 1;
  readonly model: 'vae' | 'seq-vae';
  readonly data: {
    readonly source: string;
    readonly format: string;
    readonly description: string;
    readonly shape: number[];
    /** VAE: the shape of one example (e.g. [28, 28]), so samples come back as images. */
    readonly rowShape?: number[];
    readonly images: boolean;
    readonly options: Omit<DataOptions, 'limit'>;
  };
  readonly settings: Record<string, unknown>;
  readonly cliVersion: string;
}

export type LoadedModel = { kind: 'vae'; model: VAE; info: ModelInfo } | { kind: 'seq-vae'; model: SeqVAE; info: ModelInfo };

export async function writeModelInfo(dir: string, info: ModelInfo): Promise<void> {
  await writeFile(join(dir, MODEL_INFO_FILE), JSON.stringify(info, null, 2) + '\n');
}

/** Loads `--model <dir>`: a missing directory or a directory without an elbo model is a one-line error. */
export async function loadModelDir(dir: string): Promise<LoadedModel> {
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => undefined);
  if (isDir === undefined) throw new CliError(`--model ${dir}: no such directory, expected the --out directory of 'elbo train'`, EXIT.failure);
  if (!isDir) throw new CliError(`--model ${dir}: is a file, expected the --out directory of 'elbo train'`, EXIT.failure);
  const infoPath = join(dir, MODEL_INFO_FILE);
  let info: ModelInfo;
  try {
    info = JSON.parse(await readFile(infoPath, 'utf8')) as ModelInfo;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CliError(`--model ${dir}: ${missing ? `has no ${MODEL_INFO_FILE}` : `${MODEL_INFO_FILE} is not valid JSON`}, expected the --out directory of 'elbo train'`, EXIT.failure);
  }
  if (info.format !== 'elbo-cli-model' || (info.model !== 'vae' && info.model !== 'seq-vae')) {
    throw new CliError(`${infoPath}: expected an elbo-cli-model of type vae or seq-vae, found ${JSON.stringify(info.format)} / ${JSON.stringify(info.model)}`, EXIT.failure);
  }
  try {
    if (info.model === 'vae') return { kind: 'vae', model: await VAE.load(dir), info };
    return { kind: 'seq-vae', model: await SeqVAE.load(dir), info };
  } catch (error) {
    throw new CliError(`--model ${dir}: the ${info.model} could not be loaded (${oneLine(error)})`, EXIT.failure);
  }
}

export function disposeModel(loaded: LoadedModel): void {
  loaded.model.dispose();
}
