import { describe, expect, it } from 'vitest';
import { bumpVersion, largestBumps, parseChangeset } from './changeset-files.js';

describe('changeset files', () => {
  it('parses the releases and the summary', () => {
    const changeset = parseChangeset('a.md', "---\n'@elbo/runtime': minor\n\"@elbo/vae\": patch\n---\n\nAdds a thing.\n");
    expect(changeset.releases).toEqual({ '@elbo/runtime': 'minor', '@elbo/vae': 'patch' });
    expect(changeset.summary).toBe('Adds a thing.');
  });

  it('names the file and the line it cannot read', () => {
    expect(() => parseChangeset('b.md', "---\n'@elbo/runtime': huge\n---\nx\n")).toThrow(/b\.md.*huge/);
    expect(() => parseChangeset('c.md', 'no front matter')).toThrow(/c\.md/);
  });

  it('keeps the largest bump per package', () => {
    const bumps = largestBumps([
      parseChangeset('a.md', "---\n'@elbo/x': patch\n---\na\n"),
      parseChangeset('b.md', "---\n'@elbo/x': major\n'@elbo/y': patch\n---\nb\n"),
      parseChangeset('c.md', "---\n'@elbo/x': minor\n---\nc\n"),
    ]);
    expect(Object.fromEntries(bumps)).toEqual({ '@elbo/x': 'major', '@elbo/y': 'patch' });
  });

  it('increments like semver', () => {
    expect(bumpVersion('0.1.0', 'minor')).toBe('0.2.0');
    expect(bumpVersion('0.1.3', 'patch')).toBe('0.1.4');
    expect(bumpVersion('0.9.9', 'major')).toBe('1.0.0');
    expect(() => bumpVersion('1.0.0-beta.1', 'patch')).toThrow(/x\.y\.z/);
  });
});
