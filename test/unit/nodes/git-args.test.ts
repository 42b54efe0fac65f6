import { describe, expect, it } from 'vitest';
import { cloneDirName, gitEnv, insideWorkspace, lastLines, parseNumstat } from '../../../nodes/git/git-args.ts';

describe('git node helpers', () => {
  it('keep paths inside the workspace', () => {
    expect(insideWorkspace('/w/run/workspace', 'api', 'repo')).toBe('/w/run/workspace/api');
    expect(insideWorkspace('/w/run/workspace', '.', 'repo')).toBe('/w/run/workspace');
    for (const bad of ['..', '../other', '/etc', 'a/../../x']) {
      expect(() => insideWorkspace('/w/run/workspace', bad, 'repo')).toThrow(expect.objectContaining({ code: 'BAD_PATH' }) as Error);
    }
    expect(() => insideWorkspace('/w/run/workspace', '../workspace-2', 'dir')).toThrow(expect.objectContaining({ message: expect.stringContaining('`dir: ../workspace-2`') as string }) as Error);
  });

  it('name the clone directory as git does', () => {
    expect(cloneDirName('https://github.com/acme/api.git')).toBe('api');
    expect(cloneDirName('git@github.com:acme/web')).toBe('web');
    expect(cloneDirName('/srv/repos/tools.git/')).toBe('tools');
    expect(cloneDirName('file:///srv/..')).toBe('repo');
  });

  it('never prompt, set the author, and carry a token only as a header', () => {
    const env = gitEnv('Ada Lovelace <ada@example.com>', { user: 'x-access-token', value: 's3cr3t' });
    expect(env).toMatchObject({ GIT_TERMINAL_PROMPT: '0', GIT_AUTHOR_NAME: 'Ada Lovelace', GIT_COMMITTER_EMAIL: 'ada@example.com', GIT_CONFIG_KEY_0: 'http.extraHeader' });
    expect(env.GIT_CONFIG_VALUE_0).toBe(`Authorization: Basic ${Buffer.from('x-access-token:s3cr3t').toString('base64')}`);
    expect(JSON.stringify(gitEnv('A <a@b>'))).not.toContain('extraHeader');
  });

  it('read --numstat, binary files included', () => {
    expect(parseNumstat('3\t1\tsrc/a.ts\n-\t-\tlogo.png\n10\t0\tdocs/new file.md\n')).toEqual({
      files: [
        { path: 'src/a.ts', insertions: 3, deletions: 1, binary: false },
        { path: 'logo.png', insertions: 0, deletions: 0, binary: true },
        { path: 'docs/new file.md', insertions: 10, deletions: 0, binary: false },
      ],
      insertions: 13, deletions: 1,
    });
    expect(parseNumstat('')).toEqual({ files: [], insertions: 0, deletions: 0 });
  });

  it('keep the last lines of stderr for the error message', () => {
    expect(lastLines('Cloning into x...\n\nfatal: repository not found\nfatal: could not read\n', 2)).toBe('fatal: repository not found · fatal: could not read');
  });
});
