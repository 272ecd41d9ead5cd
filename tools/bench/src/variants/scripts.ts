import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../paths.js';

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
