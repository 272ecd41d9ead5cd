// Packs every published package, installs the tarballs into a fresh project outside the
// repository and uses them the way a team picking them from npm would: Node ESM with
// the wasm backend, a TypeScript consumer, and a browser page bundled by Vite.
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage, type PageSize } from './bundle-size.js';
import { createConsumerProject } from './consumer-project.js';
import { packPackages, type PackedPackage } from './pack.js';
import { runCommand, runCommandAllowingFailure } from './run-command.js';
import { publishedPackages, readManifest, repositoryRoot } from './workspace.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const tfjsRange = readManifest(join(repositoryRoot, 'package.json')).devDependencies?.['@tensorflow/tfjs'] ?? '^4.22.0';

// Gzipped bytes each package adds to a page that already holds @tensorflow/tfjs (its
// static imports only; lazily imported chunks are budgeted separately). Measured sizes
// are in README.md; budgets leave about 40% headroom.
const KiB = 1024;
const initialBudgets: Record<string, number> = {
  '@elbo/runtime': 8 * KiB,
  '@elbo/backend-cuda': 4 * KiB,
  '@elbo/backend-wasm': 20 * KiB,
  '@elbo/data-io': 48 * KiB,
  '@elbo/distributions': 24 * KiB,
  '@elbo/kernels': 40 * KiB,
  '@elbo/objectives': 28 * KiB,
  '@elbo/vae': 40 * KiB,
  '@elbo/seq-vae': 48 * KiB,
};
const lazyBudgets: Record<string, number> = {
  // tfjs-backend-wasm's JavaScript, imported when the backend starts.
  '@elbo/backend-wasm': 48 * KiB,
  // h5wasm (HDF5 compiled to WebAssembly, inlined), loaded on the first readNwb.
  '@elbo/data-io': 1400 * KiB,
};
const defaultLazyBudget = 4 * KiB;
const allPackagesInitialBudget = 160 * KiB;
// The command line is a Node program (files, terminal progress bars): no browser page.
const nodeOnly = new Set(['@elbo/cli']);

const allowedInTarball = (path: string): boolean =>
  path.startsWith('dist/') || ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(path);

const published = publishedPackages();
let workFolder = '';
let project = '';
let packed: PackedPackage[] = [];

beforeAll(() => {
  workFolder = mkdtempSync(join(tmpdir(), 'elbo-packaging-'));
  const tarballs = join(workFolder, 'tarballs');
  project = join(workFolder, 'consumer');
  mkdirSync(tarballs);
  mkdirSync(project);
  packed = packPackages(published, tarballs);
  createConsumerProject(project, packed, { '@tensorflow/tfjs': tfjsRange });
});

afterAll(() => {
  if (workFolder) rmSync(workFolder, { recursive: true, force: true });
});

describe('tarballs', () => {
  it('packs every published package', () => {
    expect(packed.map((pkg) => pkg.name).sort()).toEqual(published.map((pkg) => pkg.name).sort());
    expect(published.length).toBeGreaterThanOrEqual(10);
  });

  it('are all built before this suite runs: it depends on each of them, so nx builds them first', () => {
    const own = readManifest(join(repositoryRoot, 'tests/packaging/package.json')).devDependencies ?? {};
    expect(published.map((pkg) => pkg.name).filter((name) => !(name in own))).toEqual([]);
  });

  it('hold only dist, README.md, LICENSE, CHANGELOG.md and package.json', () => {
    for (const pkg of packed) {
      expect(pkg.files.filter((path) => !allowedInTarball(path)), pkg.name).toEqual([]);
      for (const required of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) {
        expect(pkg.files, `${pkg.name} lacks ${required}`).toContain(required);
      }
    }
  });

  it('install as real folders (no workspace links) with their packed versions', () => {
    for (const pkg of packed) {
      const installed = join(project, 'node_modules', pkg.name);
      expect(lstatSync(installed).isSymbolicLink(), `${pkg.name} is a link`).toBe(false);
      expect(readManifest(join(installed, 'package.json')).version).toBe(pkg.version);
    }
  });
});

describe('Node ESM', () => {
  it('imports every package and trains a tiny VAE for one epoch on the wasm backend', () => {
    copyFileSync(join(fixtures, 'train-vae.mjs'), join(project, 'train-vae.mjs'));
    const names = packed.map((pkg) => pkg.name);
    const { stdout } = runCommand(process.execPath, ['train-vae.mjs', JSON.stringify(names)], project);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      backend: string;
      exportCounts: Record<string, number>;
      epochLosses: number[];
      sampleShape: number[];
    };
    expect(report.backend).toBe('wasm');
    for (const name of names) expect(report.exportCounts[name], name).toBeGreaterThan(0);
    expect(report.epochLosses).toHaveLength(1);
    // Negative ELBO of 16 binary pixels: positive and finite.
    expect(Number.isFinite(report.epochLosses[0])).toBe(true);
    expect(report.epochLosses[0]).toBeGreaterThan(0);
    expect(report.sampleShape).toEqual([3, 16]);
  });

  it('runs the installed elbo command', () => {
    const { stdout } = runCommand(join(project, 'node_modules', '.bin', 'elbo'), ['--help'], project);
    expect(stdout).toMatch(/train/);
  });
});

describe('TypeScript consumer', () => {
  it('typechecks `import { Normal, kl } from "@elbo/distributions"` against the installed declarations', () => {
    const consumer = join(project, 'ts-consumer');
    mkdirSync(consumer, { recursive: true });
    copyFileSync(join(fixtures, 'consumer.ts'), join(consumer, 'consumer.ts'));
    copyFileSync(join(fixtures, 'tsconfig.consumer.json'), join(consumer, 'tsconfig.json'));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = runCommandAllowingFailure(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], consumer);
    // skipLibCheck is off so elbo's own .d.ts files are checked; tfjs 4.22's declarations
    // have errors of their own under it (missing `Long`, tfjs-layers index signatures),
    // which are not ours to fix.
    const errors = `${result.stdout}${result.stderr}`
      .split('\n')
      .filter((line) => /error TS\d+/.test(line))
      .filter((line) => !line.startsWith('../node_modules/@tensorflow/'));
    expect(errors).toEqual([]);
  });
});

describe('Vite page per package', () => {
  const sizes = new Map<string, PageSize>();
  const browserPackages = published.filter((pkg) => !nodeOnly.has(pkg.name)).map((pkg) => pkg.name);

  beforeAll(async () => {
    sizes.set('baseline', await buildPage(project, 'baseline', "import * as tf from '@tensorflow/tfjs';\nglobalThis.page = { tf };\n"));
    for (const name of browserPackages) {
      // `import *` keeps every export, so the size is the whole package, not one function.
      sizes.set(name, await buildPage(project, name.replace('@elbo/', ''), pageScript([name])));
    }
    sizes.set('all', await buildPage(project, 'all', pageScript(browserPackages)));
    const baseline = sizes.get('baseline')!.initialGzip;
    const table = [...sizes].map(([name, size]) => ({
      page: name,
      initialGzipKiB: +(size.initialGzip / KiB).toFixed(1),
      overTfjsKiB: +((size.initialGzip - baseline) / KiB).toFixed(1),
      lazyGzipKiB: +(size.lazyGzip / KiB).toFixed(1),
      wasmAssets: Object.keys(size.assets).filter((file) => file.endsWith('.wasm')).length,
    }));
    console.table(table);
  });

  it('builds every page without errors or warnings', () => {
    // A warning here is usually a Node built-in imported statically by a browser
    // package ("externalized for browser compatibility"): import it lazily instead.
    for (const [name, size] of sizes) expect(size.warnings, name).toEqual([]);
  });

  it('keeps each package under its gzip budget on top of tfjs', () => {
    const baseline = sizes.get('baseline')!.initialGzip;
    for (const name of browserPackages) {
      const size = sizes.get(name)!;
      const budget = initialBudgets[name];
      expect(budget, `${name} has no budget: add one`).toBeDefined();
      expect(size.initialGzip - baseline, `${name} (gzipped bytes over tfjs)`).toBeLessThanOrEqual(budget!);
      expect(size.lazyGzip, `${name} (lazy chunks)`).toBeLessThanOrEqual(lazyBudgets[name] ?? defaultLazyBudget);
    }
    expect(sizes.get('all')!.initialGzip - baseline).toBeLessThanOrEqual(allPackagesInitialBudget);
  });

  it('emits the three tfjs-backend-wasm binaries for the backend-wasm page', () => {
    const wasmFiles = Object.keys(sizes.get('@elbo/backend-wasm')!.assets).filter((file) => file.endsWith('.wasm'));
    expect(wasmFiles).toHaveLength(3);
  });
});

// The page imports the packages; the backend-wasm page also asks Vite for the .wasm
// URLs the way packages/backend-wasm's README tells browser users to.
function pageScript(names: readonly string[]): string {
  const lines = ["import * as tf from '@tensorflow/tfjs';"];
  names.forEach((name, i) => lines.push(`import * as package${i} from '${name}';`));
  const exported = ['tf', ...names.map((_, i) => `package${i}`)];
  if (names.includes('@elbo/backend-wasm')) {
    const wasmFiles = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
    wasmFiles.forEach((file, i) => lines.push(`import wasmUrl${i} from '@tensorflow/tfjs-backend-wasm/dist/${file}?url';`));
    lines.push(`const wasmPaths = { ${wasmFiles.map((file, i) => `'${file}': wasmUrl${i}`).join(', ')} };`);
    exported.push('wasmPaths');
  }
  lines.push(`globalThis.page = { ${exported.join(', ')} };`);
  return `${lines.join('\n')}\n`;
}
