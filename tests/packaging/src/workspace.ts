// The repository's published packages, found the way npm finds workspaces: every
// package.json under the root's `workspaces` folders that is not private.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface WorkspacePackage {
  readonly name: string;
  readonly version: string;
  /** Folder relative to the repository root, e.g. `packages/models/vae`. */
  readonly folder: string;
  readonly private: boolean;
  readonly manifest: PackageManifest;
}

export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [field: string]: unknown;
}

export function readManifest(path: string): PackageManifest {
  return JSON.parse(readFileSync(path, 'utf8')) as PackageManifest;
}

/** Folders matched by the root's workspace patterns (`dir/*` only, as used here). */
export function workspaceFolders(root: string = repositoryRoot): string[] {
  const patterns = readManifest(join(root, 'package.json')).workspaces ?? [];
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*') || pattern.slice(0, -2).includes('*')) {
      throw new Error(`workspace pattern ${pattern}: expected the form "folder/*"`);
    }
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent))
      .map((name) => `${parent}/${name}`)
      .filter((folder) => statSync(join(root, folder, 'package.json'), { throwIfNoEntry: false })?.isFile());
  });
}

export function workspacePackages(root: string = repositoryRoot): WorkspacePackage[] {
  return workspaceFolders(root).map((folder) => {
    const manifest = readManifest(join(root, folder, 'package.json'));
    return { name: manifest.name, version: manifest.version, folder, private: manifest.private === true, manifest };
  });
}

export function publishedPackages(root: string = repositoryRoot): WorkspacePackage[] {
  return workspacePackages(root).filter((pkg) => !pkg.private);
}
