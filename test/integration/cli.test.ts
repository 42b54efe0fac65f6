// The installed `switchyard` command (package.json bin) as a real process.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../helpers/server-process.ts';

const bin = path.join(repoRoot, 'server/cli/switchyard.mjs');

it('runs `switchyard validate` on the examples and exits 0', () => {
  const r = spawnSync(process.execPath, [bin, 'validate', 'examples/build-test-deploy.yaml', 'examples/saga-booking.yaml'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toContain('2 file(s) checked: 0 error(s)');
  expect(r.status).toBe(0);
});

it('exits 1 with compiler-style output for a broken file on stdin', () => {
  const r = spawnSync(process.execPath, [bin, 'validate', '-'], {
    cwd: repoRoot, encoding: 'utf8', timeout: 60_000,
    input: 'apiVersion: switchyard/v1\nid: x\nname: X\nsteps:\n  - id: a\n    type: teleport\n',
  });
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/^-:6:\d+: error UNKNOWN_NODE_TYPE/m);
});
