// The git node through the real step context: a repository initialised, written by a script
// step, committed and diffed — git itself run by ctx.exec in the run's workspace, its patch
// kept by ctx.artifacts. (The git node's own rules are unit-tested in test/unit/nodes/git-args.test.ts.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useNodeServer } from './harness.ts';

describe('the git node on the real ctx', () => {
  const { run, step } = useNodeServer();

  it('inits, commits what a script wrote, and keeps the diff of a later change as an artifact', async () => {
    const view = await run(`  - { id: init, type: git, with: { op: init, repo: app } }
  - { id: write, type: script, needs: [init], with: { run: "echo one > notes.txt", cwd: app } }
  - { id: commit, type: git, needs: [write], with: { op: commit, repo: app, message: first } }
  - { id: change, type: script, needs: [commit], with: { run: "echo two >> notes.txt", cwd: app } }
  - { id: diff, type: git, needs: [change], with: { op: diff, repo: app } }
`);
    expect(view.status).toBe('completed');
    expect(step(view, 'commit').output).toMatchObject({ committed: true, files: ['notes.txt'] });
    const diff = step(view, 'diff').output as { diff: string; patch: string; files: unknown[] };
    expect(diff).toMatchObject({ insertions: 1, deletions: 0 });
    expect(diff.diff).toContain('+two');
    expect(diff.patch).toMatch(/\/artifacts\/diff\/diff\.patch$/);
    expect(readFileSync(diff.patch, 'utf8')).toBe(diff.diff);
  });
});
