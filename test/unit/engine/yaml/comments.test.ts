import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../../../engine/format/schema.ts';
import { parseWorkflowYaml, stringifyWorkflow } from '../../../../engine/yaml/index.ts';

function read(text: string): Workflow {
  const result = parseWorkflowYaml(text);
  expect(result.diagnostics).toEqual([]);
  return result.workflow as Workflow;
}

const HEAD = 'apiVersion: switchyard/v1\nid: x\nname: n\n';

describe('comments become notes', () => {
  it('keeps the file header as notes.apiVersion', () => {
    const w = read(`# Deploys the app.\n#\n#   - indented detail\n\n${HEAD}steps: []\n`);
    expect(w.notes).toEqual({ apiVersion: 'Deploys the app.\n\n  - indented detail' });
  });

  it('keeps comments above top-level keys, blank lines inside them as empty lines', () => {
    const w = read(`${HEAD}# first paragraph\n\n# second paragraph\nsteps: []\n# positions only\nlayout: {}\n`);
    expect(w.notes).toEqual({ steps: 'first paragraph\n\nsecond paragraph', layout: 'positions only' });
  });

  it('keeps comments above steps at any loop depth and above triggers', () => {
    const w = read(`${HEAD}triggers:
  # nightly
  - type: schedule
    cron: "0 3 * * *"
steps:
  # outer
  - id: loop
    type: loop
    steps:
      # inner one
      - id: a
        type: x
      # inner two
      #   continued
      - id: b
        type: x
  # last
  -
    id: c
    type: x
`);
    expect(w.triggers?.[0]?.note).toBe('nightly');
    expect(w.steps.map((s) => s.note)).toEqual(['outer', 'last']);
    expect(w.steps[0]?.steps?.map((s) => s.note)).toEqual(['inner one', 'inner two\n  continued']);
  });

  it('a comment that closes a deeper block is not a note of what follows', () => {
    const w = read(`${HEAD}steps:
  - id: a
    type: x
    with:
      run: go
      # about the with map
  - id: b
    type: x
    # still inside b
# about layout
layout: {}
`);
    expect(w.steps.map((s) => s.note)).toEqual([undefined, undefined]);
    expect(w.notes).toEqual({ layout: 'about layout' });
  });

  it('drops inline comments and comments inside values', () => {
    const w = read(`${HEAD}steps: # inline after a key
  - id: a # inline after a value
    # above a key inside a step
    type: x
    with:
      # inside with
      run: |
        # not a comment: part of the script
        make
vars: {a: 1} # inline after flow
`);
    expect(w.notes).toBeUndefined();
    expect(w.steps[0]).toEqual({ id: 'a', type: 'x', with: { run: '# not a comment: part of the script\nmake\n' } });
  });

  it('an explicit note key wins over a comment', () => {
    const w = read(`# from comment\n${HEAD}notes:\n  apiVersion: from key\nsteps:\n  # from comment\n  - id: a\n    type: x\n    note: from key\n`);
    expect(w.notes?.apiVersion).toBe('from key');
    expect(w.steps[0]?.note).toBe('from key');
  });

  it('merges explicit notes with comment notes for other keys', () => {
    const w = read(`${HEAD}notes:\n  layout: explicit\n# from comment\nsteps: []\nlayout: {}\n`);
    expect(w.notes).toEqual({ layout: 'explicit', steps: 'from comment' });
  });

  it('the header goes to apiVersion even when another key comes first', () => {
    const w = read(`# header\nid: x\nname: n\n# own\napiVersion: switchyard/v1\nsteps: []\n`);
    expect(w.notes).toEqual({ apiVersion: 'header\nown' });
  });
});

describe('notes become comments', () => {
  it('writes notes as # lines above their element, blank note lines as a bare #', () => {
    const text = stringifyWorkflow({
      apiVersion: 'switchyard/v1', id: 'x', name: 'Test',
      notes: { apiVersion: 'Header', steps: 'one\n\ntwo', layout: 'Layout' },
      triggers: [{ type: 'manual', note: 'by hand' }],
      steps: [{ id: 'l', type: 'loop', note: '  indented', steps: [{ id: 'a', type: 'x', note: 'inner' }] }],
      layout: { nodes: { l: { x: 0, y: 0 } } },
    });
    expect(text).toBe(`# Header
apiVersion: switchyard/v1
id: x
name: Test
triggers:
  # by hand
  - type: manual
# one
#
# two
steps:
  #   indented
  - id: l
    type: loop
    steps:
      # inner
      - id: a
        type: x
# Layout
layout:
  nodes:
    l: {x: 0, y: 0}
`);
  });

  it('drops notes of keys that are not written and empty notes', () => {
    const text = stringifyWorkflow({ apiVersion: 'switchyard/v1', id: 'x', name: 'Test', steps: [{ id: 'a', type: 'x', note: '' }], notes: { layout: 'nothing to attach to', vars: '' } });
    expect(text).toBe('apiVersion: switchyard/v1\nid: x\nname: Test\nsteps:\n  - id: a\n    type: x\n');
  });

  it('round-trips notes with blank lines, leading blank lines and trailing spaces', () => {
    for (const note of ['a\n\nb', '\nstarts blank', 'ends blank\n', '\n', 'trailing  ', '#hash', '\ttab']) {
      const w: Workflow = { apiVersion: 'switchyard/v1', id: 'x', name: 'Test', steps: [{ id: 'a', type: 'x', note }], notes: { steps: note } };
      expect(read(stringifyWorkflow(w))).toEqual(w);
    }
  });
});
