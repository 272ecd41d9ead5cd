import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly arch: string;
  /** Load average at the start: other jobs on a shared machine skew timings. */
  readonly loadAverage1m: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

const require = createRequire(import.meta.url);

/** Installed version of a package, or null when it is not installed or not built. */
export function packageVersion(name: string): string | null {
  try {
    const path = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

const TRACKED_PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@elbo/runtime',
  '@elbo/backend-wasm',
  '@elbo/kernels',
  '@elbo/vae',
  '@elbo/seq-vae',
  '@elbo/data-io',
] as const;

/** Versions of everything a benchmark may measure (null: not installed). */
export function versions(): Record<string, string | null> {
  return Object.fromEntries(TRACKED_PACKAGES.map((name) => [name, packageVersion(name)]));
}
