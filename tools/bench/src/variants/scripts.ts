import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../paths.js';
import { parseTarget } from './setup.js';

const require = createRequire(import.meta.url);

// The model packages keep their quality-reproduction scripts in `scripts/` (their
// owners write them; the bench only calls them) and compile them with
// `tsconfig.scripts.json` into `build/scripts/`.

/** Compiles a package's scripts (once per benchmark, so no variant runs a stale copy). */
export function buildPackageScripts(packageDir: string): void {
  const config = join(REPO_ROOT, packageDir, 'tsconfig.scripts.json');
  if (!existsSync(config)) throw new Error(`${packageDir} has no tsconfig.scripts.json to build its scripts with`);
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', config], { stdio: 'pipe' });
  } catch (error) {
    const out = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    throw new Error(`building ${packageDir}/scripts failed:\n${out.slice(0, 2000)}`);
  }
}

/** Imports a script built by {@link buildPackageScripts}. */
export async function importPackageScript<T>(packageDir: string, script: string): Promise<T> {
  const file = join(REPO_ROOT, packageDir, 'build', 'scripts', script);
  if (!existsSync(file)) throw new Error(`${packageDir}/build/scripts/${script} does not exist (its tsconfig.scripts.json did not produce it)`);
  return (await import(pathToFileURL(file).href)) as T;
}

/** Options every seq-vae benchmark script takes (they start the runtime themselves). */
export interface SeqVaeScriptOptions {
  backend: 'cpu' | 'wasm';
  kernels: 'default' | 'assemblyscript';
  epochs?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** The script options for an elbo target id such as `elbo-wasm-assemblyscript`. */
export function seqVaeScriptOptions(benchmark: string, targetId: string, params: { epochs?: number; seed: number }): SeqVaeScriptOptions {
  const target = parseTarget(targetId);
  if (target.via !== 'elbo') throw new Error(`${benchmark} runs on elbo targets, not '${targetId}'`);
  return {
    backend: target.backend,
    kernels: target.kernels === 'assemblyscript' ? 'assemblyscript' : 'default',
    ...(params.epochs === undefined ? {} : { epochs: params.epochs }),
    seed: params.seed,
    log: (line) => process.stderr.write(`    ${line}\n`),
  };
}
