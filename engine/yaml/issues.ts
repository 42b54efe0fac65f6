// zod issues → diagnostics that say, in the file's terms, what is wrong, where, and how to
// fix it. zod's own wording ("expected record, received string") is for programmers.
import type { z } from 'zod';
import type { Diagnostic, DocPath } from '../diagnostics.ts';
import { API_VERSION, workflowSchema } from '../format/schema.ts';
import { describeValue, expectedName, quote, whereOf } from './wording.ts';
import { declaredKeys, formatRule, schemaAt } from './schema-walk.ts';
import { closest } from './suggest.ts';
import { dataAt, stepIdAt } from './step-id.ts';
import type { LocatePart, Position } from './locate.ts';

type Issue = z.core.$ZodIssue;
export type Locator = (path: DocPath, part: LocatePart) => Position | undefined;

interface Draft { message: string; hint?: string; path: DocPath; part: LocatePart; at?: DocPath }

export function issueDiagnostics(issues: readonly Issue[], data: unknown, locate: Locator): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    for (const draft of explain(issue, data)) {
      const position = locate(draft.at ?? draft.path, draft.part);
      const stepId = stepIdAt(draft.path, (p) => dataAt(data, p));
      out.push({
        severity: 'error',
        code: `SCHEMA_${issue.code.toUpperCase()}`,
        message: draft.message,
        ...(draft.hint ? { hint: draft.hint } : {}),
        path: draft.path,
        ...(position ?? {}),
        ...(stepId ? { stepId } : {}),
      });
    }
  }
  return out;
}

function explain(issue: Issue, data: unknown): Draft[] {
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  const value = dataAt(data, path);
  const parentPath = path.slice(0, -1);
  const parent = dataAt(data, parentPath);
  const last = path[path.length - 1];
  const where = whereOf(path);
  if (typeof last === 'string' && isRecord(parent) && !Object.hasOwn(parent, last)) {
    return [{ message: `${whereOf(parentPath)} is missing \`${last}\``, hint: missingHint(issue, path, last), path, part: 'value', at: parentPath }];
  }
  switch (issue.code) {
    case 'invalid_type':
      return [{ message: typeMessage(issue.expected, path, value, data), hint: typeHint(issue.expected, path, value, data), path, part: 'value' }];
    case 'invalid_value': {
      const values = issue.values.map(String);
      if (path.length === 1 && last === 'apiVersion') return [{ message: `apiVersion must be "${API_VERSION}", not ${describeValue(value)}`, hint: `the first line should be apiVersion: ${API_VERSION}`, path, part: 'value' }];
      const guess = typeof value === 'string' ? closest(value, values) : undefined;
      return [{ message: `${where} must be one of ${values.join(', ')}, not ${describeValue(value)}`, hint: guess && `did you mean ${guess}?`, path, part: 'value' }];
    }
    case 'invalid_union': {
      const options = unionOptions(issue);
      if (!options) return [{ message: `${where} ${lowerFirst(issue.message)}`, path, part: 'value' }];
      const guess = typeof value === 'string' ? closest(value, options) : undefined;
      const hint = guess ? `did you mean ${guess}?` : value === 'cron' && options.includes('schedule') ? 'a cron trigger is type: schedule with a cron: key' : undefined;
      return [{ message: `${where} must be one of ${options.join(', ')}, not ${describeValue(value)}`, hint, path, part: 'value' }];
    }
    case 'invalid_format':
      return [{ message: `${where} ${mustPhrase(issue.message)}, not ${describeValue(value)}`, hint: formatHint(path, value, data), path, part: 'value' }];
    case 'too_small':
    case 'too_big':
      return [{ message: `${where} ${sizeRule(issue)}`, path, part: 'value' }];
    case 'unrecognized_keys': {
      const allowed = declaredKeys(schemaAt(workflowSchema, data, path), value).filter((k) => k !== 'note' && k !== 'notes');
      return issue.keys.map((key) => {
        const guess = closest(key, allowed);
        const hint = guess ? `did you mean \`${guess}\`?` : allowed.length ? `allowed here: ${allowed.join(', ')}` : undefined;
        return { message: `${whereOf(path)} has an unknown key \`${key}\``, hint, path: [...path, key], part: 'key' as const };
      });
    }
    case 'invalid_key': {
      const rule = issue.issues[0]?.message ?? issue.message;
      const fix = typeof last === 'string' ? identifierFix(last) : undefined;
      return [{ message: `the name ${quote(String(last))} in ${whereOf(parentPath)} ${mustPhrase(rule)}`, hint: fix && `try ${fix}`, path, part: 'key' }];
    }
    default:
      return [{ message: `${where}: ${lowerFirst(issue.message)}`, path, part: 'value' }];
  }
}

function missingHint(issue: Issue, path: DocPath, key: string): string | undefined {
  const inStep = path.length >= 3 && path[path.length - 3] === 'steps';
  if (path.length === 1 && key === 'apiVersion') return `the first line should be apiVersion: ${API_VERSION}`;
  if (inStep && key === 'id') return 'every step needs an id, e.g. id: fetch_data';
  if (inStep && key === 'type') return 'every step needs a node type, e.g. type: script';
  const options = unionOptions(issue);
  if (options) return `add ${key}: one of ${options.join(', ')}`;
  if (issue.code === 'invalid_type') return `add ${key}: with ${expectedName(issue.expected)}`;
  return undefined;
}

function typeMessage(expected: string, path: DocPath, value: unknown, data: unknown): string {
  if (path.length === 0) return `the file must be a YAML mapping of keys (apiVersion, id, name, steps, …), not ${describeValue(value)}`;
  const rule = expected === 'string' ? formatRule(schemaAt(workflowSchema, data, path)) : undefined;
  return `${whereOf(path)} ${rule ?? `must be ${expectedName(expected)}`}, not ${describeValue(value)}`;
}

function typeHint(expected: string, path: DocPath, value: unknown, data: unknown): string | undefined {
  const key = String(path[path.length - 1] ?? '');
  if (expected === 'array') {
    if (isRecord(value)) return key === 'steps' ? 'write each step as a list item starting with "- ", e.g. "- id: build"' : 'write one "- " item per line, or [a, b]';
    if (value !== null && typeof value !== 'object') return `write a list: ${key}: [${String(value)}]`;
  }
  if ((expected === 'record' || expected === 'object') && !isRecord(value)) return 'write key: value lines indented under it';
  if (expected === 'boolean' && typeof value === 'string' && /^(yes|no|on|off|y|n)$/i.test(value)) return 'write true or false (YAML 1.2 reads yes, no, on and off as text)';
  if (expected === 'number' && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return 'remove the quotes';
  if (expected === 'string' && typeof value === 'number') {
    const rule = formatRule(schemaAt(workflowSchema, data, path));
    if (rule?.includes('duration')) return `add a unit, e.g. ${value}s or ${value}m`;
    if (!rule) return `put it in quotes: "${value}"`;
  }
  return undefined;
}

function formatHint(path: DocPath, value: unknown, data: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const rule = formatRule(schemaAt(workflowSchema, data, path)) ?? '';
  if (rule.includes('duration') && /^\d+$/.test(value.trim())) return `add a unit, e.g. ${value.trim()}s`;
  const schema = schemaAt(workflowSchema, data, path);
  const candidates = [identifierFix(value), value.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '')];
  const fix = candidates.find((c) => c && c !== value && schema?.safeParse(c).success);
  return fix ? `try ${fix}` : undefined;
}

/** snake_case spelling of a name that is not an identifier: "deploy-prod" → "deploy_prod". */
function identifierFix(name: string): string | undefined {
  const fixed = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  const id = /^[0-9]/.test(fixed) ? `_${fixed}` : fixed;
  return id && id !== name && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(id) ? id : undefined;
}

function sizeRule(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'string') return small && limit === 1 ? 'must not be empty' : `must be ${small ? 'at least' : 'at most'} ${limit} characters long`;
  if (issue.origin === 'array' || issue.origin === 'set') return small && limit === 1 ? 'must not be empty' : `must have ${small ? 'at least' : 'at most'} ${limit} items`;
  if (small) return inclusive ? `must be at least ${limit}` : `must be greater than ${limit}`;
  return inclusive ? `must be at most ${limit}` : `must be less than ${limit}`;
}

/** A discriminated union's allowed tags; zod adds them to the issue without typing them. */
function unionOptions(issue: Issue): string[] | undefined {
  const options = issue.code === 'invalid_union' ? (issue as { options?: unknown }).options : undefined;
  return Array.isArray(options) ? options.map(String) : undefined;
}

const mustPhrase = (message: string): string => (message.startsWith('must') ? message : `is invalid: ${lowerFirst(message)}`);
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
