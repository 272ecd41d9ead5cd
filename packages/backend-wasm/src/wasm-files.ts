import type * as NodeFs from 'node:fs';
import type * as NodeModule from 'node:module';
import type * as NodePath from 'node:path';
import { invalidArgument } from '@elbo/runtime';

/** The three builds tfjs-backend-wasm ships; it picks one from SIMD and thread support. */
export const WASM_FILE_NAMES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;
export type WasmFileName = (typeof WASM_FILE_NAMES)[number];

/** A folder (URL or path ending in `/`) holding all three files, or one location per file. */
export type WasmPaths = string | Readonly<Record<WasmFileName, string>>;

/** Checks a user-given `wasmPaths` option; returns it unchanged. */
export function checkWasmPaths(value: unknown): WasmPaths {
  if (typeof value === 'string') {
    if (value === '' || !/[/\\]$/.test(value)) {
      throw invalidArgument('wasm', 'wasmPaths', "a folder URL or path ending in '/' (or a map of the three .wasm files)", value);
    }
    return value;
  }
  if (typeof value !== 'object' || value === null) {
    throw invalidArgument('wasm', 'wasmPaths', 'a folder string or a map of the three .wasm files', value);
  }
  const map = value as Record<string, unknown>;
  for (const name of WASM_FILE_NAMES) {
    if (typeof map[name] !== 'string' || map[name] === '') {
      throw invalidArgument('wasm', `wasmPaths['${name}']`, 'a URL or path string', map[name]);
    }
  }
  for (const key of Object.keys(map)) {
    if (!(WASM_FILE_NAMES as readonly string[]).includes(key)) {
      throw invalidArgument('wasm', `wasmPaths key '${key}'`, `one of ${WASM_FILE_NAMES.join(', ')}`, { raw: 'an unknown file name' });
    }
  }
  return value as WasmPaths;
}

/**
 * In Node: the folder holding tfjs-backend-wasm's .wasm files, found through the
 * module resolution of this package (so it works from src under a test runner and from
 * dist in node_modules alike), with a trailing separator as setWasmPaths expects.
 * Throws, naming the folder, when the files are not there.
 */
export async function findWasmFolderInNode(): Promise<string> {
  const { createRequire } = (await importNodeBuiltin('node:module')) as typeof NodeModule;
  const { dirname, sep } = (await importNodeBuiltin('node:path')) as typeof NodePath;
  const { existsSync } = (await importNodeBuiltin('node:fs')) as typeof NodeFs;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  } catch {
    throw new Error('@elbo/backend-wasm: cannot resolve @tensorflow/tfjs-backend-wasm; install it next to @tensorflow/tfjs (npm install @tensorflow/tfjs-backend-wasm@4.22.0)');
  }
  const folder = dirname(entry) + sep;
  const missing = WASM_FILE_NAMES.filter((name) => !existsSync(folder + name));
  if (missing.length > 0) {
    throw new Error(`@elbo/backend-wasm: ${missing.join(', ')} not found in ${folder}; reinstall @tensorflow/tfjs-backend-wasm or pass wasm({ wasmPaths })`);
  }
  return folder;
}

/**
 * Node built-ins through a variable specifier, so browser bundlers (which never run this
 * path) neither try to bundle nor warn about them.
 */
function importNodeBuiltin(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}
