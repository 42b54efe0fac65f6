// switchyard <command> — the command line for workflow files and server administration.
//
//   switchyard validate [--json] <file…>   check files; compiler-style output; exit 1 on errors
//   switchyard fmt [--check] <file…>       rewrite files in canonical form (--check: only report)
//   switchyard schema                      print the workflow JSON Schema
//   switchyard run <file|id> [--input k=v]  run a workflow with a live view (exit 0 / 1 / 2)
//   switchyard runs | resume <id> | cancel <id>
//   switchyard secrets list | set <NAME> | delete <NAME>
//   switchyard users reset-password <email>
//
// Every command is a function of (args, io) → exit code, so tests call it without spawning.
import { runFmt } from './fmt.ts';
import { runSchema } from './schema.ts';
import { runValidate } from './validate.ts';
import { nodeIo, type CliIo } from './io.ts';
import { SwitchyardError } from '../../engine/errors.ts';
import { UsageError } from './backend.ts';
import { RUN_USAGE, runControl, runRun, runRuns } from './runs.ts';
import { runSecrets } from './secrets.ts';
import { runUsers } from './users.ts';

const USAGE = `Usage: switchyard <command> [options]

Commands:
  validate [--json] <file…>   Check workflow files; prints file:line:col: severity CODE message.
                              Exit status 1 when any file has errors. "-" reads standard input.
  fmt [--check] <file…>       Rewrite workflow files in canonical form. With --check, change
                              nothing and exit 1 when a file is not canonical.
  schema                      Print the JSON Schema of the workflow format (draft 2020-12).
  run <file | id> [options]   Run a workflow, showing each step live. Exit 0 when it completes,
                              1 when it fails or is cancelled, 2 on bad input. (run --help)
  runs [--workflow ID] [--status S] [--limit N] [--json]
                              List recent runs.
  resume <runId>              Resume a paused run, or take over one nobody is executing, and
                              follow it (--no-follow: just resume).
  cancel <runId> [--reason R] Cancel a run.
  secrets list | set NAME | delete NAME
                              Manage secrets (values from standard input, never shown).
  users reset-password EMAIL  A new random password for a locked-out account (on the server).
  help                        Show this text.

run, runs, resume and cancel work on the database in DATA_DIR / DATABASE_URL (default
./.switchyard), or on a server with --server URL --token TOKEN.
`;

/** Runs a command whose problems are the user's (exit 2) or the run's (exit 1). */
async function guarded(io: CliIo, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError || (err instanceof SwitchyardError && ['VALIDATION', 'NOT_FOUND', 'CONFLICT'].includes(err.code))) {
      io.err(`switchyard: ${err.message}\n`);
      return 2;
    }
    io.err(`switchyard: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/** Ctrl-C once: the command cancels its run and waits; twice: exit now. */
function interrupts(): { interrupts: number } {
  const signal = { interrupts: 0 };
  process.on('SIGINT', () => {
    signal.interrupts++;
    if (signal.interrupts > 1) process.exit(130);
  });
  return signal;
}

export async function main(argv: string[], io: CliIo = nodeIo): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'validate': return runValidate(args, io);
    case 'fmt': return runFmt(args, io);
    case 'schema': return runSchema(args, io);
    case 'run': return args.includes('--help') ? (io.out(RUN_USAGE), 0) : guarded(io, () => runRun(args, io, interrupts()));
    case 'runs': return guarded(io, () => runRuns(args, io));
    case 'resume': return guarded(io, () => runControl('resume', args, io, interrupts()));
    case 'cancel': return guarded(io, () => runControl('cancel', args, io));
    case 'secrets': return guarded(io, () => runSecrets(args, io));
    case 'users': return guarded(io, () => runUsers(args, io));
    case undefined: case 'help': case '--help': case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.err(`switchyard: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
