// Each node's config rules, checked twice: by zod (what the app enforces, with the message
// people see) and by the node's JSON Schema (what editors outside the app enforce). The two
// must agree, except for the few rules JSON Schema cannot say (marked zodOnly).
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../engine/nodes/define-node.ts';
import { nodeRegistry } from '../../../nodes/registry.generated.ts';

interface Case { type: string; config: Record<string, unknown>; error?: string; zodOnly?: boolean }

const gate = { message: 'Ship?', approvers: ['role:runner'], timeout: '1h' };

const cases: Case[] = [
  { type: 'condition', config: { if: 'inputs.confidence > 0.8' } },
  { type: 'condition', config: {}, error: 'expected string' },
  { type: 'parallel', config: {} },
  { type: 'parallel', config: { mode: 'all' }, error: 'Unrecognized key' },
  { type: 'join', config: {} },
  { type: 'join', config: { mode: 'any', cancel_losers: false } },
  { type: 'join', config: { mode: 'n_of_m', count: 2 } },
  { type: 'join', config: { mode: 'n_of_m' }, error: 'mode n_of_m needs `count`' },
  { type: 'join', config: { mode: 'any', count: 2 }, error: '`count` only applies to mode n_of_m' },
  { type: 'join', config: { mode: 'n_of_m', count: 0 }, error: 'Too small' },
  { type: 'gate', config: gate },
  { type: 'gate', config: { ...gate, approvers: ['user:ada@example.com', 'role:owner'], quorum: 2, on_timeout: 'escalate', escalate_to: ['role:owner'] } },
  { type: 'gate', config: { message: 'Ship?', timeout: '1h' }, error: 'a gate needs approvers' },
  { type: 'gate', config: { ...gate, approvers: [] }, error: 'name at least one approver' },
  { type: 'gate', config: { ...gate, approvers: ['runner'] }, error: 'must be "user:<email or id>" or "role:<owner|editor|runner|viewer>"' },
  { type: 'gate', config: { ...gate, approvers: ['role:admin'] }, error: 'must be "user:<email or id>"' },
  { type: 'gate', config: { message: 'Ship?', approvers: ['role:runner'] }, error: 'a gate needs a timeout' },
  { type: 'gate', config: { ...gate, timeout: 'an hour' }, error: 'must be a duration' },
  { type: 'gate', config: { ...gate, on_timeout: 'escalate' }, error: 'on_timeout: escalate needs `escalate_to`' },
  { type: 'gate', config: { ...gate, approvers: ['user:ada', 'user:bob'], quorum: 3 }, error: 'quorum 3 can never be reached by 2 named user(s)', zodOnly: true },
  { type: 'loop', config: { over: '${{ inputs.files }}', parallelism: 4, max_iterations: 100 } },
  { type: 'loop', config: { until: 'steps.test.outputs.exit_code == 0', max_iterations: 3 } },
  { type: 'loop', config: { until: 'true' }, error: 'a loop needs max_iterations' },
  { type: 'loop', config: { until: 'true', max_iterations: 1001 }, error: 'Too big' },
  { type: 'loop', config: { max_iterations: 3 }, error: 'a loop needs exactly one of `over`' },
  { type: 'loop', config: { over: 'x', until: 'true', max_iterations: 3 }, error: 'a loop needs exactly one of `over`' },
  { type: 'loop', config: { until: 'true', parallelism: 2, max_iterations: 3 }, error: 'parallelism applies only to loops `over` a list' },
  { type: 'subworkflow', config: { workflow: 'deploy-service' } },
  { type: 'subworkflow', config: { workflow: 'deploy-service', version: 3, inputs: { env: '${{ inputs.env }}' }, wait: false } },
  { type: 'subworkflow', config: { workflow: 'deploy-service', version: 0 }, error: 'Too small' },
  { type: 'subworkflow', config: { workflow: 'Deploy Service' }, error: 'must be 1–63 characters' },
  { type: 'delay', config: { duration: '1h30m' } },
  { type: 'delay', config: { until: '${{ inputs.release_at }}' } },
  { type: 'delay', config: {}, error: 'a delay needs exactly one of `duration`' },
  { type: 'delay', config: { duration: '1m', until: '2030-01-01T00:00:00Z' }, error: 'a delay needs exactly one of `duration`' },
  { type: 'script', config: { run: 'echo hi', shell: 'node', env: { NODE_ENV: 'production' } } },
  { type: 'script', config: { run: 'echo hi', env: { 'NOT A NAME': 'x' } }, error: '"NOT A NAME" is not an environment variable name' },
  { type: 'script', config: { run: 'echo hi', shell: 'zsh' }, error: 'Invalid option' },
  { type: 'http', config: { url: 'https://example.com', method: 'POST', body: { a: [1] }, query: { page: 2 }, expect_status: [201] } },
  { type: 'http', config: { url: 'https://example.com', verb: 'GET' }, error: 'Unrecognized key' },
  { type: 'http', config: { method: 'GET' }, error: 'expected string' },
  { type: 'http', config: { url: 'https://example.com', expect_status: [99] }, error: 'Too small' },
  { type: 'http', config: { url: 'http://localhost:8080', allow_private: true } },
  { type: 'agent', config: { prompt: 'Fix the tests.' } },
  { type: 'agent', config: { cli: 'custom', command: 'my-agent --yes', prompt: 'Fix the tests.', output: 'json' } },
  { type: 'agent', config: { cli: 'custom', prompt: 'Fix the tests.' }, error: 'cli: custom needs `command`' },
  { type: 'git', config: { op: 'clone', repo: 'https://github.com/acme/api.git' } },
  { type: 'git', config: { op: 'push' } },
  { type: 'git', config: { op: 'clone' }, error: 'op: clone needs `repo`' },
  { type: 'git', config: { op: 'commit' }, error: 'op: commit needs a `message`' },
  { type: 'git', config: { op: 'tag' }, error: 'op: tag needs `ref`' },
  { type: 'git', config: { op: 'rebase' }, error: 'Invalid option' },
  { type: 'notify', config: { message: 'Done' } },
  { type: 'notify', config: { channel: 'email', to: ['ops@example.com'], message: 'Done' } },
  { type: 'notify', config: { channel: 'webhook', message: 'Done' }, error: 'channel: webhook needs a `url`' },
  { type: 'notify', config: { channel: 'email', message: 'Done' }, error: 'channel: email needs `to`' },
  { type: 'emit', config: { event: 'plan_validated', payload: { plan: { id: 'p1' } } } },
  { type: 'emit', config: { event: 'plan validated' }, error: 'must be an event name' },
  { type: 'transform', config: { outputs: { total: '${{ steps.count.outputs.n + 1 }}', tags: ['a'] } } },
  { type: 'transform', config: { outputs: { 'not a name': 1 } }, error: 'must be an identifier' },
  { type: 'transform', config: {}, error: 'expected record' },
];

const ajv = new Ajv2020({ strict: false, allErrors: true });
const jsonValidator = (type: string) => ajv.compile(configJsonSchema(nodeRegistry.get(type)!));

describe.each(cases)('$type $config', ({ type, config, error, zodOnly }) => {
  const def = nodeRegistry.get(type)!;

  it(error ? `is rejected: ${error}` : 'is accepted', () => {
    const result = def.config.safeParse(config);
    expect(result.success).toBe(!error);
    if (error) expect(result.error!.issues.map((i) => i.message).join('\n')).toContain(error);
  });

  it(`gets the same verdict from the JSON Schema${zodOnly ? ' (except a zod-only rule)' : ''}`, () => {
    expect(jsonValidator(type)(config)).toBe(!error || zodOnly === true);
  });
});

it('covers every node type', () => {
  expect(new Set(cases.map((c) => c.type))).toEqual(new Set(nodeRegistry.list().map((d) => d.type)));
});
