// The git node through the engine against a real local bare repository: clone, branch, let a
// script change files, diff (new files included), commit, push and tag — then the bare
// repository is read back with git itself to prove what arrived.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useNodeServer } from './harness.ts';

const run = promisify(execFile);
const git = async (cwd: string, ...args: string[]) => (await run('git', args, { cwd, env: { ...process.env, GIT_AUTHOR_NAME: 'Seed', GIT_AUTHOR_EMAIL: 'seed@test', GIT_COMMITTER_NAME: 'Seed', GIT_COMMITTER_EMAIL: 'seed@test' } })).stdout.trim();

describe('git node', () => {
  const nodes = useNodeServer();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'switchyard-git-'));
  const origin = path.join(tmp, 'origin.git');

  beforeAll(async () => {
    await git(tmp, 'init', '--bare', '--initial-branch', 'main', origin);
    const seed = path.join(tmp, 'seed');
    await git(tmp, 'clone', origin, seed);
    await run('sh', ['-c', 'printf "# API\\n" > README.md'], { cwd: seed });
    await git(seed, 'add', '.');
    await git(seed, 'commit', '-m', 'first');
    await git(seed, 'push', 'origin', 'main');
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('clones, branches, diffs, commits, pushes and tags; the bare repository has it all', async () => {
    const view = await nodes.run([
      `  - { id: clone, type: git, with: { op: clone, repo: "file://${origin}", ref: main } }`,
      '  - { id: feature, type: git, needs: [clone], with: { op: branch, repo: origin, ref: plan-7 } }',
      '  - id: edit',
      '    type: script',
      '    needs: [feature]',
      '    with: { cwd: origin, run: "printf \'hello\\\\n\' > new.txt && printf \'more\\\\n\' >> README.md" }',
      '  - { id: diff, type: git, needs: [edit], with: { op: diff, repo: origin } }',
      '  - { id: commit, type: git, needs: [diff], with: { op: commit, repo: origin, message: "Implement plan 7", author: "Ada <ada@example.com>" } }',
      '  - { id: push, type: git, needs: [commit], with: { op: push, repo: origin } }',
      '  - { id: tag, type: git, needs: [push], with: { op: tag, repo: origin, ref: v0.7.0, message: "Plan 7" } }',
      '',
    ].join('\n'));
    expect(view.status).toBe('completed');
    expect(nodes.step(view, 'clone').output).toMatchObject({ path: 'origin', branch: 'main', sha: expect.stringMatching(/^[0-9a-f]{40}$/) as string });
    expect(nodes.step(view, 'feature').output).toMatchObject({ branch: 'plan-7', created: true });
    const diff = nodes.step(view, 'diff').output as { diff: string; files: { path: string }[]; insertions: number; deletions: number; patch: string };
    expect(diff.files.map((f) => f.path).sort()).toEqual(['README.md', 'new.txt']);
    expect([diff.insertions, diff.deletions]).toEqual([2, 0]);
    expect(diff.diff).toContain('+hello');
    expect(nodes.step(view, 'diff').summary).toBe('2 files changed, +2 −0');
    const commit = nodes.step(view, 'commit').output as { committed: boolean; sha: string; files: string[]; branch: string };
    expect(commit).toMatchObject({ committed: true, branch: 'plan-7' });
    expect(commit.files.sort()).toEqual(['README.md', 'new.txt']);
    expect(await git(origin, 'log', '-1', '--format=%H %an <%ae> %s', 'plan-7')).toBe(`${commit.sha} Ada <ada@example.com> Implement plan 7`);
    expect(await git(origin, 'show', 'plan-7:new.txt')).toBe('hello');
    expect(await git(origin, 'for-each-ref', '--format=%(objecttype) %(refname:short)', 'refs/tags')).toBe(''); // tags are not pushed
    expect(nodes.step(view, 'tag').output).toMatchObject({ tag: 'v0.7.0', sha: commit.sha });
  });

  it('initialises a repository; a commit with nothing to commit succeeds with committed: false', async () => {
    const view = await nodes.run([
      '  - { id: init, type: git, with: { op: init, repo: fresh, ref: trunk } }',
      '  - { id: empty, type: git, needs: [init], with: { op: commit, repo: fresh, message: nothing } }',
      '  - { id: write, type: script, needs: [empty], with: { cwd: fresh, run: "echo one > a.txt" } }',
      '  - { id: first, type: git, needs: [write], with: { op: commit, repo: fresh, message: first } }',
      '',
    ].join('\n'));
    expect(view.status).toBe('completed');
    expect(nodes.step(view, 'init').output).toMatchObject({ path: 'fresh', branch: 'trunk' });
    expect(nodes.step(view, 'empty')).toMatchObject({ output: { committed: false, files: [] }, summary: 'nothing to commit' });
    expect(nodes.step(view, 'first').output).toMatchObject({ committed: true, branch: 'trunk', files: ['a.txt'] });
  });

  it('keeps the whole patch of a diff as an artifact of the step', async () => {
    const view = await nodes.run([
      '  - { id: init, type: git, with: { op: init, repo: app } }',
      '  - { id: write, type: script, needs: [init], with: { run: "echo one > notes.txt", cwd: app } }',
      '  - { id: commit, type: git, needs: [write], with: { op: commit, repo: app, message: first } }',
      '  - { id: change, type: script, needs: [commit], with: { run: "echo two >> notes.txt", cwd: app } }',
      '  - { id: diff, type: git, needs: [change], with: { op: diff, repo: app } }',
      '',
    ].join('\n'));
    expect(view.status).toBe('completed');
    const diff = nodes.step(view, 'diff').output as { diff: string; patch: string };
    expect(diff).toMatchObject({ insertions: 1, deletions: 0 });
    expect(diff.diff).toContain('+two');
    expect(diff.patch).toMatch(/\/artifacts\/diff\/diff\.patch$/);
    expect(readFileSync(diff.patch, 'utf8')).toBe(diff.diff);
  });

  it('fails a push to an unreachable remote as retryable, with git\'s reason', async () => {
    const view = await nodes.run([
      '  - { id: init, type: git, with: { op: init, repo: lonely } }',
      '  - { id: push, type: git, needs: [init], with: { op: push, repo: lonely, ref: main, remote: nowhere } }',
      '',
    ].join('\n'));
    expect(view.status).toBe('failed');
    expect(nodes.step(view, 'push').error).toMatchObject({ code: 'GIT_FAILED', retryable: true, message: expect.stringMatching(/git push failed in step push: .*nowhere/) as string });
  });

  it('refuses a repository path outside the run workspace, without retrying', async () => {
    const view = await nodes.run('  - { id: escape, type: git, with: { op: init, repo: ../../elsewhere } }\n');
    expect(nodes.step(view, 'escape').error).toMatchObject({ code: 'BAD_PATH', retryable: false, message: expect.stringContaining('outside the run\'s workspace') as string });
  });
});
