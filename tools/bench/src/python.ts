import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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

/**
 * Runs a Python script and parses the JSON object on the last line of its stdout.
 * `args` are passed as given; stderr is shown only when the script fails.
 */
export async function runPythonJson<T>(
  python: string,
  script: string,
  args: readonly string[],
  timeoutSeconds: number,
): Promise<T> {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(python, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  if (code !== 0) throw new Error(`${script} failed (exit ${code}):\n${stderr.trimEnd()}`);
  const last = stdout.trimEnd().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${script}: expected a JSON object on the last line of stdout, found: ${last.slice(0, 200)}`);
  }
}
