// ctx.artifacts: files a step keeps, under DATA_DIR/runs/<runId>/artifacts/<stepId>/. A name is
// a relative path inside that folder; one that would leave it is refused, not rewritten, so a
// workflow that computes names from untrusted input fails loudly.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NodeContext } from '../../../engine/nodes/define-node.ts';
import { stepError } from './errors.ts';

export function artifactDir(dataDir: string, runId: string, stepId: string): string {
  return path.join(dataDir, 'runs', runId, 'artifacts', stepId);
}

/** The normalised relative name, or undefined when it is empty, absolute or escapes. */
export function safeArtifactName(name: string): string | undefined {
  if (!name || name.includes('\0') || path.isAbsolute(name) || path.win32.isAbsolute(name)) return undefined;
  const normal = path.posix.normalize(name.replace(/\\/g, '/'));
  if (normal === '.' || normal.endsWith('/') || normal === '..' || normal.startsWith('../')) return undefined;
  return normal;
}

export function createArtifacts(dir: string): NodeContext['artifacts'] {
  return {
    async put(name, data) {
      const safe = safeArtifactName(name);
      if (!safe) throw stepError('INVALID_ARTIFACT_NAME', `Artifact name "${name}" must be a relative file path that stays inside the step's artifact folder (no "..", not absolute).`, false, { name });
      const file = path.join(dir, safe);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, data);
      return { name: safe, path: file, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength };
    },
  };
}
