// One git operation per step, through ctx.exec (its own process group, output in the step
// log, killed on cancel). Every operation ends by reading back what it did (sha, branch,
// files), so the outputs describe the repository as it is, not as it was asked to be.
import path from 'node:path';
import { defineRunner, type NodeConfig, type NodeContext } from '../../engine/nodes/define-node.ts';
import definition from './definition.ts';
import { cloneDirName, gitEnv, insideWorkspace, lastLines, parseNumstat, type GitStepError } from './git-args.ts';

type Config = NodeConfig<typeof definition>;

const NETWORK = new Set(['clone', 'push', 'pull']);
/** Diff text kept in the step's output; the whole patch is kept as an artifact. */
const DIFF_OUTPUT_BYTES = 256 * 1024;
/** Beyond this the patch is cut, in the artifact too (`truncated`). */
const PATCH_BYTES = 32 * 1024 * 1024;

function gitIn(ctx: NodeContext, cwd: string, env: Record<string, string>, op: string) {
  /** Runs git; a non-zero exit is a GIT_FAILED step error unless `allow` lists the code. */
  return async (args: string[], opts: { allow?: number[]; quiet?: boolean; maxBuffer?: number } = {}) => {
    const r = await ctx.exec('git', args, { cwd, env, stream: !opts.quiet, ...(opts.maxBuffer ? { maxBuffer: opts.maxBuffer } : {}) });
    if (r.exitCode !== 0 && !(r.exitCode !== null && opts.allow?.includes(r.exitCode))) {
      const why = lastLines(r.stderr) || lastLines(r.stdout) || `exit code ${r.exitCode ?? r.signal}`;
      throw { code: 'GIT_FAILED', retryable: NETWORK.has(op), message: `git ${args[0]} failed in step ${ctx.stepId}: ${why}` } satisfies GitStepError;
    }
    return r;
  };
}

async function credentials(ctx: NodeContext, config: Config): Promise<{ user: string; value: string } | undefined> {
  return config.token_secret ? { user: config.token_user, value: await ctx.secret(config.token_secret) } : undefined;
}

export default defineRunner(definition, async (ctx, config) => {
  const env = gitEnv(config.author, NETWORK.has(config.op) ? await credentials(ctx, config) : undefined);
  const rel = (abs: string) => path.relative(ctx.workspace, abs) || '.';

  if (config.op === 'init' || config.op === 'clone') {
    const target = config.op === 'init'
      ? insideWorkspace(ctx.workspace, config.repo ?? '.', 'repo')
      : insideWorkspace(ctx.workspace, config.dir ?? cloneDirName(config.repo!), 'dir');
    const atWorkspace = gitIn(ctx, ctx.workspace, env, config.op);
    if (config.op === 'init') await atWorkspace(['init', '--initial-branch', config.ref ?? 'main', '--', target]);
    else await atWorkspace(['clone', ...(config.ref ? ['--branch', config.ref] : []), '--', config.repo!, target]);
    const git = gitIn(ctx, target, env, config.op);
    const branch = (await git(['symbolic-ref', '--short', '-q', 'HEAD'], { allow: [1], quiet: true })).stdout.trim() || null;
    const sha = config.op === 'clone' ? (await git(['rev-parse', 'HEAD'], { quiet: true })).stdout.trim() : null;
    return { path: rel(target), branch, sha, summary: `${config.op === 'init' ? 'initialised' : 'cloned into'} ${rel(target)}${branch ? ` (${branch})` : ''}` };
  }

  const cwd = insideWorkspace(ctx.workspace, config.repo ?? '.', 'repo');
  const git = gitIn(ctx, cwd, env, config.op);
  const head = async () => (await git(['rev-parse', 'HEAD'], { quiet: true })).stdout.trim();
  const currentBranch = async () => (await git(['symbolic-ref', '--short', '-q', 'HEAD'], { allow: [1], quiet: true })).stdout.trim() || null;

  switch (config.op) {
    case 'checkout': {
      await git(['checkout', config.ref!, '--']);
      const branch = await currentBranch();
      return { branch, sha: await head(), summary: `checked out ${config.ref}` };
    }
    case 'branch': {
      await git(['check-ref-format', '--branch', config.ref!], { quiet: true });
      const exists = (await git(['rev-parse', '--verify', '--quiet', `refs/heads/${config.ref}`], { allow: [1], quiet: true })).exitCode === 0;
      await git(exists ? ['switch', config.ref!] : ['switch', '--create', config.ref!]);
      return { branch: config.ref, created: !exists, sha: await head(), summary: `${exists ? 'switched to' : 'created'} branch ${config.ref}` };
    }
    case 'commit': {
      await git(config.paths?.length ? ['add', '--', ...config.paths] : ['add', '--all']);
      // exit 1: something is staged. Nothing to commit is not a failure: a loop that commits
      // after each agent turn must not stop when a turn changed nothing.
      const staged = (await git(['diff', '--cached', '--quiet'], { allow: [1], quiet: true })).exitCode === 1;
      if (!staged) return { committed: false, sha: await head().catch(() => null), branch: await currentBranch(), files: [], summary: 'nothing to commit' };
      await git(['commit', '--quiet', '--message', config.message!]);
      const files = (await git(['show', '--name-only', '--format=', 'HEAD'], { quiet: true })).stdout.split('\n').filter(Boolean);
      const sha = await head();
      return { committed: true, sha, branch: await currentBranch(), files, summary: `committed ${sha.slice(0, 7)}: ${files.length} file${files.length === 1 ? '' : 's'}` };
    }
    case 'push': {
      const ref = config.ref ?? (await currentBranch());
      if (!ref) throw { code: 'GIT_FAILED', retryable: false, message: `Step ${ctx.stepId}: HEAD is not on a branch; set \`ref\` to the branch to push.` } satisfies GitStepError;
      await git(['push', '--set-upstream', config.remote, ref]);
      return { remote: config.remote, ref, sha: await head(), summary: `pushed ${ref} to ${config.remote}` };
    }
    case 'pull': {
      await git(['pull', '--ff-only', config.remote, ...(config.ref ? [config.ref] : [])]);
      return { sha: await head(), branch: await currentBranch(), summary: `pulled from ${config.remote}` };
    }
    case 'tag': {
      await git(config.message ? ['tag', '--annotate', config.ref!, '--message', config.message] : ['tag', config.ref!]);
      return { tag: config.ref, sha: await head(), summary: `tagged ${config.ref}` };
    }
    case 'diff': {
      // New files count as changes: mark them intent-to-add so `git diff` shows them (the
      // index gains empty entries for them, which a later commit stages in full anyway).
      await git(['add', '--all', '--intent-to-add'], { quiet: true });
      const base = config.ref ?? 'HEAD';
      const limit = config.paths?.length ? ['--', ...config.paths] : [];
      const stat = parseNumstat((await git(['diff', '--numstat', base, ...limit], { quiet: true })).stdout);
      const patch = await git(['diff', base, ...limit], { quiet: true, maxBuffer: PATCH_BYTES });
      let artifact: string | undefined;
      if (patch.stdout) {
        try { artifact = (await ctx.artifacts.put('diff.patch', patch.stdout)).path; } catch (err) { ctx.log(`the patch was not kept as an artifact: ${(err as { message?: string }).message ?? String(err)}`); }
      }
      const bytes = Buffer.byteLength(patch.stdout);
      ctx.log(`${stat.files.length} file(s) changed, +${stat.insertions} −${stat.deletions}`);
      return {
        diff: bytes > DIFF_OUTPUT_BYTES ? Buffer.from(patch.stdout).subarray(0, DIFF_OUTPUT_BYTES).toString('utf8') : patch.stdout,
        truncated: bytes > DIFF_OUTPUT_BYTES || patch.truncated,
        ...(artifact ? { patch: artifact } : {}),
        files: stat.files, insertions: stat.insertions, deletions: stat.deletions,
        summary: `${stat.files.length} file${stat.files.length === 1 ? '' : 's'} changed, +${stat.insertions} −${stat.deletions}`,
      };
    }
  }
  throw { code: 'BAD_CONFIG', retryable: false, message: `Step ${ctx.stepId}: unknown git op "${String(config.op)}".` } satisfies GitStepError;
});
