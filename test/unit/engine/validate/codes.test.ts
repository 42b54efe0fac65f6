// One small workflow per diagnostic code: it must be reported, with the right path and step,
// and a message naming the things involved. A final test makes sure every code in the table
// has a case here.
import { describe, expect, it } from 'vitest';
import type { DocPath } from '../../../../engine/diagnostics.ts';
import type { Workflow } from '../../../../engine/format/schema.ts';
import { DIAGNOSTIC_CODES, listCodes } from '../../../../engine/validate/index.ts';
import { sh, validate, wf } from './fixtures.ts';

interface Case {
  code: string;
  name?: string;
  workflow: () => Workflow;
  path: DocPath;
  stepId?: string;
  /** Strings the message must contain. */
  mentions: string[];
  /** Strings the hint must contain. */
  hint?: string[];
}

const gateWith = (w: Record<string, unknown>) => ({ id: 'approve', type: 'gate', with: { message: 'Ship?', approvers: ['role:runner'], timeout: '1h', ...w } });

const cases: Case[] = [
  {
    code: 'DUPLICATE_STEP_ID', name: 'in a loop body',
    workflow: () => wf([sh('build'), { id: 'each', type: 'loop', with: { over: '${{ inputs.items }}', max_iterations: 5 }, steps: [sh('build')] }], { inputs: { items: { type: 'object' } } }),
    path: ['steps', 1, 'steps', 0, 'id'], stepId: 'build', mentions: ['"build"', 'steps[0]'],
  },
  {
    code: 'DUPLICATE_TRIGGER_ID',
    workflow: () => wf([sh('a')], { triggers: [{ type: 'webhook', id: 'push' }, { type: 'manual', id: 'push' }] }),
    path: ['triggers', 1, 'id'], mentions: ['"push"', 'triggers[0]'],
  },
  {
    code: 'UNKNOWN_NODE_TYPE',
    workflow: () => wf([{ id: 'run_tests', type: 'scrpit' }]),
    path: ['steps', 0, 'type'], stepId: 'run_tests', mentions: ['run_tests', '"scrpit"'], hint: ['did you mean "script"?', '"condition"', '"http"'],
  },
  {
    code: 'NODE_VERSION_TOO_NEW',
    workflow: () => wf([{ id: 'fetch', type: 'http', version: 3, with: { url: 'https://x' } }]),
    path: ['steps', 0, 'version'], stepId: 'fetch', mentions: ['fetch', 'version 3', 'version 2'],
  },
  {
    code: 'INVALID_CONFIG', name: 'wrong type',
    workflow: () => wf([sh('a', { with: { run: 'make', timeout_s: 'soon' } })]),
    path: ['steps', 0, 'with', 'timeout_s'], stepId: 'a', mentions: ['Step a (script)', 'with.timeout_s'],
  },
  {
    code: 'INVALID_CONFIG', name: 'missing required field, with its description as hint',
    workflow: () => wf([sh('a'), { id: 'b', type: 'script', needs: ['a'], with: {} }]),
    path: ['steps', 1, 'with', 'run'], stepId: 'b', mentions: ['Step b (script)', 'missing with.run'], hint: ['The shell command to run'],
  },
  {
    code: 'INVALID_CONFIG', name: 'unknown key, with a suggestion',
    workflow: () => wf([sh('a', { with: { run: 'make', shel: true } })]),
    path: ['steps', 0, 'with', 'shel'], stepId: 'a', mentions: ['unknown config key with.shel'], hint: ['did you mean "shell"?'],
  },
  {
    code: 'CONTAINER_ONLY',
    workflow: () => wf([{ ...sh('a'), steps: [sh('inner')] }]),
    path: ['steps', 0, 'steps'], stepId: 'a', mentions: ['Step a', 'script', 'not a container'], hint: ['loop'],
  },
  {
    code: 'EMPTY_LOOP_BODY',
    workflow: () => wf([{ id: 'retry', type: 'loop', with: { until: 'true', max_iterations: 3 }, steps: [] }]),
    path: ['steps', 0, 'steps'], stepId: 'retry', mentions: ['retry', 'no body steps'],
  },
  {
    code: 'UNKNOWN_DEPENDENCY', name: 'typo at the top level',
    workflow: () => wf([sh('build'), sh('deploy', { needs: ['biuld'] })]),
    path: ['steps', 1, 'needs', 0], stepId: 'deploy', mentions: ['deploy', '"biuld"', 'top level'], hint: ['did you mean "build"?'],
  },
  {
    code: 'UNKNOWN_DEPENDENCY', name: 'a body step needing a top-level step',
    workflow: () => wf([sh('build'), { id: 'each', type: 'loop', needs: ['build'], with: { until: 'true', max_iterations: 2 }, steps: [sh('inner', { needs: ['build'] })] }]),
    path: ['steps', 1, 'steps', 0, 'needs', 0], stepId: 'inner', mentions: ['inner', '"build"', 'loop each'],
    hint: ['loop body steps can only need steps in the same loop body'],
  },
  {
    code: 'UNKNOWN_DEPENDENCY', name: 'a top-level step needing a body step',
    workflow: () => wf([{ id: 'each', type: 'loop', with: { until: 'true', max_iterations: 2 }, steps: [sh('inner')] }, sh('after', { needs: ['inner'] })]),
    path: ['steps', 1, 'needs', 0], stepId: 'after', mentions: ['after', '"inner"'], hint: ['need the loop step "each" instead'],
  },
  {
    code: 'UNKNOWN_PORT',
    workflow: () => wf([{ id: 'check', type: 'condition', with: { if: 'true' } }, sh('go', { needs: ['check.maybe'] })]),
    path: ['steps', 1, 'needs', 0], stepId: 'go', mentions: ['go', '"check.maybe"', 'port "maybe"'], hint: ['"check.true"', '"check.false"'],
  },
  {
    code: 'PORT_REQUIRED',
    workflow: () => wf([gateWith({}), sh('ship', { needs: ['approve'] })]),
    path: ['steps', 1, 'needs', 0], stepId: 'ship', mentions: ['ship', 'approve'], hint: ['"approve.approved" or "approve.rejected"'],
  },
  {
    code: 'SELF_DEPENDENCY',
    workflow: () => wf([sh('a', { needs: ['a'] })]),
    path: ['steps', 0, 'needs', 0], stepId: 'a', mentions: ['Step a needs itself'],
  },
  {
    code: 'DUPLICATE_NEED',
    workflow: () => wf([sh('a'), sh('b', { needs: ['a', 'a'] })]),
    path: ['steps', 1, 'needs', 1], stepId: 'b', mentions: ['b', '"a"', 'twice'],
  },
  {
    code: 'CYCLE',
    workflow: () => wf([sh('start'), sh('a', { needs: ['start', 'c'] }), sh('b', { needs: ['a'] }), sh('c', { needs: ['b'] })]),
    path: ['steps', 1, 'needs', 1], stepId: 'a', mentions: ['a → b → c → a'],
  },
  {
    code: 'UNREACHABLE_STEP',
    workflow: () => wf([sh('a', { needs: ['b'] }), sh('b', { needs: ['a'] }), sh('after', { needs: ['b'] })]),
    path: ['steps', 2, 'needs'], stepId: 'after', mentions: ['after', '"b"', 'cycle'],
  },
  {
    code: 'EXPR_SYNTAX',
    workflow: () => wf([sh('a', { if: 'inputs.x >' })], { inputs: { x: { type: 'number' } } }),
    path: ['steps', 0, 'if'], stepId: 'a', mentions: ["Step a's if"],
  },
  {
    code: 'EXPR_SYNTAX', name: 'unterminated template',
    workflow: () => wf([sh('a', { with: { run: 'echo ${{ inputs.x' } })], { inputs: { x: { type: 'string' } } }),
    path: ['steps', 0, 'with', 'run'], stepId: 'a', mentions: ["Step a's with.run", 'Unterminated'],
  },
  {
    code: 'EXPR_UNKNOWN_IDENTIFIER', name: 'steps in vars',
    workflow: () => wf([sh('a')], { vars: { tag: '${{ steps.a.outputs.tag }}' } }),
    path: ['vars', 'tag'], mentions: ['vars.tag', 'steps'], hint: ['vars are computed when the run starts'],
  },
  {
    code: 'EXPR_UNKNOWN_IDENTIFIER', name: 'loop outside a loop body',
    workflow: () => wf([sh('a', { with: { run: 'echo ${{ loop.item }}' } })]),
    path: ['steps', 0, 'with', 'run'], stepId: 'a', mentions: ["Step a's with.run", 'loop'], hint: ['loop exists only inside a loop body'],
  },
  {
    code: 'EXPR_UNKNOWN_IDENTIFIER', name: 'event trigger condition reading inputs',
    workflow: () => wf([sh('a')], { triggers: [{ type: 'event', event: 'plan_validated', if: 'inputs.x > 1' }] }),
    path: ['triggers', 0, 'if'], mentions: ['triggers[0].if', 'inputs'], hint: ['only event'],
  },
  {
    code: 'EXPR_UNKNOWN_FUNCTION',
    workflow: () => wf([{ id: 'check', type: 'condition', with: { if: 'shout(inputs.name)' } }], { inputs: { name: { type: 'string' } } }),
    path: ['steps', 0, 'with', 'if'], stepId: 'check', mentions: ["Step check's with.if", 'shout'],
  },
  {
    code: 'EXPR_TYPE',
    workflow: () => wf([sh('a', { if: '"a" + 1 == "a1"' })]),
    path: ['steps', 0, 'if'], stepId: 'a', mentions: ["Step a's if"],
  },
  {
    code: 'EXPR_TOO_LONG',
    workflow: () => wf([sh('a', { with: { run: `echo \${{ ${'1 + '.repeat(1100)}1 }}` } })]),
    path: ['steps', 0, 'with', 'run'], stepId: 'a', mentions: ["Step a's with.run", '4000'],
  },
  {
    code: 'EXPR_TOO_DEEP',
    workflow: () => wf([sh('a', { if: `${'!'.repeat(120)}true` })]),
    path: ['steps', 0, 'if'], stepId: 'a', mentions: ["Step a's if"],
  },
  {
    code: 'EXPR_TOO_COMPLEX',
    workflow: () => wf([sh('a', { if: `size([${Array(1001).fill(0).join(',')}]) > 0` })]),
    path: ['steps', 0, 'if'], stepId: 'a', mentions: ["Step a's if"],
  },
  {
    code: 'EXPR_FORBIDDEN',
    workflow: () => wf([sh('a', { if: 'inputs.__proto__ == null' })]),
    path: ['steps', 0, 'if'], stepId: 'a', mentions: ["Step a's if", '__proto__'],
  },
  {
    code: 'EXPR_REGEX',
    workflow: () => wf([sh('a', { if: 'inputs.name.matches("(a)\\\\1")' })], { inputs: { name: { type: 'string' } } }),
    path: ['steps', 0, 'if'], stepId: 'a', mentions: ["Step a's if"],
  },
  {
    code: 'UNKNOWN_STEP_REFERENCE',
    workflow: () => wf([sh('build'), sh('deploy', { needs: ['build'], with: { run: 'deploy ${{ steps.biuld.outputs.tag }}' } })]),
    path: ['steps', 1, 'with', 'run'], stepId: 'deploy', mentions: ['steps.biuld', 'no step biuld'], hint: ['did you mean "build"?'],
  },
  {
    code: 'STEP_NOT_UPSTREAM',
    workflow: () => wf([sh('build'), sh('test'), sh('deploy', { needs: ['test'], if: 'steps.build.outputs.ok' })]),
    path: ['steps', 2, 'if'], stepId: 'deploy', mentions: ['steps.build is read by deploy but build does not run before deploy'],
    hint: ["add build to deploy's needs (directly or through an upstream step)"],
  },
  {
    code: 'STEP_NOT_UPSTREAM', name: 'a body step reading a top-level step its loop does not need',
    workflow: () => wf([sh('build'), { id: 'each', type: 'loop', with: { until: 'true', max_iterations: 2 }, steps: [sh('inner', { with: { run: 'x ${{ steps.build.outputs.tag }}' } })] }]),
    path: ['steps', 1, 'steps', 0, 'with', 'run'], stepId: 'inner', mentions: ['steps.build is read by inner but build does not run before inner'],
    hint: ['add build to the needs of loop each'],
  },
  {
    code: 'UNKNOWN_INPUT',
    workflow: () => wf([sh('a', { with: { run: 'deploy ${{ inputs.plan }}' } })], { inputs: { plan_id: { type: 'string' } } }),
    path: ['steps', 0, 'with', 'run'], stepId: 'a', mentions: ['inputs.plan', 'no input plan'], hint: ['"plan_id"'],
  },
  {
    code: 'UNKNOWN_VAR',
    workflow: () => wf([sh('a', { if: 'vars.region == "eu"' })], { vars: { regoin: 'eu' } }),
    path: ['steps', 0, 'if'], stepId: 'a', mentions: ['vars.region', 'no var region'], hint: ['did you mean "regoin"?'],
  },
  {
    code: 'GATE_NO_APPROVERS',
    workflow: () => wf([gateWith({ approvers: [] })]),
    path: ['steps', 0, 'with', 'approvers'], stepId: 'approve', mentions: ['Gate approve', 'no approvers'],
  },
  {
    code: 'GATE_NO_TIMEOUT',
    workflow: () => wf([{ id: 'approve', type: 'gate', with: { message: 'Ship?', approvers: ['role:runner'] } }]),
    path: ['steps', 0, 'with'], stepId: 'approve', mentions: ['Gate approve has no timeout: a human gate must time out'],
  },
  {
    code: 'JOIN_IMPOSSIBLE_COUNT',
    workflow: () => wf([sh('a'), sh('b'), { id: 'both', type: 'join', needs: ['a', 'b'], with: { mode: 'n_of_m', count: 3 } }]),
    path: ['steps', 2, 'with', 'count'], stepId: 'both', mentions: ['Join both', '3', 'only 2'],
  },
  {
    code: 'JOIN_SINGLE_INPUT',
    workflow: () => wf([sh('a'), { id: 'j', type: 'join', needs: ['a'], with: { mode: 'any' } }]),
    path: ['steps', 1, 'needs'], stepId: 'j', mentions: ['Join j', 'only one need'],
  },
  {
    code: 'LOOP_NO_MAX_ITERATIONS',
    workflow: () => wf([{ id: 'fix', type: 'loop', with: { until: 'steps.test.outputs.ok' }, steps: [sh('test')] }]),
    path: ['steps', 0, 'with'], stepId: 'fix', mentions: ['Loop fix has no max_iterations'],
  },
  {
    code: 'COMPENSATE_UNKNOWN_STEP',
    workflow: () => wf([sh('deploy', { compensate: 'rollbak' }), sh('rollback')]),
    path: ['steps', 0, 'compensate'], stepId: 'deploy', mentions: ['deploy', '"rollbak"'], hint: ['did you mean "rollback"?'],
  },
  {
    code: 'COMPENSATE_SELF',
    workflow: () => wf([sh('deploy', { compensate: 'deploy' })]),
    path: ['steps', 0, 'compensate'], stepId: 'deploy', mentions: ['Step deploy names itself'],
  },
  {
    code: 'COMPENSATE_NOTHING',
    workflow: () => wf([sh('deploy', { on_failure: 'compensate' })]),
    path: ['steps', 0, 'on_failure'], stepId: 'deploy', mentions: ['deploy', 'on_failure: compensate'],
  },
  {
    code: 'UNKNOWN_PHASE',
    workflow: () => wf([sh('a', { phase: 'stagign' })], { phases: ['validate', 'staging'] }),
    path: ['steps', 0, 'phase'], stepId: 'a', mentions: ['Step a', '"stagign"'], hint: ['did you mean "staging"?', '"validate"'],
  },
  {
    code: 'DUPLICATE_PHASE',
    workflow: () => wf([sh('a')], { phases: ['build', 'ship', 'build'] }),
    path: ['phases', 2], mentions: ['"build"'],
  },
  {
    code: 'INVALID_CRON',
    workflow: () => wf([sh('a')], { triggers: [{ type: 'schedule', id: 'nightly', cron: '61 3 * * *' }] }),
    path: ['triggers', 0, 'cron'], mentions: ['nightly', '"61 3 * * *"', 'minute'],
  },
  {
    code: 'INVALID_CRON', name: 'wrong number of fields',
    workflow: () => wf([sh('a')], { triggers: [{ type: 'schedule', cron: '0 3 * * * * *' }] }),
    path: ['triggers', 0, 'cron'], mentions: ['triggers[0]', '7 fields', '5 or 6'],
  },
  {
    code: 'CRON_NEVER_FIRES',
    workflow: () => wf([sh('a')], { triggers: [{ type: 'schedule', cron: '0 0 30 2 *' }] }),
    path: ['triggers', 0, 'cron'], mentions: ['"0 0 30 2 *"', 'never fires'],
  },
  {
    code: 'INVALID_TIMEZONE',
    workflow: () => wf([sh('a')], { triggers: [{ type: 'schedule', cron: '0 3 * * *', timezone: 'Europe/Berln' }] }),
    path: ['triggers', 0, 'timezone'], mentions: ['"Europe/Berln"'], hint: ['did you mean "Europe/Berlin"?'],
  },
  {
    code: 'INPUT_DEFAULT_NOT_IN_ENUM',
    workflow: () => wf([sh('a')], { inputs: { env: { type: 'enum', values: ['staging', 'production'], default: 'prod' } } }),
    path: ['inputs', 'env', 'default'], mentions: ['Input env', '"prod"'], hint: ['"staging"'],
  },
  {
    code: 'INPUT_DEFAULT_OUT_OF_RANGE',
    workflow: () => wf([sh('a')], { inputs: { confidence: { type: 'number', min: 0, max: 1, default: 1.5 } } }),
    path: ['inputs', 'confidence', 'default'], mentions: ['Input confidence', '1.5'],
  },
  {
    code: 'INPUT_INVALID_RANGE',
    workflow: () => wf([sh('a')], { inputs: { n: { type: 'number', min: 5, max: 1 } } }),
    path: ['inputs', 'n', 'min'], mentions: ['Input n', 'min 5', 'max 1'],
  },
  {
    code: 'INPUT_INVALID_PATTERN',
    workflow: () => wf([sh('a')], { inputs: { tag: { type: 'string', pattern: '^v(' } } }),
    path: ['inputs', 'tag', 'pattern'], mentions: ['Input tag', '/^v(/'],
  },
  {
    code: 'INPUT_DEFAULT_PATTERN_MISMATCH',
    workflow: () => wf([sh('a')], { inputs: { tag: { type: 'string', pattern: '^v\\d+$', default: 'latest' } } }),
    path: ['inputs', 'tag', 'default'], mentions: ['Input tag', '"latest"'],
  },
  {
    code: 'INPUT_REQUIRED_WITH_DEFAULT',
    workflow: () => wf([sh('a')], { inputs: { plan_id: { type: 'string', required: true, default: 'p1' } } }),
    path: ['inputs', 'plan_id', 'required'], mentions: ['Input plan_id'],
  },
  {
    code: 'LAYOUT_UNKNOWN_STEP',
    workflow: () => wf([sh('build')], { layout: { nodes: { build: { x: 0, y: 0 }, biuld: { x: 10, y: 0 } } } }),
    path: ['layout', 'nodes', 'biuld'], mentions: ['"biuld"'], hint: ['did you mean "build"?'],
  },
];

/** Codes no small workflow can produce (internal failures). */
const UNTESTABLE = new Set(['EXPR_INTERNAL']);

describe('every diagnostic code', () => {
  it.each(cases.map((c) => [`${c.code}${c.name ? ` (${c.name})` : ''}`, c] as const))('%s', (_label, c) => {
    const diagnostics = validate(c.workflow());
    const match = diagnostics.filter((d) => d.code === c.code);
    expect(match, `got ${JSON.stringify(diagnostics, null, 1)}`).toHaveLength(1);
    const d = match[0]!;
    expect(d.severity).toBe(DIAGNOSTIC_CODES[c.code as keyof typeof DIAGNOSTIC_CODES].severity);
    expect(d.path).toEqual(c.path);
    expect(d.stepId).toBe(c.stepId);
    for (const m of c.mentions) expect(d.message).toContain(m);
    for (const h of c.hint ?? []) expect(d.hint).toContain(h);
    expect(d.hint, 'every diagnostic says how to fix it').toBeTruthy();
    // A case tests one thing: nothing else is wrong with its workflow (warnings aside).
    const others = diagnostics.filter((x) => x !== d && x.severity === 'error' && !(c.code === 'UNREACHABLE_STEP' && x.code === 'CYCLE'));
    expect(others, JSON.stringify(others, null, 1)).toEqual([]);
  });

  it('has a case for every code in the table', () => {
    const covered = new Set(cases.map((c) => c.code));
    const missing = listCodes().map((c) => c.code).filter((code) => !covered.has(code) && !UNTESTABLE.has(code));
    expect(missing).toEqual([]);
  });

  it('lists each code once with a severity and a one-line description', () => {
    for (const { code, severity, description } of listCodes()) {
      expect(code).toMatch(/^[A-Z][A-Z_]+$/);
      expect(['error', 'warning', 'info']).toContain(severity);
      expect(description.length).toBeGreaterThan(10);
      expect(description).not.toContain('\n');
    }
  });
});
