import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../../../engine/format/schema.ts';
import { parseWorkflowYaml, stringifyWorkflow } from '../../../../engine/yaml/index.ts';
import { TRICKY_STRINGS } from '../../../helpers/arbitrary-workflow.ts';

function read(text: string): Workflow {
  const result = parseWorkflowYaml(text);
  expect(result.diagnostics).toEqual([]);
  return result.workflow as Workflow;
}

const MESSY = `# Nightly deploy.
#
# Owned by the platform team.

---
steps:
    # Build everything first.
    -   type: script
        with: {run: "make all", env: {CI: 'true'}}   # flow map
        id: build
        timeout: 10m
    - id: ship
      needs:
        - build
      # a comment inside the step, above \`type\`: dropped
      type: loop
      steps:
      # body steps may sit at the sequence's own indentation
      - {id: try_it, type: http, with: {url: 'https://example.com', method: POST}}
      retry: {max: 30s, attempts: 3, backoff: exponential}
name:   Nightly deploy
id: nightly
layout:
  nodes: {build: {y: 0, x: 0}, ship: {x: 200, y: 0}}
# Run at three.
triggers: [{cron: "0 3 * * *", type: schedule}, {type: manual}]
apiVersion: "switchyard/v1"
tags: [ops, 'yes']
inputs:
  env: {default: staging, type: enum, values: [staging, prod], label: Environment}
vars:
  greeting: >-
    hello
    world
  when: 2024-01-01
  ratio: 0.50
  flag: on
`;

const CANONICAL = `# Nightly deploy.
#
# Owned by the platform team.
apiVersion: switchyard/v1
id: nightly
name: Nightly deploy
tags: [ops, "yes"]
inputs:
  env:
    type: enum
    label: Environment
    default: staging
    values: [staging, prod]
vars:
  greeting: hello world
  when: "2024-01-01"
  ratio: 0.5
  flag: "on"
# Run at three.
triggers:
  - type: schedule
    cron: 0 3 * * *
  - type: manual
steps:
  # Build everything first.
  - id: build
    type: script
    with:
      run: make all
      env:
        CI: "true"
    timeout: 10m
  - id: ship
    type: loop
    needs: [build]
    retry:
      attempts: 3
      backoff: exponential
      max: 30s
    steps:
      # body steps may sit at the sequence's own indentation
      - id: try_it
        type: http
        with:
          url: https://example.com
          method: POST
layout:
  nodes:
    build: {x: 0, y: 0}
    ship: {x: 200, y: 0}
`;

describe('stringifyWorkflow', () => {
  it('turns a messy hand-written file into the canonical form, a fixed point', () => {
    const once = stringifyWorkflow(read(MESSY));
    expect(once).toBe(CANONICAL);
    expect(stringifyWorkflow(read(once))).toBe(once);
  });

  it('orders keys canonically whatever the object order, and never writes note keys', () => {
    const w = {
      layout: { nodes: { a: { y: 2, x: 1 } } },
      steps: [{ steps: [{ type: 'x', id: 'inner' }], note: 'n', with: { z: 1, a: 2 }, timeout: '1m', type: 'loop', id: 'a', needs: ['b'], name: 'A' }],
      triggers: [{ cron: '0 3 * * *', note: 'n', id: 'nightly', type: 'schedule' }],
      name: 'N1',
      id: 'x',
      notes: { id: 'the id' },
      apiVersion: 'switchyard/v1',
    } as Workflow;
    expect(stringifyWorkflow(w)).toBe(`apiVersion: switchyard/v1
# the id
id: x
name: N1
triggers:
  # n
  - type: schedule
    id: nightly
    cron: 0 3 * * *
steps:
  # n
  - id: a
    name: A
    type: loop
    needs: [b]
    with:
      z: 1
      a: 2
    timeout: 1m
    steps:
      - id: inner
        type: x
layout:
  nodes:
    a: {x: 1, y: 2}
`);
  });

  it('quotes strings that would read back as something else, in YAML 1.2 or 1.1', () => {
    const vars: Record<string, unknown> = {};
    TRICKY_STRINGS.forEach((s, i) => { vars[`v${i}`] = s; });
    const w: Workflow = { apiVersion: 'switchyard/v1', id: 'x', name: 'N1', vars, steps: [] };
    const text = stringifyWorkflow(w);
    expect(read(text)).toEqual(w);
    for (const word of ['yes', 'no', 'on', 'off', 'y', 'null', '~', '1.0', '0x1F', '2024-01-01', '12:30', '1_000']) {
      expect(text).toContain(`: "${word}"\n`);
    }
    expect(text).toContain(': ${{ inputs.x }}\n');
    expect(text).toContain(': "#not a comment"\n');
    expect(text).toContain(': " x "\n');
  });

  it('writes multi-line strings as block literals, and ones a literal would corrupt as quoted', () => {
    const w: Workflow = {
      apiVersion: 'switchyard/v1', id: 'x', name: 'N1',
      steps: [{ id: 'a', type: 'script', with: { run: 'set -e\nmake\n', keep: 'a\n\n', strip: 'a\nb', space: 'a \nb', cr: 'a\r\nb' } }],
    };
    const text = stringifyWorkflow(w);
    expect(text).toContain('      run: |\n        set -e\n        make\n');
    expect(text).toContain('      keep: |+\n        a\n\n');
    expect(text).toContain('      strip: |-\n        a\n        b\n');
    expect(text).toContain('      space: "a\\ \\nb"\n'); // the yaml package escapes the space before a line break
    expect(text).toContain('      cr: "a\\r\\nb"\n');
    expect(read(text)).toEqual(w);
  });

  it('does not fold long lines', () => {
    const long = 'word '.repeat(60).trim();
    const text = stringifyWorkflow({ apiVersion: 'switchyard/v1', id: 'x', name: 'N1', description: long, steps: [] });
    expect(text).toContain(`description: ${long}\n`);
  });

  it('uses flow style only for lists of single-line text', () => {
    const w: Workflow = { apiVersion: 'switchyard/v1', id: 'x', name: 'N1', tags: ['a', 'two\nlines'], phases: ['build', 'ship'], steps: [] };
    expect(stringifyWorkflow(w)).toContain('tags:\n  - a\n  - |-\n    two\n    lines\nphases: [build, ship]\n');
  });

  it('keeps user data order, including data that looks like workflow keys', () => {
    const w: Workflow = { apiVersion: 'switchyard/v1', id: 'x', name: 'N1', steps: [{ id: 'a', type: 'x', with: { steps: [], note: 'kept', id: 1, apiVersion: 2 } }] };
    const text = stringifyWorkflow(w);
    expect(text).toContain('    with:\n      steps: []\n      note: kept\n      id: 1\n      apiVersion: 2\n');
    expect(read(text)).toEqual(w);
  });

  it('does not write anchors for shared objects', () => {
    const shared = { region: 'eu' };
    const text = stringifyWorkflow({ apiVersion: 'switchyard/v1', id: 'x', name: 'N1', vars: { a: shared, b: shared }, steps: [] });
    expect(text).not.toMatch(/[&*]/);
  });
});
