// The release flow of CONTRIBUTING.md, rehearsed on a copy: `changeset version` on the
// repository's manifests and changesets (plus one the test adds), then
// `npm publish --dry-run` of a packed package against an unreachable registry, so
// nothing can be published from here.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpVersion, largestBumps, readChangesets, type Changeset } from './changeset-files.js';
import { packPackages } from './pack.js';
import { runCommand } from './run-command.js';
import { publishedPackages, repositoryRoot, workspaceFolders, workspacePackages, type WorkspacePackage } from './workspace.js';

const addedChangeset = {
  file: 'packaging-dry-run.md',
  text: "---\n'@elbo/runtime': minor\n---\n\nRehearsal changeset written by tests/packaging.\n",
};
const dependencyFields = ['dependencies', 'devDependencies', 'peerDependencies'] as const;

let copy = '';
let before: WorkspacePackage[] = [];
let after: WorkspacePackage[] = [];
let changesets: Changeset[] = [];

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'elbo-release-'));
  cpSync(join(repositoryRoot, 'package.json'), join(copy, 'package.json'));
  for (const folder of workspaceFolders()) {
    mkdirSync(join(copy, folder), { recursive: true });
    cpSync(join(repositoryRoot, folder, 'package.json'), join(copy, folder, 'package.json'));
    const changelog = join(repositoryRoot, folder, 'CHANGELOG.md');
    if (existsSync(changelog)) cpSync(changelog, join(copy, folder, 'CHANGELOG.md'));
  }
  cpSync(join(repositoryRoot, '.changeset'), join(copy, '.changeset'), { recursive: true });
  writeFileSync(join(copy, '.changeset', addedChangeset.file), addedChangeset.text);
  before = workspacePackages(copy);
  changesets = readChangesets(join(copy, '.changeset'));
  const changesetBin = createRequire(import.meta.url).resolve('@changesets/cli/bin.js');
  runCommand(process.execPath, [changesetBin, 'version'], copy);
  after = workspacePackages(copy);
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('changeset version', () => {
  it('bumps each package named in a changeset by its largest bump', () => {
    const bumps = largestBumps(changesets);
    expect(bumps.get('@elbo/runtime')).toBeDefined();
    for (const [name, bump] of bumps) {
      const old = before.find((pkg) => pkg.name === name);
      expect(old, `changeset names unknown package ${name}`).toBeDefined();
      expect(after.find((pkg) => pkg.name === name)?.version, name).toBe(bumpVersion(old!.version, bump));
    }
  });

  it('moves internal dependency ranges to the new versions', () => {
    const newVersions = new Map(after.map((pkg) => [pkg.name, pkg.version]));
    const oldVersions = new Map(before.map((pkg) => [pkg.name, pkg.version]));
    let checked = 0;
    for (const pkg of after) {
      const old = before.find((candidate) => candidate.name === pkg.name)!;
      for (const field of dependencyFields) {
        for (const [name, range] of Object.entries(old.manifest[field] ?? {})) {
          const newVersion = newVersions.get(name);
          if (!newVersion || newVersion === oldVersions.get(name) || !range.startsWith('^')) continue;
          expect(pkg.manifest[field]?.[name], `${pkg.name} ${field} ${name}`).toBe(`^${newVersion}`);
          checked += 1;
        }
      }
    }
    // @elbo/runtime moved, and every other package depends on it.
    expect(checked).toBeGreaterThanOrEqual(publishedPackages(copy).length - 1);
  });

  it('writes CHANGELOG.md with the new version and each changeset summary', () => {
    for (const [name] of largestBumps(changesets)) {
      const pkg = after.find((candidate) => candidate.name === name)!;
      const changelog = readFileSync(join(copy, pkg.folder, 'CHANGELOG.md'), 'utf8');
      expect(changelog, name).toContain(`## ${pkg.version}`);
      for (const changeset of changesets.filter((c) => name in c.releases)) {
        // changesets runs the changelog through prettier (`_` may become `*`): compare words.
        expect(wordsOf(changelog), `${name} lacks ${changeset.file}`).toContain(wordsOf(changeset.summary));
      }
    }
  });

  it('consumes the changeset files', () => {
    expect(readChangesets(join(copy, '.changeset'))).toEqual([]);
  });
});

describe('npm publish --dry-run', () => {
  it('accepts a packed package as public, without a registry', () => {
    const runtime = publishedPackages().find((pkg) => pkg.name === '@elbo/runtime')!;
    const tarballs = join(copy, 'tarballs');
    mkdirSync(tarballs);
    const [packed] = packPackages([runtime], tarballs);
    // Port 9 (discard) on localhost: were --dry-run ever ignored, the upload would fail.
    // npm still asks that registry who is logged in; no retries keeps that refusal quick.
    const { stdout, stderr } = runCommand(
      'npm',
      ['publish', '--dry-run', '--json', '--fetch-retries=0', '--registry=http://127.0.0.1:9/', packed!.tarball],
      tarballs,
    );
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as Record<string, { name: string; version: string }>;
    expect(report['@elbo/runtime']).toMatchObject({ name: '@elbo/runtime', version: runtime.version });
    expect(stderr).toMatch(/\(dry-run\)/);
    expect(stderr).toMatch(/public access/);
  });
});


function wordsOf(markdown: string): string {
  return markdown.replace(/[^A-Za-z0-9]+/g, ' ').trim();
}
