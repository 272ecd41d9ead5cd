// A fresh project outside the repository that installs the packed tarballs, as a team
// picking packages from npm would: no workspace links, registry packages (tfjs, h5wasm,
// ...) from the npm registry (through the local npm cache when it has them).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackedPackage } from './pack.js';
import { runCommand } from './run-command.js';

export function createConsumerProject(folder: string, packed: readonly PackedPackage[], extraDependencies: Record<string, string>): void {
  const tarballs = Object.fromEntries(packed.map((pkg) => [pkg.name, `file:${pkg.tarball}`]));
  const manifest = {
    name: 'elbo-packaging-consumer',
    version: '1.0.0',
    private: true,
    type: 'module',
    dependencies: { ...tarballs, ...extraDependencies },
    // The @elbo packages are not on the registry yet: their dependencies on each other
    // (e.g. @elbo/vae -> @elbo/objectives) must resolve to the tarballs too.
    overrides: tarballs,
  };
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  runCommand('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], folder);
}
