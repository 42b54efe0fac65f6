import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../server/cli/main.ts';
import type { CliIo } from '../../../server/cli/io.ts';

const examplesDir = path.resolve(import.meta.dirname, '../../../examples');

function fakeIo(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const written: Record<string, string> = {};
  const io: CliIo = {
    out: (t) => { out.push(t); },
    err: (t) => { err.push(t); },
    readFile: (p) => {
      if (p in files) return files[p]!;
      throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    },
    writeFile: (p, t) => { written[p] = t; },
    readStdin: () => files['-'] ?? '',
  };
  return { io, out: () => out.join(''), err: () => err.join(''), written };
}

const broken = 'apiVersion: switchyard/v1\nid: b\nname: B\nsteps:\n  - id: a\n    type: script\n    needs: [ghost]\n    with: { run: x }\n';

describe('switchyard validate', () => {
  it('passes every example', async () => {
    const files = Object.fromEntries(readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')).map((f) => [f, readFileSync(path.join(examplesDir, f), 'utf8')]));
    const t = fakeIo(files);
    expect(await main(['validate', ...Object.keys(files)], t.io), t.out()).toBe(0);
    expect(t.err()).toMatch(/7 file\(s\) checked: 0 error\(s\)/);
  });

  it('prints compiler-style diagnostics and exits 1 on errors', async () => {
    const t = fakeIo({ 'wf.yaml': broken });
    expect(await main(['validate', 'wf.yaml'], t.io)).toBe(1);
    expect(t.out()).toMatch(/^wf\.yaml:7:\d+: error UNKNOWN_DEPENDENCY /m);
  });

  it('reports unreadable files and reads standard input', async () => {
    const t = fakeIo({ '-': broken });
    expect(await main(['validate', 'missing.yaml', '-'], t.io)).toBe(1);
    expect(t.out()).toContain('missing.yaml: error FILE_UNREADABLE cannot read the file: no such file');
    expect(t.out()).toMatch(/^-:7:\d+: error UNKNOWN_DEPENDENCY/m);
  });

  it('has a JSON output mode', async () => {
    const t = fakeIo({ 'wf.yaml': broken });
    await main(['validate', '--json', 'wf.yaml'], t.io);
    expect(JSON.parse(t.out())).toMatchObject([{ file: 'wf.yaml', diagnostics: [{ code: 'UNKNOWN_DEPENDENCY', line: 7 }] }]);
  });
});

describe('switchyard fmt', () => {
  const messy = 'steps: []\nname: Messy\nid: messy\napiVersion: switchyard/v1\n';

  it('rewrites a file in canonical form, and --check reports without writing', async () => {
    const check = fakeIo({ 'm.yaml': messy });
    expect(await main(['fmt', '--check', 'm.yaml'], check.io)).toBe(1);
    expect(check.written).toEqual({});
    const t = fakeIo({ 'm.yaml': messy });
    expect(await main(['fmt', 'm.yaml'], t.io)).toBe(0);
    expect(t.written['m.yaml']).toBe('apiVersion: switchyard/v1\nid: messy\nname: Messy\nsteps: []\n');
    const again = fakeIo({ 'm.yaml': t.written['m.yaml']! });
    expect(await main(['fmt', '--check', 'm.yaml'], again.io)).toBe(0);
  });

  it('refuses a file that does not parse, changing nothing', async () => {
    const t = fakeIo({ 'bad.yaml': 'apiVersion: [\n' });
    expect(await main(['fmt', 'bad.yaml'], t.io)).toBe(1);
    expect(t.written).toEqual({});
    expect(t.err()).toMatch(/^bad\.yaml:\d+:\d+: error YAML_SYNTAX/m);
  });
});

describe('switchyard schema and usage', () => {
  it('prints the JSON Schema', async () => {
    const t = fakeIo({});
    expect(await main(['schema'], t.io)).toBe(0);
    expect(JSON.parse(t.out())).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema' });
  });

  it('explains itself and rejects unknown commands', async () => {
    const t = fakeIo({});
    expect(await main(['frobnicate'], t.io)).toBe(2);
    expect(t.err()).toContain('unknown command "frobnicate"');
    const h = fakeIo({});
    expect(await main(['help'], h.io)).toBe(0);
    expect(h.out()).toContain('switchyard <command>');
  });
});
