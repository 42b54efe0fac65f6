import { formatDiagnostic, hasErrors, type Diagnostic } from '../../engine/diagnostics.ts';
import { loadWorkflowYaml } from '../../engine/workflow/load.ts';
import { nodeRegistry } from '../../nodes/registry.generated.ts';
import { readInput, splitFlags, type CliIo } from './io.ts';

export function runValidate(args: string[], io: CliIo): number {
  const { flags, files } = splitFlags(args);
  if (files.length === 0) {
    io.err('switchyard validate: name at least one file ("-" for standard input)\n');
    return 2;
  }
  const report: { file: string; diagnostics: Diagnostic[] }[] = [];
  let failed = false;
  for (const file of files) {
    const input = readInput(io, file);
    const diagnostics: Diagnostic[] = 'error' in input
      ? [{ severity: 'error', code: 'FILE_UNREADABLE', message: `cannot read the file: ${input.error}`, path: [] }]
      : loadWorkflowYaml(input.text, nodeRegistry).diagnostics;
    failed ||= hasErrors(diagnostics);
    report.push({ file, diagnostics });
  }
  if (flags.has('--json')) {
    io.out(JSON.stringify(report, null, 2) + '\n');
  } else {
    for (const { file, diagnostics } of report) for (const d of diagnostics) io.out(formatDiagnostic(d, file) + '\n');
    const errors = report.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'error').length, 0);
    const warnings = report.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'warning').length, 0);
    io.err(`${files.length} file(s) checked: ${errors} error(s), ${warnings} warning(s)\n`);
  }
  return failed ? 1 : 0;
}
