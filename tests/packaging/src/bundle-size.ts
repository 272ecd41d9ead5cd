// Builds a one-script page with Vite inside the consumer project (so every import
// resolves from the installed tarballs) and measures what a browser would download.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Logger, type Rollup } from 'vite';

export interface PageSize {
  /** Gzipped bytes of the entry chunk and the chunks it imports statically. */
  readonly initialGzip: number;
  readonly initialBytes: number;
  /** Gzipped bytes of chunks only loaded through dynamic import(). */
  readonly lazyGzip: number;
  /** Emitted non-JavaScript assets (e.g. .wasm), by file name, in bytes. */
  readonly assets: Readonly<Record<string, number>>;
  readonly warnings: readonly string[];
}

export async function buildPage(projectFolder: string, pageName: string, script: string): Promise<PageSize> {
  const root = join(projectFolder, 'pages', pageName);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html>\n<html><body><script type="module" src="./main.js"></script></body></html>\n');
  writeFileSync(join(root, 'main.js'), script);
  const warnings: string[] = [];
  const result = await build({
    root,
    configFile: false,
    logLevel: 'warn',
    customLogger: collectingLogger(warnings),
    build: { outDir: join(root, 'dist'), emptyOutDir: true, reportCompressedSize: false, chunkSizeWarningLimit: 1e9 },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  return measure(outputs.flatMap((output) => output.output), warnings);
}

function measure(items: readonly (Rollup.OutputChunk | Rollup.OutputAsset)[], warnings: string[]): PageSize {
  const chunks = new Map<string, Rollup.OutputChunk>();
  const assets: Record<string, number> = {};
  for (const item of items) {
    if (item.type === 'chunk') chunks.set(item.fileName, item);
    else if (!item.fileName.endsWith('.html')) assets[item.fileName] = Buffer.byteLength(item.source);
  }
  const initial = new Set<string>();
  const visit = (fileName: string): void => {
    if (initial.has(fileName)) return;
    initial.add(fileName);
    for (const imported of chunks.get(fileName)?.imports ?? []) visit(imported);
  };
  for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);
  let initialGzip = 0;
  let initialBytes = 0;
  let lazyGzip = 0;
  for (const chunk of chunks.values()) {
    const gzipped = gzipSync(chunk.code).length;
    if (initial.has(chunk.fileName)) {
      initialGzip += gzipped;
      initialBytes += Buffer.byteLength(chunk.code);
    } else {
      lazyGzip += gzipped;
    }
  }
  return { initialGzip, initialBytes, lazyGzip, assets, warnings };
}

function collectingLogger(warnings: string[]): Logger {
  const warned = new Set<string>();
  const warn = (message: string): void => {
    warnings.push(message);
    warned.add(message);
  };
  return {
    info: () => undefined,
    warn,
    warnOnce: (message) => {
      if (!warned.has(message)) warn(message);
    },
    error: (message) => {
      warnings.push(`error: ${message}`);
    },
    clearScreen: () => undefined,
    hasErrorLogged: () => false,
    hasWarned: false,
  };
}
