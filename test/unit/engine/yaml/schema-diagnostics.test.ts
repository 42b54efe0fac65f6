import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../../engine/diagnostics.ts';
import { parseWorkflowYaml } from '../../../../engine/yaml/index.ts';

const lines = (text: string) => parseWorkflowYaml(text).diagnostics.map((d) => formatDiagnostic(d, 'wf.yaml'));

describe('schema diagnostics read in the file’s terms', () => {
  it('explains a wrong apiVersion', () => {
    expect(lines('apiVersion: v2\nid: x\nname: N\nsteps: []\n')).toEqual([
      'wf.yaml:1:13: error SCHEMA_INVALID_VALUE apiVersion must be "switchyard/v1", not the text "v2" at apiVersion (the first line should be apiVersion: switchyard/v1)',
    ]);
    expect(lines('id: x\nname: N\nsteps: []\n')).toEqual([
      'wf.yaml:1:1: error SCHEMA_INVALID_VALUE the workflow is missing `apiVersion` at apiVersion (the first line should be apiVersion: switchyard/v1)',
    ]);
  });

  it('suggests fixes for ids, enums, keys and trigger types', () => {
    expect(lines(`apiVersion: switchyard/v1
id: My Flow
name: N
triggers:
  - type: cron
steps:
  - id: deploy-prod
    type: x
    on_failure: continu
    depends_on: [a]
`)).toEqual([
      'wf.yaml:2:5: error SCHEMA_INVALID_FORMAT id must be 1–63 characters: lowercase letters, digits, "-" and "_", starting with a letter or digit (it appears in URLs), not the text "My Flow" at id (try my-flow)',
      'wf.yaml:5:11: error SCHEMA_INVALID_UNION triggers[0].type must be one of manual, schedule, webhook, event, not the text "cron" at triggers[0].type (a cron trigger is type: schedule with a cron: key)',
      'wf.yaml:7:9: error SCHEMA_INVALID_FORMAT steps[0].id must be an identifier: letters, digits and "_", not starting with a digit (use snake_case, e.g. deploy_prod), not the text "deploy-prod" at steps[0].id (try deploy_prod)',
      'wf.yaml:9:17: error SCHEMA_INVALID_VALUE steps[0].on_failure must be one of stop, continue, compensate, not the text "continu" at steps[0].on_failure (did you mean continue?)',
      'wf.yaml:10:5: error SCHEMA_UNRECOGNIZED_KEYS steps[0] has an unknown key `depends_on` at steps[0].depends_on (did you mean `needs`?)',
    ]);
  });

  it('lists the allowed keys when nothing is close', () => {
    const [d] = parseWorkflowYaml('apiVersion: switchyard/v1\nid: x\nname: N\nsteps: []\nconcurrency: {group: g, zzz: 1}\n').diagnostics;
    expect(d).toMatchObject({ code: 'SCHEMA_UNRECOGNIZED_KEYS', hint: 'allowed here: group, limit, mode', line: 5, column: 25 });
  });

  it('explains sizes and numbers', () => {
    expect(lines('apiVersion: switchyard/v1\nid: x\nname: ""\nsteps:\n  - id: a\n    type: x\n    version: 1.5\n    retry: {attempts: 500}\nlayout: {viewport: {x: 0, y: 0, zoom: 0}}\n')).toEqual([
      'wf.yaml:3:7: error SCHEMA_TOO_SMALL name must not be empty at name',
      'wf.yaml:7:14: error SCHEMA_INVALID_TYPE steps[0].version must be a whole number, not the number 1.5 at steps[0].version',
      'wf.yaml:8:23: error SCHEMA_TOO_BIG steps[0].retry.attempts must be at most 100 at steps[0].retry.attempts',
      'wf.yaml:9:39: error SCHEMA_TOO_SMALL layout.viewport.zoom must be greater than 0 at layout.viewport.zoom',
    ]);
  });

  it('points at an invalid record key itself', () => {
    const [d] = parseWorkflowYaml('apiVersion: switchyard/v1\nid: x\nname: N\nsteps: []\ninputs:\n  plan-id: {type: string}\n').diagnostics;
    expect(d).toMatchObject({ code: 'SCHEMA_INVALID_KEY', path: ['inputs', 'plan-id'], line: 6, column: 3, hint: 'try plan_id' });
    expect(d?.message).toMatch(/^the name "plan-id" in inputs must be an identifier/);
  });

  it('hints at YAML 1.1 booleans', () => {
    const [d] = parseWorkflowYaml('apiVersion: switchyard/v1\nid: x\nname: N\nsteps: []\ninputs:\n  go: {type: boolean, default: yes}\n').diagnostics;
    expect(d).toMatchObject({ code: 'SCHEMA_INVALID_TYPE', message: 'inputs.go.default must be true or false, not the text "yes"', hint: 'write true or false (YAML 1.2 reads yes, no, on and off as text)' });
  });
});
