// Node types from folders outside nodes/, named by NODE_DIRS and loaded at start-up.
//
// A folder in NODE_DIRS is either one node folder (it holds a definition file) or a folder of
// node folders (each subfolder holding one; others — shared code, node_modules — are left
// alone). A node folder has the same shape as a built-in one:
//
//   <type>/definition.ts   export default defineNode({...})   (or .mjs / .js)
//   <type>/run.ts          export default defineRunner(definition, run)
//
// External types go through exactly the checks a built-in one does (defineNode's contract),
// plus what only a folder loaded at run time can get wrong: the folder name must be the type,
// the type must not clash with a built-in or another folder, it must be an action node (the
// engine gives control nodes their meaning) and its runner must be built from its own
// definition. Every problem is collected and reported at once, naming the folder and the fix;
// start-up stops on any, rather than serving workflows that would fail later.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineNode, type NodeDefinition, type NodeRunner } from '../../engine/nodes/define-node.ts';
import { ConfigError } from '../config.ts';

const EXTENSIONS = ['.ts', '.mts', '.mjs', '.js'];
const TYPE_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

export class ExternalNodeError extends ConfigError {
  override name = 'ExternalNodeError';
  constructor(readonly problems: string[]) {
    super(`Node types in NODE_DIRS could not be loaded:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee docs/nodes.md ("Node types outside nodes/").`);
  }
}

export interface ExternalNode {
  type: string;
  dir: string;
  definition: NodeDefinition;
  runner: NodeRunner;
}

/** The file `<dir>/<base>.<ext>` for the first extension that exists. */
function moduleFile(dir: string, base: string): string | undefined {
  return EXTENSIONS.map((ext) => path.join(dir, base + ext)).find((f) => existsSync(f));
}

/** The node folders a NODE_DIRS entry names, or a problem. */
function nodeFolders(entry: string): { folders: string[]; problem?: string } {
  const dir = path.resolve(entry);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { folders: [], problem: `${dir}: not a directory (NODE_DIRS names folders, separated by "${path.delimiter}")` };
  if (moduleFile(dir, 'definition')) return { folders: [dir] };
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .map((e) => path.join(dir, e.name))
    .filter((d) => moduleFile(d, 'definition'))
    .sort();
  if (folders.length === 0) return { folders, problem: `${dir}: holds no node folder (a folder with a definition.ts)` };
  return { folders };
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function importDefault(file: string): Promise<unknown> {
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return mod.default;
}

/** Loads one node folder; returns it or the problems found. */
async function loadFolder(dir: string): Promise<ExternalNode | string[]> {
  const type = path.basename(dir);
  if (!TYPE_NAME.test(type)) return [`${dir}: the folder name is the node type, so it must be lowercase letters, digits, "-" or "_"`];
  const definitionFile = moduleFile(dir, 'definition')!;
  let definition: NodeDefinition;
  try {
    const exported = await importDefault(definitionFile);
    if (!exported || typeof exported !== 'object') return [`${definitionFile}: must \`export default defineNode({...})\``];
    // defineNode is idempotent on a checked definition and checks a plain object the same way.
    definition = defineNode(exported as NodeDefinition);
  } catch (err) {
    return [`${definitionFile}: ${describe(err)}`];
  }
  const problems: string[] = [];
  if (definition.type !== type) problems.push(`${definitionFile}: declares type "${definition.type}" but its folder is "${type}"; rename one so they match`);
  if (definition.kind !== 'action') problems.push(`${definitionFile}: kind must be "action" — control nodes get their meaning from the engine and cannot be added from outside`);
  const runFile = moduleFile(dir, 'run');
  if (!runFile) return [...problems, `${dir}: has no run.ts; an action node needs \`export default defineRunner(definition, run)\``];
  let runner: NodeRunner;
  try {
    runner = (await importDefault(runFile)) as NodeRunner;
  } catch (err) {
    return [...problems, `${runFile}: ${describe(err)}`];
  }
  if (!runner || typeof runner.run !== 'function') problems.push(`${runFile}: must \`export default defineRunner(definition, run)\``);
  else if (runner.definition !== definition && runner.definition?.type !== definition.type) {
    problems.push(`${runFile}: its runner is for "${String(runner.definition?.type)}"; pass this folder's definition (import it from ./definition)`);
  }
  return problems.length ? problems : { type, dir, definition, runner };
}

/**
 * Loads every node folder the NODE_DIRS entries name. `builtInTypes` are the types already
 * registered; an external folder may not reuse one.
 */
export async function loadExternalNodes(entries: readonly string[], builtInTypes: ReadonlySet<string>): Promise<ExternalNode[]> {
  const problems: string[] = [];
  const loaded: ExternalNode[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const { folders, problem } = nodeFolders(entry);
    if (problem) problems.push(problem);
    for (const dir of folders) {
      const type = path.basename(dir);
      if (builtInTypes.has(type)) { problems.push(`${dir}: "${type}" is a built-in node type; give this one another folder name and type`); continue; }
      if (seen.has(type)) { problems.push(`${dir}: node type "${type}" is also defined in ${seen.get(type)}; keep one`); continue; }
      seen.set(type, dir);
      const result = await loadFolder(dir);
      if (Array.isArray(result)) problems.push(...result);
      else loaded.push(result);
    }
  }
  if (problems.length) throw new ExternalNodeError(problems);
  return loaded;
}
