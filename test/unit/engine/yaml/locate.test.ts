import { describe, expect, it } from 'vitest';
import { parseWorkflowYaml } from '../../../../engine/yaml/index.ts';

const TEXT = `apiVersion: switchyard/v1
id: deploy
name: Deploy
steps:
  - id: build
    type: script
    with:
      run: |
        make all
      env: { CI: "true", LEVEL: 3 }
  - id: retry_loop
    type: loop
    steps:
      - id: attempt
        type: http
        needs: [build, check.true]
        with:
          url: https://example.com
          empty:
layout:
  nodes:
    build: {x: 10, y: 20}
`;

describe('locate', () => {
  const { locate, diagnostics } = parseWorkflowYaml(TEXT);

  it('parses the fixture cleanly', () => {
    expect(diagnostics).toEqual([]);
  });

  it('finds top-level keys and values (1-based)', () => {
    expect(locate(['apiVersion'], 'key')).toEqual({ line: 1, column: 1 });
    expect(locate(['apiVersion'])).toEqual({ line: 1, column: 13 });
    expect(locate(['name'])).toEqual({ line: 3, column: 7 });
    expect(locate(['steps'], 'key')).toEqual({ line: 4, column: 1 });
  });

  it('finds list items and keys inside them', () => {
    expect(locate(['steps', 0])).toEqual({ line: 5, column: 5 });
    expect(locate(['steps', 0, 'type'], 'key')).toEqual({ line: 6, column: 5 });
    expect(locate(['steps', 0, 'type'])).toEqual({ line: 6, column: 11 });
    expect(locate(['steps', 1, 'id'])).toEqual({ line: 11, column: 9 });
  });

  it('finds block scalars and flow collections', () => {
    expect(locate(['steps', 0, 'with', 'run'])).toEqual({ line: 8, column: 12 });
    expect(locate(['steps', 0, 'with', 'env', 'LEVEL'], 'key')).toEqual({ line: 10, column: 26 });
    expect(locate(['steps', 0, 'with', 'env', 'LEVEL'])).toEqual({ line: 10, column: 33 });
    expect(locate(['layout', 'nodes', 'build', 'y'])).toEqual({ line: 22, column: 23 });
  });

  it('finds nested loop bodies', () => {
    expect(locate(['steps', 1, 'steps', 0, 'needs', 1])).toEqual({ line: 16, column: 24 });
    expect(locate(['steps', 1, 'steps', 0, 'with', 'url'])).toEqual({ line: 18, column: 16 });
  });

  it('points at the key when the value is empty', () => {
    expect(locate(['steps', 1, 'steps', 0, 'with', 'empty'])).toEqual({ line: 19, column: 11 });
  });

  it('returns undefined for paths that are not in the file', () => {
    expect(locate(['steps', 7])).toBeUndefined();
    expect(locate(['steps', 0, 'retry'])).toBeUndefined();
    expect(locate(['name', 'deeper'])).toBeUndefined();
  });

  it('works on files with errors too', () => {
    const result = parseWorkflowYaml(TEXT.replace('type: http', 'type: HTTP'));
    expect(result.workflow).toBeUndefined();
    expect(result.locate(['steps', 1, 'steps', 0, 'type'])).toEqual({ line: 15, column: 15 });
  });
});

describe('schema diagnostics carry place and step', () => {
  it('gives the innermost step id for problems in loop bodies', () => {
    const text = TEXT.replace('type: http', 'type: http\n        timeout: soon').replace('id: retry_loop', 'id: retry_loop\n    timeout: 5');
    const { diagnostics } = parseWorkflowYaml(text);
    expect(diagnostics.map((d) => [d.code, d.path.join('.'), d.stepId, d.line, d.column])).toEqual([
      ['SCHEMA_INVALID_TYPE', 'steps.1.timeout', 'retry_loop', 12, 14],
      ['SCHEMA_INVALID_FORMAT', 'steps.1.steps.0.timeout', 'attempt', 17, 18],
    ]);
  });

  it('points an unknown key at the key itself and suggests the right one', () => {
    const { diagnostics } = parseWorkflowYaml(TEXT.replace('needs: [build', 'need: [build'));
    expect(diagnostics).toEqual([{
      severity: 'error',
      code: 'SCHEMA_UNRECOGNIZED_KEYS',
      message: 'steps[1].steps[0] has an unknown key `need`',
      hint: 'did you mean `needs`?',
      path: ['steps', 1, 'steps', 0, 'need'],
      line: 16,
      column: 9,
      stepId: 'attempt',
    }]);
  });

  it('points a missing key at the mapping that lacks it', () => {
    const { diagnostics } = parseWorkflowYaml(TEXT.replace('        type: http\n', ''));
    expect(diagnostics).toMatchObject([{ code: 'SCHEMA_INVALID_TYPE', message: 'steps[1].steps[0] is missing `type`', path: ['steps', 1, 'steps', 0, 'type'], line: 14, column: 9, stepId: 'attempt' }]);
  });

  it('leaves stepId out for steps without an id and for places outside steps', () => {
    const { diagnostics } = parseWorkflowYaml(TEXT.replace('  - id: build\n', '  - name: build\n').replace('x: 10', 'x: ten'));
    expect(diagnostics.map((d) => [d.path.join('.'), d.stepId])).toEqual([['steps.0.id', undefined], ['layout.nodes.build.x', undefined]]);
  });
});
