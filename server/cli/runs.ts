// switchyard run | runs | resume | cancel — in this process, or on a server with --server.
//
// Exit codes: 0 the run completed (or the command did what it said), 1 the run failed or was
// cancelled, 2 bad input: an unknown file or workflow, an invalid workflow or inputs, a bad flag.
import { loadWorkflowYaml } from '../../engine/workflow/load.ts';
import { nodeRegistry } from '../../nodes/registry.generated.ts';
import { localBackend, remoteBackend, UsageError, type Backend } from './backend.ts';
import type { CliIo } from './io.ts';
import { formatDuration, RunView } from './run-view.ts';

const VALUE_FLAGS = new Set(['--input', '-i', '--inputs-file', '--value-file', '--server', '--token', '--data-dir', '--database-url', '--version', '--workflow', '--status', '--limit', '--reason']);

export interface ParsedArgs { positional: string[]; values: Map<string, string[]>; flags: Set<string> }

export function parseArgs(args: string[]): ParsedArgs {
  const out: ParsedArgs = { positional: [], values: new Map(), flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (VALUE_FLAGS.has(name)) {
      const value = name !== a ? a.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      out.values.set(name === '-i' ? '--input' : name, [...(out.values.get(name === '-i' ? '--input' : name) ?? []), value]);
    } else if (a.startsWith('-') && a !== '-') {
      out.flags.add(a);
    } else {
      out.positional.push(a);
    }
  }
  return out;
}

const one = (p: ParsedArgs, name: string) => p.values.get(name)?.at(-1);

function inputsFrom(p: ParsedArgs, read: (f: string) => string): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  const file = one(p, '--inputs-file');
  if (file) {
    let parsed: unknown;
    try { parsed = JSON.parse(read(file)); } catch (err) { throw new UsageError(`--inputs-file ${file}: ${(err as Error).message}`); }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--inputs-file ${file} must hold a JSON object`);
    Object.assign(inputs, parsed);
  }
  for (const pair of p.values.get('--input') ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input ${pair}: write it as key=value`);
    inputs[pair.slice(0, eq)] = pair.slice(eq + 1); // typed by the workflow's input declarations
  }
  return inputs;
}

async function withBackend<T>(p: ParsedArgs, io: CliIo, fn: (b: Backend) => Promise<T>): Promise<T> {
  const server = one(p, '--server') ?? process.env.SWITCHYARD_SERVER;
  const read = (f: string) => io.readFile(f);
  const opts = { server, token: one(p, '--token') ?? process.env.SWITCHYARD_TOKEN, dataDir: one(p, '--data-dir'), databaseUrl: one(p, '--database-url') };
  const backend = server ? remoteBackend({ ...opts, server }, read) : await localBackend(opts, read);
  try { return await fn(backend); } finally { await backend.close(); }
}

/** Follows a run to its end, drawing the view; resolves with its final status. */
async function follow(backend: Backend, runId: string, title: string, steps: string[], io: CliIo, signal: { interrupts: number }): Promise<string> {
  const tty = io.isTTY?.() ?? false;
  const view = new RunView(title, steps, { tty, colour: tty && !process.env.NO_COLOR, write: (t) => io.out(t) });
  let seq = 0;
  let status = 'queued';
  let cancelled = false;
  try {
    for (;;) {
      if (signal.interrupts > 0 && !cancelled) {
        cancelled = true;
        io.err('\ncancelling the run (Ctrl-C again to leave it running and exit)\n');
        await backend.cancel(runId, 'interrupted from the command line').catch(() => undefined);
      }
      // A run nobody executes (queued beyond a server's capacity, or left by a dead process) is taken on here.
      if (backend.adopt && (status === 'queued' || status === 'running')) await backend.adopt(runId);
      for (const e of await backend.events(runId, seq)) {
        seq = e.seq;
        view.apply(e);
        if (['run.completed', 'run.failed', 'run.cancelled'].includes(e.type)) status = e.type.slice(4);
        else if (e.type === 'run.started') status = 'running';
      }
      if (['completed', 'failed', 'cancelled'].includes(status)) return status;
    }
  } finally {
    view.stop();
  }
}

/** The top-level steps in document order (compensations only run on failure: not listed up front). */
function stepsOf(yaml: string | undefined): string[] {
  if (!yaml) return [];
  const wf = loadWorkflowYaml(yaml, nodeRegistry).workflow;
  return wf ? wf.steps.filter((s) => !wf.steps.some((o) => o.compensate === s.id)).map((s) => s.id) : [];
}

export async function runRun(args: string[], io: CliIo, signal = { interrupts: 0 }): Promise<number> {
  const p = parseArgs(args);
  const [target] = p.positional;
  if (!target || p.flags.has('--help')) { io.err(RUN_USAGE); return target ? 0 : 2; }
  const inputs = inputsFrom(p, (f) => io.readFile(f));
  const version = one(p, '--version');
  if (version !== undefined && !/^[1-9]\d*$/.test(version)) throw new UsageError(`--version ${version}: a version number such as 3`);
  return withBackend(p, io, async (backend) => {
    const workflowId = await backend.resolve(target);
    const started = Date.now();
    const run = await backend.start(workflowId, inputs, version ? Number(version) : undefined);
    const steps = stepsOf(await backend.yamlOf(workflowId));
    const status = await follow(backend, run.runId, `${workflowId} #${run.number}  (run ${run.runId})`, steps, io, signal);
    const final = await backend.get(run.runId);
    const why = status === 'failed' && final.error ? `: ${(final.error as { message?: string }).message ?? ''}` : '';
    io.err(`\n${workflowId} #${run.number} ${status} in ${formatDuration(Date.now() - started)}${why}\n`);
    return status === 'completed' ? 0 : 1;
  });
}

export async function runRuns(args: string[], io: CliIo): Promise<number> {
  const p = parseArgs(args);
  const limit = Number(one(p, '--limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new UsageError('--limit: a number from 1 to 200');
  return withBackend(p, io, async (backend) => {
    const rows = await backend.list({ workflowId: one(p, '--workflow'), status: one(p, '--status'), limit });
    if (p.flags.has('--json')) { io.out(JSON.stringify(rows, null, 2) + '\n'); return 0; }
    if (!rows.length) { io.out('no runs yet\n'); return 0; }
    const table = [['#', 'RUN', 'WORKFLOW', 'STATUS', 'STARTED', 'DURATION'], ...rows.map((r) => [
      String(r.number), r.id, r.workflowId, r.status, r.startedAt ? r.startedAt.replace('T', ' ').slice(0, 19) : '—',
      r.startedAt ? formatDuration(Date.parse(r.finishedAt ?? new Date().toISOString()) - Date.parse(r.startedAt)) : '—',
    ])];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    for (const row of table) io.out(row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd() + '\n');
    return 0;
  });
}

export async function runControl(command: 'resume' | 'cancel', args: string[], io: CliIo, signal = { interrupts: 0 }): Promise<number> {
  const p = parseArgs(args);
  const [runId] = p.positional;
  if (!runId) { io.err(`switchyard ${command}: name the run, e.g. switchyard ${command} <runId> (switchyard runs lists them)\n`); return 2; }
  return withBackend(p, io, async (backend) => {
    const run = await backend.get(runId);
    if (command === 'cancel') {
      await backend.cancel(runId, one(p, '--reason'));
      io.err(`cancel requested for ${run.workflowId} #${run.number}\n`);
      return 0;
    }
    if (run.status === 'paused') await backend.resume(runId);
    else if (['completed', 'failed', 'cancelled'].includes(run.status)) { io.err(`${run.workflowId} #${run.number} has already ${run.status}; \`switchyard runs\` lists runs, and the API can retry or re-run it.\n`); return 1; }
    if (p.flags.has('--no-follow')) return 0;
    const status = await follow(backend, runId, `${run.workflowId} #${run.number}  (run ${runId})`, [...new Set(run.steps.map((s) => s.stepId))], io, signal);
    return status === 'completed' ? 0 : 1;
  });
}

export const RUN_USAGE = `Usage: switchyard run <file.yaml | workflow id> [options]

Runs a workflow and shows each step live; exits 0 when the run completes, 1 when it fails or
is cancelled, 2 on bad input. A file is validated, saved as the workflow with its id and
published as a new version first (an unchanged file reuses its version).

Options:
  --input, -i key=value    An input (repeatable); typed by the workflow's declarations.
  --inputs-file file.json  Inputs from a JSON object (--input values win).
  --version N              Run version N of a saved workflow instead of the latest.
  --data-dir DIR           In-process engine data (default: DATA_DIR or ./.switchyard).
  --database-url URL       In-process engine database (default: DATABASE_URL or SQLite in
                           the data directory). Several processes may share one database.
  --server URL             Run on a Switchyard server instead (or SWITCHYARD_SERVER).
  --token TOKEN            API token for --server (or SWITCHYARD_TOKEN).

Ctrl-C cancels the run and waits for it to stop; a second Ctrl-C exits at once (the run is
taken over by the next process that looks after the database: a server, or switchyard resume).
`;
