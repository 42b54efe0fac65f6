import { describe, expect, it } from 'vitest';
import { bumpVersion } from '../../../examples/nodes/semver-bump/bump.ts';

describe('the sample external node semver-bump', () => {
  it.each([
    ['1.4.2', 'major', '2.0.0'], ['1.4.2', 'minor', '1.5.0'], ['1.4.2', 'patch', '1.4.3'],
    ['v1.4.2', 'patch', 'v1.4.3'], ['1.5.0-rc.2', 'patch', '1.5.0'], ['1.4.2+build.7', 'minor', '1.5.0'],
    ['1.4.2', 'prerelease', '1.4.3-rc.0'], ['1.4.3-rc.0', 'prerelease', '1.4.3-rc.1'], ['1.4.3-beta.4', 'prerelease', '1.4.3-rc.0'],
  ] as const)('bumps %s (%s) to %s', (current, bump, next) => {
    expect(bumpVersion(current, bump, 'rc')).toBe(next);
  });

  it('refuses what is not a semantic version', () => {
    for (const bad of ['1.4', '01.2.3', 'latest', '1.2.3.4', '']) expect(bumpVersion(bad, 'patch', 'rc')).toBeUndefined();
  });
});
