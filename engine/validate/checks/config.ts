// INVALID_CONFIG: a step's `with`, migrated to its node's version, against the node's zod
// schema — one finding per zod issue, the path extended into `with`. Issues caused only by
// templates are already gone (config-prep.ts); fields with a code of their own
// (node-rules.ts: gate approvers / timeout, loop max_iterations, join count) are reported
// by the control-node check instead.
import type { z } from 'zod';
import type { Workflow } from '../../format/schema.ts';
import { getAt, schemaChainAt, type ConfigIssue, type ConfigPath } from '../config-prep.ts';
import { finding, type Finding, type ValidateContext } from '../context.ts';
import { controlProblems } from '../node-rules.ts';
import { didYouMean, listNames } from '../suggest.ts';

const fieldName = (path: ConfigPath) => path.reduce<string>((out, k) => (typeof k === 'number' ? `${out}[${k}]` : `${out}.${k}`), 'with');

function describe(schema: z.ZodType, path: ConfigPath): string | undefined {
  for (const s of schemaChainAt(schema, path)) {
    const description = s.meta()?.description;
    if (typeof description === 'string') return description;
  }
  return undefined;
}

function objectKeys(schema: z.ZodType, path: ConfigPath): string[] {
  const chain = schemaChainAt(schema, path);
  const last = chain[chain.length - 1] as { shape?: Record<string, unknown> } | undefined;
  return last?.shape ? Object.keys(last.shape) : [];
}

const sentence = (text: string) => text.replace(/[.\s]+$/, '');

export function checkConfigs(_workflow: Workflow, ctx: ValidateContext): Finding[] {
  const out: Finding[] = [];
  for (const entry of ctx.graph.entries) {
    const config = ctx.configOf(entry);
    if (!config) continue;
    const { step, path: stepPath } = entry;
    const { def, raw } = config;
    const who = `Step ${step.id} (${def.type})`;
    const migrated = config.fromVersion < def.version ? ` (paths refer to the config after migration from version ${config.fromVersion} to ${def.version})` : '';
    if (config.migrationError) {
      out.push(finding('INVALID_CONFIG', {
        message: `${who} could not be migrated from version ${config.fromVersion} to ${def.version}: ${sentence(config.migrationError)}.`,
        hint: `rewrite the config for ${def.type} version ${def.version} and set version: ${def.version}`,
        path: [...stepPath, 'with'],
        stepId: step.id,
      }));
      continue;
    }
    const ownCode = controlProblems(entry, raw).flatMap((p) => (p.field ? [p.field] : []));
    for (const issue of config.issues) {
      if (typeof issue.path[0] === 'string' && ownCode.includes(issue.path[0])) continue;
      out.push(...describeIssue(issue));
    }

    function describeIssue(issue: ConfigIssue): Finding[] {
      const at = [...stepPath, 'with', ...issue.path];
      const base = { stepId: step.id };
      if (issue.code === 'unrecognized_keys') {
        const known = objectKeys(def.config, issue.path);
        return (issue.keys ?? []).map((key) => finding('INVALID_CONFIG', {
          ...base,
          message: `${who} has an unknown config key ${fieldName([...issue.path, key])}.`,
          hint: `${didYouMean(key, known)}${known.length ? `${def.type} accepts ${listNames(known)}` : `${def.type} takes no configuration here`}${migrated}`,
          path: [...at, key],
        }));
      }
      const description = describe(def.config, issue.path);
      const hint = `${description ? `${issue.path.length ? `${fieldName(issue.path)}: ` : ''}${sentence(description)}` : `see the ${def.type} node's documentation`}${migrated}`;
      const field = fieldName(issue.path);
      if (issue.code === 'invalid_type' && getAt(raw, issue.path) === undefined) {
        const custom = !/^Invalid input/.test(issue.message);
        return [finding('INVALID_CONFIG', {
          ...base,
          message: custom ? `${who} is missing ${field}: ${sentence(issue.message)}.` : `${who} is missing ${field}, which is required.`,
          hint, path: at,
        })];
      }
      return [finding('INVALID_CONFIG', {
        ...base,
        message: issue.path.length ? `${who} has an invalid ${field}: ${sentence(issue.message)}.` : `${who} has an invalid config: ${sentence(issue.message)}.`,
        hint, path: at,
      })];
    }
  }
  return out;
}
