import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

export interface ChildOptions {
  /** Kill the child after this many seconds. */
  readonly timeoutSeconds: number;
  /** Relay the child's stderr (progress, warnings) as it runs. */
  readonly verbose?: boolean;
}

/**
 * Runs one variant of a benchmark in a fresh Node process and returns what it
 * produced. tfjs keeps its backend, kernels and gradients in one global engine, so
 * each backend/kernel combination gets a process of its own.
 */
export async function runVariantInChild<T>(
  benchmark: string,
  variant: string,
  params: unknown,
  options: ChildOptions,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'elbo-bench-'));
  const resultFile = join(dir, 'result.json');
  try {
    const { code, signal, output } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [WORKER, benchmark, variant, resultFile], {
          env: { ...process.env, ELBO_BENCH_PARAMS: JSON.stringify(params ?? {}) },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        const keep = (chunk: Buffer): void => {
          output = (output + chunk.toString()).slice(-8000);
        };
        child.stdout.on('data', keep);
        child.stderr.on('data', (chunk: Buffer) => {
          keep(chunk);
          if (options.verbose) process.stderr.write(chunk);
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutSeconds * 1000);
        child.on('error', reject);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal, output });
        });
      },
    );
    const written = readResult<T>(resultFile);
    if (written?.error !== undefined) throw new Error(written.error);
    if (code !== 0 || written === undefined) {
      const why = signal === 'SIGKILL' ? `killed after the ${options.timeoutSeconds} s time limit` : `exit code ${code}`;
      throw new Error(`${benchmark}/${variant} failed (${why}):\n${lastLines(output, 15)}`);
    }
    return written.output as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readResult<T>(path: string): { output?: T; error?: string } | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as { output?: T; error?: string };
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).map((l) => `    ${l}`).join('\n');
}
