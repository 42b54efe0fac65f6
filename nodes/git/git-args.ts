// The pure parts of the git node: where things go in the workspace, the environment git runs
// with, and reading its machine output. Kept apart from run.ts so they are tested alone.
import path from 'node:path';

/** Thrown as a step error (plain object, as the engine expects). */
export interface GitStepError { code: string; message: string; retryable: boolean }

/** `rel` resolved inside the workspace; a path that would leave it is refused. */
export function insideWorkspace(workspace: string, rel: string, field: string): string {
  const abs = path.resolve(workspace, rel);
  if (abs !== workspace && !abs.startsWith(workspace + path.sep)) {
    throw { code: 'BAD_PATH', retryable: false, message: `\`${field}: ${rel}\` points outside the run's workspace; use a path relative to it.` } satisfies GitStepError;
  }
  return abs;
}

/** The directory `git clone <url>` would create: the last path part without ".git". */
export function cloneDirName(url: string): string {
  const last = url.replace(/[/\\]+$/, '').split(/[/\\:]/).pop() ?? '';
  const name = last.replace(/\.git$/, '');
  return name && name !== '.' && name !== '..' ? name : 'repo';
}

/**
 * git's environment: never prompt (a step must fail, not hang, on missing credentials), the
 * author from the config, and a token as an HTTP header through GIT_CONFIG_* — so it is in
 * neither the URL, the repository's config, the process list nor git's output.
 */
export function gitEnv(author: string, token?: { user: string; value: string }): Record<string, string> {
  const m = /^(.+?) <([^<>\s]+)>$/.exec(author);
  const [name, email] = m ? [m[1]!, m[2]!] : ['Switchyard', 'switchyard@localhost'];
  const env: Record<string, string> = {
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email,
  };
  if (token) {
    const basic = Buffer.from(`${token.user}:${token.value}`).toString('base64');
    Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` });
  }
  return env;
}

export interface DiffStat { files: { path: string; insertions: number; deletions: number; binary: boolean }[]; insertions: number; deletions: number }

/** `git diff --numstat` output: "<ins>\t<del>\t<path>", "-\t-\t<path>" for binary files. */
export function parseNumstat(text: string): DiffStat {
  const files: DiffStat['files'] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+|-)\t(\d+|-)\t(.+)$/.exec(line);
    if (!m) continue;
    const binary = m[1] === '-';
    files.push({ path: m[3]!, insertions: binary ? 0 : Number(m[1]), deletions: binary ? 0 : Number(m[2]), binary });
  }
  return { files, insertions: files.reduce((n, f) => n + f.insertions, 0), deletions: files.reduce((n, f) => n + f.deletions, 0) };
}

/** The last non-empty lines of git's stderr: what a user needs to see why it failed. */
export function lastLines(text: string, n = 3): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-n).join(' · ');
}
