import { formatDiagnostic } from '../../engine/diagnostics.ts';
import { parseWorkflowYaml, stringifyWorkflow } from '../../engine/yaml/index.ts';
import { readInput, splitFlags, type CliIo } from './io.ts';

// fmt needs only a file that parses and matches the schema; graph problems are `validate`'s
// business, and formatting a work in progress is useful.
export function runFmt(args: string[], io: CliIo): number {
  const { flags, files } = splitFlags(args);
  const check = flags.has('--check');
  if (files.length === 0) {
    io.err('switchyard fmt: name at least one file\n');
    return 2;
  }
  let status = 0;
  for (const file of files) {
    const input = readInput(io, file);
    if ('error' in input) { io.err(`${file}: cannot read the file: ${input.error}\n`); status = 1; continue; }
    const parsed = parseWorkflowYaml(input.text);
    if (!parsed.workflow) {
      for (const d of parsed.diagnostics) io.err(formatDiagnostic(d, file) + '\n');
      status = 1;
      continue;
    }
    const canonical = stringifyWorkflow(parsed.workflow);
    if (canonical === input.text) continue;
    if (check) { io.out(`${file}: not in canonical form\n`); status = 1; continue; }
    if (file === '-') io.out(canonical);
    else { io.writeFile(file, canonical); io.out(`${file}: formatted\n`); }
  }
  return status;
}
