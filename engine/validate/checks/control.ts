// Gates, joins and loops: the problems node-rules.ts gives codes of their own.
import type { Workflow } from '../../format/schema.ts';
import { finding, type Finding, type ValidateContext } from '../context.ts';
import { controlProblems } from '../node-rules.ts';

export function checkControlNodes(_workflow: Workflow, ctx: ValidateContext): Finding[] {
  const out: Finding[] = [];
  for (const entry of ctx.graph.entries) {
    const config = ctx.configOf(entry);
    if (!config || config.migrationError) continue;
    for (const p of controlProblems(entry, config.raw)) {
      out.push(finding(p.code, { message: p.message, hint: p.hint, path: [...entry.path, ...p.at], stepId: entry.step.id }));
    }
  }
  return out;
}
