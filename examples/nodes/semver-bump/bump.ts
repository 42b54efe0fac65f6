// Semantic-version arithmetic, kept apart from the runner so it is tested on its own.
const SEMVER = /^(v?)(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export type Bump = 'major' | 'minor' | 'patch' | 'prerelease';

/** The next version, or undefined when `current` is not a semantic version. */
export function bumpVersion(current: string, bump: Bump, preid: string): string | undefined {
  const m = SEMVER.exec(current.trim());
  if (!m) return undefined;
  const [, v, maj, min, pat, pre] = m;
  let [major, minor, patch] = [Number(maj), Number(min), Number(pat)];
  let prerelease = '';
  if (bump === 'major') { major++; minor = 0; patch = 0; }
  else if (bump === 'minor') { minor++; patch = 0; }
  else if (bump === 'patch') { if (!pre) patch++; }
  else {
    // 1.4.2 → 1.4.3-rc.0; 1.4.3-rc.0 → 1.4.3-rc.1; another label starts again at 0.
    const same = pre?.match(new RegExp(`^${preid}\\.(\\d+)$`));
    if (!pre) patch++;
    prerelease = `-${preid}.${same ? Number(same[1]) + 1 : 0}`;
  }
  return `${v}${major}.${minor}.${patch}${prerelease}`;
}
