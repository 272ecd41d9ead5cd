// Reads .changeset/*.md the way the release flow uses them: which packages each one
// bumps, by how much, and its summary; and the version a bump leads to.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Bump = 'patch' | 'minor' | 'major';

export interface Changeset {
  readonly file: string;
  readonly releases: Readonly<Record<string, Bump>>;
  readonly summary: string;
}

const bumpOrder: readonly Bump[] = ['patch', 'minor', 'major'];

export function readChangesets(changesetFolder: string): Changeset[] {
  return readdirSync(changesetFolder)
    .filter((file) => file.endsWith('.md') && file !== 'README.md')
    .map((file) => parseChangeset(file, readFileSync(join(changesetFolder, file), 'utf8')));
}

export function parseChangeset(file: string, text: string): Changeset {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`${file}: expected a front matter block between --- lines`);
  const releases: Record<string, Bump> = {};
  for (const line of match[1]!.split('\n').filter((l) => l.trim() !== '')) {
    const release = /^\s*['"]?([^'":]+)['"]?\s*:\s*(patch|minor|major)\s*$/.exec(line);
    if (!release) throw new Error(`${file}: expected "'<package>': patch|minor|major", found ${JSON.stringify(line)}`);
    releases[release[1]!] = release[2] as Bump;
  }
  return { file, releases, summary: match[2]!.trim() };
}

/** The largest bump each package gets from a set of changesets. */
export function largestBumps(changesets: readonly Changeset[]): Map<string, Bump> {
  const bumps = new Map<string, Bump>();
  for (const changeset of changesets) {
    for (const [name, bump] of Object.entries(changeset.releases)) {
      const current = bumps.get(name);
      if (!current || bumpOrder.indexOf(bump) > bumpOrder.indexOf(current)) bumps.set(name, bump);
    }
  }
  return bumps;
}

/** semver's increment for plain x.y.z versions (what `changeset version` applies). */
export function bumpVersion(version: string, bump: Bump): string {
  const parts = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!parts) throw new Error(`version ${JSON.stringify(version)}: expected x.y.z`);
  const [major, minor, patch] = parts.slice(1).map(Number) as [number, number, number];
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}
