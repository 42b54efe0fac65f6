// switchyard <command> — the command line for workflow files and server administration.
//
//   switchyard validate [--json] <file…>   check files; compiler-style output; exit 1 on errors
//   switchyard fmt [--check] <file…>       rewrite files in canonical form (--check: only report)
//   switchyard schema                      print the workflow JSON Schema
//
// Every command is a function of (args, io) → exit code, so tests call it without spawning.
import { runFmt } from './fmt.ts';
import { runSchema } from './schema.ts';
import { runValidate } from './validate.ts';
import { nodeIo, type CliIo } from './io.ts';

const USAGE = `Usage: switchyard <command> [options]

Commands:
  validate [--json] <file…>   Check workflow files; prints file:line:col: severity CODE message.
                              Exit status 1 when any file has errors. "-" reads standard input.
  fmt [--check] <file…>       Rewrite workflow files in canonical form. With --check, change
                              nothing and exit 1 when a file is not canonical.
  schema                      Print the JSON Schema of the workflow format (draft 2020-12).
  help                        Show this text.
`;

export async function main(argv: string[], io: CliIo = nodeIo): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'validate': return runValidate(args, io);
    case 'fmt': return runFmt(args, io);
    case 'schema': return runSchema(args, io);
    case undefined: case 'help': case '--help': case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.err(`switchyard: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
