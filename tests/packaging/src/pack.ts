// `npm pack` of the published packages: exactly the files npm would publish.
import { join } from 'node:path';
import { runCommand } from './run-command.js';
import { repositoryRoot, type WorkspacePackage } from './workspace.js';

export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  readonly tarball: string;
  /** Paths inside the tarball, relative to the package root. */
  readonly files: readonly string[];
  readonly unpackedSize: number;
}

interface NpmPackEntry {
  name: string;
  version: string;
  filename: string;
  unpackedSize: number;
  files: { path: string }[];
}

export function packPackages(packages: readonly WorkspacePackage[], destination: string): PackedPackage[] {
  const workspaceFlags = packages.flatMap((pkg) => ['--workspace', pkg.folder]);
  const { stdout } = runCommand(
    'npm',
    ['pack', '--json', '--pack-destination', destination, ...workspaceFlags],
    repositoryRoot,
  );
  const entries = JSON.parse(stdout.slice(stdout.indexOf('['))) as NpmPackEntry[];
  return entries.map((entry) => ({
    name: entry.name,
    version: entry.version,
    tarball: join(destination, entry.filename),
    files: entry.files.map((file) => file.path),
    unpackedSize: entry.unpackedSize,
  }));
}
