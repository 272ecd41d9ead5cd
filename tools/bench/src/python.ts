import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runJsonProcess } from './json-process.js';

// A pyenv or venv python3 often shadows the system one that Debian's python3-torch
// installs into, so both are tried (ELBO_BENCH_PYTHON overrides).
const CANDIDATES = process.env.ELBO_BENCH_PYTHON ? [process.env.ELBO_BENCH_PYTHON] : ['python3', '/usr/bin/python3'];

/** Path of a script in tools/bench/python. */
export function pythonScript(name: string): string {
  return fileURLToPath(new URL(`../python/${name}`, import.meta.url));
}

const found = new Map<string, string | null>();

/** The first Python interpreter that can import every one of `modules` (cached), or null. */
export function pythonWith(...modules: string[]): string | null {
  const key = modules.join(',');
  let python = found.get(key);
  if (python === undefined) {
    python =
      CANDIDATES.find(
        (candidate) => spawnSync(candidate, ['-c', `import ${key}`], { stdio: 'ignore', timeout: 60_000 }).status === 0,
      ) ?? null;
    found.set(key, python);
  }
  return python;
}

/** Runs a Python script and parses the JSON object on the last line of its stdout. */
export async function runPythonJson<T>(python: string, script: string, args: readonly string[], timeoutSeconds: number): Promise<T> {
  return runJsonProcess<T>(python, [script, ...args], { timeoutSeconds });
}
