// Published versions: immutable snapshots of the draft's canonical YAML, numbered 1, 2, 3 …
// per workflow. Runs always execute a version. Publishing an unchanged draft returns the
// latest version instead of a duplicate; a draft with errors cannot be published.
import { createHash } from 'node:crypto';
import { structuredPatch, createTwoFilesPatch } from 'diff';
import type { Diagnostic } from '../../engine/diagnostics.ts';
import { ConflictError, NotFoundError } from '../../engine/errors.ts';
import type { NodeRegistry } from '../../engine/nodes/define-node.ts';
import { loadWorkflowYaml } from '../../engine/workflow/load.ts';
import type { Db } from '../db/client.ts';
import type { SaveResult, WorkflowStore } from './store.ts';

export interface VersionSummary { number: number; hash: string; message: string; createdAt: string }

export type PublishResult =
  | { ok: true; version: VersionSummary; unchanged: boolean }
  | { ok: false; diagnostics: Diagnostic[] };

/** Which text to compare: a version number, or the current draft. */
export type Revision = number | 'draft';

export function yamlHash(yaml: string): string {
  return createHash('sha256').update(yaml).digest('hex');
}

const summary = (v: { number: number; hash: string; message: string; createdAt: Date }): VersionSummary =>
  ({ number: v.number, hash: v.hash, message: v.message, createdAt: v.createdAt.toISOString() });

export function createVersionStore(db: Db, registry: NodeRegistry, workflows: WorkflowStore) {
  async function draftOf(workflowId: string): Promise<string> {
    const wf = await db.workflow.findUnique({ where: { id: workflowId }, select: { draftYaml: true } });
    if (!wf) throw new NotFoundError('Workflow', workflowId);
    return wf.draftYaml;
  }

  async function textOf(workflowId: string, rev: Revision): Promise<string> {
    if (rev === 'draft') return draftOf(workflowId);
    const v = await db.workflowVersion.findUnique({ where: { workflowId_number: { workflowId, number: rev } }, select: { yaml: true } });
    if (!v) throw new NotFoundError('Version', `${workflowId}@${rev}`);
    return v.yaml;
  }

  return {
    async publish(workflowId: string, message = ''): Promise<PublishResult> {
      const yaml = await draftOf(workflowId);
      const loaded = loadWorkflowYaml(yaml, registry);
      if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics };
      const hash = yamlHash(yaml);
      const latest = await db.workflowVersion.findFirst({ where: { workflowId }, orderBy: { number: 'desc' } });
      if (latest?.hash === hash) return { ok: true, version: summary(latest), unchanged: true };
      try {
        const created = await db.workflowVersion.create({ data: { workflowId, number: (latest?.number ?? 0) + 1, yaml, hash, message } });
        return { ok: true, version: summary(created), unchanged: false };
      } catch (err) {
        // Two publishes raced for the same number; the unique index let one win.
        if ((err as { code?: string }).code === 'P2002') throw new ConflictError('Someone published this workflow at the same moment. Reload the versions and try again.', { workflowId });
        throw err;
      }
    },

    async list(workflowId: string): Promise<VersionSummary[]> {
      await draftOf(workflowId);
      const rows = await db.workflowVersion.findMany({ where: { workflowId }, orderBy: { number: 'desc' }, select: { number: true, hash: true, message: true, createdAt: true } });
      return rows.map(summary);
    },

    async get(workflowId: string, number: number): Promise<VersionSummary & { yaml: string }> {
      const v = await db.workflowVersion.findUnique({ where: { workflowId_number: { workflowId, number } } });
      if (!v) throw new NotFoundError('Version', `${workflowId}@${number}`);
      return { ...summary(v), yaml: v.yaml };
    },

    /** A unified diff (for download and the CLI) and its hunks (for the UI). */
    async diff(workflowId: string, from: Revision, to: Revision) {
      const [a, b] = await Promise.all([textOf(workflowId, from), textOf(workflowId, to)]);
      const label = (r: Revision) => (r === 'draft' ? `${workflowId} (draft)` : `${workflowId} v${r}`);
      const patch = createTwoFilesPatch(label(from), label(to), a, b, undefined, undefined, { context: 3 });
      const { hunks } = structuredPatch(label(from), label(to), a, b, undefined, undefined, { context: 3 });
      let added = 0;
      let removed = 0;
      for (const h of hunks) for (const line of h.lines) { if (line.startsWith('+')) added++; else if (line.startsWith('-')) removed++; }
      return { patch, hunks, added, removed, identical: a === b };
    },

    /** The draft becomes that version's text; publishing it again makes a new version. */
    async restore(workflowId: string, number: number): Promise<SaveResult> {
      const v = await db.workflowVersion.findUnique({ where: { workflowId_number: { workflowId, number } }, select: { yaml: true } });
      if (!v) throw new NotFoundError('Version', `${workflowId}@${number}`);
      return workflows.update(workflowId, v.yaml);
    },
  };
}

export type VersionStore = ReturnType<typeof createVersionStore>;
