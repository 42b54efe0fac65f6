// Every code validateWorkflow can report, with its severity and what it means. The table is
// the source of truth: checks take their severity from it, and docs/format.md's table of
// diagnostics is generated from listCodes(). Codes are stable API — rename never, add freely.
import type { Severity } from '../diagnostics.ts';

export interface CodeInfo {
  severity: Severity;
  /** One line for the docs table. */
  description: string;
}

export const DIAGNOSTIC_CODES = {
  // ids
  DUPLICATE_STEP_ID: { severity: 'error', description: 'Two steps share an id; ids are unique across the whole file, loop bodies included, because expressions address steps.<id> globally.' },
  DUPLICATE_TRIGGER_ID: { severity: 'error', description: 'Two triggers share an id.' },

  // node types and config
  UNKNOWN_NODE_TYPE: { severity: 'error', description: 'A step names a node type that is not installed.' },
  NODE_VERSION_TOO_NEW: { severity: 'error', description: "A step's `version` is newer than the installed node type, so its config cannot be read." },
  INVALID_CONFIG: { severity: 'error', description: "A step's `with` does not match its node type's config schema (one diagnostic per problem)." },
  CONTAINER_ONLY: { severity: 'error', description: '`steps:` (a body) is given on a node type that is not a container.' },
  EMPTY_LOOP_BODY: { severity: 'error', description: 'A container step (loop) has no body steps.' },

  // needs and the graph
  UNKNOWN_DEPENDENCY: { severity: 'error', description: '`needs` names a step that does not exist in the same scope (top level, or the same loop body).' },
  UNKNOWN_PORT: { severity: 'error', description: '`needs` names an output port ("check.maybe") that the upstream node type does not have.' },
  PORT_REQUIRED: { severity: 'error', description: '`needs` names a step with several outputs (condition, gate) without saying which one ("check.true").' },
  SELF_DEPENDENCY: { severity: 'error', description: 'A step needs itself.' },
  DUPLICATE_NEED: { severity: 'warning', description: 'The same entry appears twice in one `needs` list.' },
  CYCLE: { severity: 'error', description: 'Steps need each other in a circle, so none of them can start; iterate with a loop step instead.' },
  UNREACHABLE_STEP: { severity: 'warning', description: 'A step can never run because what it waits for is part of a cycle (fix the CYCLE error).' },

  // expressions: EXPR_* codes come from the expression layer's compiler (engine/expressions)
  EXPR_SYNTAX: { severity: 'error', description: 'An expression is not valid CEL, or a `${{ }}` template is malformed (unterminated or empty).' },
  EXPR_UNKNOWN_IDENTIFIER: { severity: 'error', description: 'An expression reads a root not available in that place (e.g. steps in vars, event outside an event trigger, loop outside a loop body).' },
  EXPR_UNKNOWN_FUNCTION: { severity: 'error', description: 'An expression calls a function or method that does not exist.' },
  EXPR_TYPE: { severity: 'error', description: 'Operand or argument types in an expression do not fit, e.g. "a" + 1.' },
  EXPR_TOO_LONG: { severity: 'error', description: 'An expression is longer than the limit (4,000 characters).' },
  EXPR_TOO_DEEP: { severity: 'error', description: 'An expression is nested deeper than the limit.' },
  EXPR_TOO_COMPLEX: { severity: 'error', description: 'An expression has too many nodes, list/map entries or call arguments.' },
  EXPR_FORBIDDEN: { severity: 'error', description: 'An expression uses __proto__, constructor or prototype as a field name or key.' },
  EXPR_REGEX: { severity: 'error', description: 'A matches() pattern is invalid or uses what the linear-time matcher does not support (backreferences, lookaround, inline flags).' },
  EXPR_INTERNAL: { severity: 'error', description: 'The expression checker failed on this expression (a bug in Switchyard; please report it).' },
  UNKNOWN_STEP_REFERENCE: { severity: 'error', description: 'An expression reads steps.<id> for a step that does not exist.' },
  STEP_NOT_UPSTREAM: { severity: 'error', description: 'An expression reads steps.<id> of a step that does not run before this one (not among its transitive needs).' },
  UNKNOWN_INPUT: { severity: 'error', description: 'An expression reads inputs.<name> that `inputs` does not declare.' },
  UNKNOWN_VAR: { severity: 'error', description: 'An expression reads vars.<name> that `vars` does not declare.' },

  // control nodes
  GATE_NO_APPROVERS: { severity: 'error', description: 'An approval gate names no approvers, so nobody could ever decide.' },
  GATE_NO_TIMEOUT: { severity: 'error', description: 'An approval gate has no timeout; a human gate must time out so that every run ends.' },
  JOIN_IMPOSSIBLE_COUNT: { severity: 'error', description: 'A join in mode n_of_m has no count, a count below 1, or a count larger than its number of needs.' },
  JOIN_SINGLE_INPUT: { severity: 'warning', description: 'A join has fewer than two needs, so there is nothing to join.' },
  LOOP_NO_MAX_ITERATIONS: { severity: 'error', description: 'A loop has no max_iterations; every loop must be bounded.' },

  // compensation
  COMPENSATE_UNKNOWN_STEP: { severity: 'error', description: '`compensate` names a step that does not exist.' },
  COMPENSATE_SELF: { severity: 'error', description: 'A step names itself as its own compensation.' },
  COMPENSATE_NOTHING: { severity: 'warning', description: '`on_failure: compensate` is set but no step declares a `compensate` step, so there is nothing to undo.' },

  // phases
  UNKNOWN_PHASE: { severity: 'error', description: "A step's phase is not listed in `phases`." },
  DUPLICATE_PHASE: { severity: 'error', description: '`phases` lists the same phase twice.' },

  // triggers
  INVALID_CRON: { severity: 'error', description: "A schedule trigger's cron expression does not parse (5 or 6 fields)." },
  CRON_NEVER_FIRES: { severity: 'warning', description: 'A cron expression parses but matches no future time (e.g. 31 February).' },
  INVALID_TIMEZONE: { severity: 'error', description: 'A schedule trigger names a time zone that is not a known IANA zone.' },

  // inputs
  INPUT_DEFAULT_NOT_IN_ENUM: { severity: 'error', description: "An enum input's default is not one of its values." },
  INPUT_DEFAULT_OUT_OF_RANGE: { severity: 'error', description: "A number input's default is outside min/max, or not an integer when integer: true." },
  INPUT_INVALID_RANGE: { severity: 'error', description: "A number input's min is greater than its max." },
  INPUT_INVALID_PATTERN: { severity: 'error', description: "A string input's pattern is not a valid regular expression." },
  INPUT_DEFAULT_PATTERN_MISMATCH: { severity: 'error', description: "A string input's default does not match its pattern." },
  INPUT_REQUIRED_WITH_DEFAULT: { severity: 'warning', description: 'An input is required and has a default; the default makes `required` meaningless.' },

  // layout
  LAYOUT_UNKNOWN_STEP: { severity: 'warning', description: '`layout.nodes` has a position for a step that does not exist (it is dropped on the next save).' },
} as const satisfies Record<string, CodeInfo>;

export type ValidationCode = keyof typeof DIAGNOSTIC_CODES;

export function listCodes(): ({ code: ValidationCode } & CodeInfo)[] {
  return (Object.keys(DIAGNOSTIC_CODES) as ValidationCode[]).map((code) => ({ code, ...DIAGNOSTIC_CODES[code] }));
}
