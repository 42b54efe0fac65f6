// Workflows and their drafts. The draft is canonical YAML (what Switchyard writes); the
// list columns (name, description, tags) are copied from it on every save so that listing
// and search never parse YAML. Nothing is saved unless the text parsed and matched the
// schema: a bad edit returns its diagnostics and leaves the stored draft as it was.
import { hasErrors, type Diagnostic } from '../../engine/diagnostics.ts';
import { ConflictError, NotFoundError } from '../../engine/errors.ts';
import { API_VERSION, type Workflow } from '../../engine/format/schema.ts';
import type { NodeRegistry } from '../../engine/nodes/define-node.ts';
import { canonicalYaml, loadWorkflowYaml, upgradeNodeConfigs } from '../../engine/workflow/load.ts';
import { slugify, uniqueSlug } from '../../engine/workflow/slug.ts';
import type { Db } from '../db/client.ts';

export type SaveResult =
  | { ok: true; workflow: WorkflowSummary; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

export interface WorkflowSummary {
  id: string;
  name: string;
  description: string;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

type Row = { id: string; name: string; description: string; tags: unknown; createdAt: Date; updatedAt: Date };

function toSummary(r: Row): WorkflowSummary {
  const tags = Array.isArray(r.tags) ? r.tags.filter((t): t is string => typeof t === 'string') : [];
  return { id: r.id, name: r.name, description: r.description, tags, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}

const summarySelect = { id: true, name: true, description: true, tags: true, createdAt: true, updatedAt: true } as const;

function columnsOf(wf: Workflow) {
  return { name: wf.name, description: wf.description ?? '', tags: wf.tags ?? [] };
}

/** A diagnostic for a rule the store adds on top of the format (ids are fixed, for example). */
function storeDiagnostic(code: string, message: string, hint: string, path: (string | number)[]): Diagnostic {
  return { severity: 'error', code, message, hint, path };
}

export function createWorkflowStore(db: Db, registry: NodeRegistry) {
  async function idTaken(id: string): Promise<boolean> {
    return (await db.workflow.count({ where: { id } })) > 0;
  }

  async function freeId(base: string): Promise<string> {
    const taken = new Set((await db.workflow.findMany({ where: { id: { startsWith: base } }, select: { id: true } })).map((r) => r.id));
    return uniqueSlug(base, (id) => taken.has(id));
  }

  async function requireRow(id: string) {
    const row = await db.workflow.findUnique({ where: { id } });
    if (!row) throw new NotFoundError('Workflow', id);
    return row;
  }

  /** Parses, validates and upgrades node configs; the canonical text is what gets stored. */
  function prepare(yaml: string) {
    const loaded = loadWorkflowYaml(yaml, registry);
    if (!loaded.workflow) return { ok: false as const, diagnostics: loaded.diagnostics };
    const workflow = upgradeNodeConfigs(loaded.workflow, registry);
    return { ok: true as const, workflow, yaml: canonicalYaml(workflow), diagnostics: loaded.diagnostics };
  }

  async function insert(workflow: Workflow, yaml: string, diagnostics: Diagnostic[]): Promise<SaveResult> {
    try {
      const row = await db.workflow.create({ data: { id: workflow.id, ...columnsOf(workflow), draftYaml: yaml }, select: summarySelect });
      return { ok: true, workflow: toSummary(row), diagnostics };
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw new ConflictError(`A workflow with id "${workflow.id}" already exists.`, { id: workflow.id });
      throw err;
    }
  }

  return {
    async list(opts: { search?: string; tag?: string } = {}): Promise<WorkflowSummary[]> {
      // Filtered here, not in SQL: LIKE is case-insensitive on SQLite but not on PostgreSQL,
      // and a team's workflow list is small enough to scan.
      const rows = await db.workflow.findMany({ orderBy: { updatedAt: 'desc' }, select: summarySelect, take: 5000 });
      const needle = opts.search?.trim().toLowerCase();
      return rows.map(toSummary).filter((w) =>
        (!needle || [w.name, w.id, w.description, ...w.tags].some((t) => t.toLowerCase().includes(needle)))
        && (!opts.tag || w.tags.includes(opts.tag)));
    },

    async get(id: string) {
      const row = await requireRow(id);
      const latest = await db.workflowVersion.findFirst({ where: { workflowId: id }, orderBy: { number: 'desc' }, select: { number: true, hash: true, createdAt: true } });
      const { diagnostics } = loadWorkflowYaml(row.draftYaml, registry);
      return { ...toSummary(row), yaml: row.draftYaml, diagnostics, latestVersion: latest ? { number: latest.number, createdAt: latest.createdAt.toISOString() } : null };
    },

    async create(input: { name: string; description?: string; id?: string }): Promise<WorkflowSummary> {
      const id = input.id ?? (await freeId(slugify(input.name)));
      if (input.id && (await idTaken(input.id))) throw new ConflictError(`A workflow with id "${input.id}" already exists.`, { id: input.id });
      const workflow: Workflow = {
        apiVersion: API_VERSION, id, name: input.name,
        ...(input.description ? { description: input.description } : {}),
        triggers: [{ type: 'manual' }],
        steps: [],
      };
      const result = await insert(workflow, canonicalYaml(workflow), []);
      if (!result.ok) throw new Error('unreachable: a fresh workflow is valid');
      return result.workflow;
    },

    async update(id: string, yaml: string): Promise<SaveResult> {
      await requireRow(id);
      const prepared = prepare(yaml);
      if (!prepared.ok) return prepared;
      if (prepared.workflow.id !== id) {
        return { ok: false, diagnostics: [storeDiagnostic('ID_CHANGED', `The id "${prepared.workflow.id}" does not match this workflow ("${id}").`, `Keep "id: ${id}"; to make a copy under another id, duplicate the workflow or import the file.`, ['id'])] };
      }
      const row = await db.workflow.update({ where: { id }, data: { ...columnsOf(prepared.workflow), draftYaml: prepared.yaml }, select: summarySelect });
      return { ok: true, workflow: toSummary(row), diagnostics: prepared.diagnostics };
    },

    async delete(id: string): Promise<void> {
      const { count } = await db.workflow.deleteMany({ where: { id } });
      if (count === 0) throw new NotFoundError('Workflow', id);
    },

    async duplicate(id: string, name?: string): Promise<WorkflowSummary> {
      const row = await requireRow(id);
      const prepared = prepare(row.draftYaml);
      if (!prepared.ok) throw new ConflictError(`Workflow "${id}" cannot be read, so it cannot be duplicated: fix its YAML first.`, { id });
      const newName = name ?? `${prepared.workflow.name} (copy)`;
      const copy: Workflow = { ...prepared.workflow, id: await freeId(slugify(newName)), name: newName };
      const result = await insert(copy, canonicalYaml(copy), prepared.diagnostics);
      if (!result.ok) throw new Error('unreachable');
      return result.workflow;
    },

    validate(yaml: string): Diagnostic[] {
      return loadWorkflowYaml(yaml, registry).diagnostics;
    },

    /** All or nothing: any error and nothing is created. `rename` picks a free id on a clash. */
    async import(yaml: string, onConflict: 'error' | 'rename' = 'error'): Promise<SaveResult> {
      const prepared = prepare(yaml);
      if (!prepared.ok) return prepared;
      if (hasErrors(prepared.diagnostics)) return { ok: false, diagnostics: prepared.diagnostics };
      let workflow = prepared.workflow;
      if (await idTaken(workflow.id)) {
        if (onConflict === 'error') {
          return { ok: false, diagnostics: [storeDiagnostic('ID_TAKEN', `A workflow with id "${workflow.id}" already exists.`, 'Import it as a copy under a new id, or change `id:` in the file.', ['id'])] };
        }
        workflow = { ...workflow, id: await freeId(workflow.id) };
      }
      return insert(workflow, canonicalYaml(workflow), prepared.diagnostics);
    },

    async export(id: string): Promise<{ filename: string; yaml: string }> {
      const row = await requireRow(id);
      return { filename: `${id}.yaml`, yaml: row.draftYaml };
    },
  };
}

export type WorkflowStore = ReturnType<typeof createWorkflowStore>;
