import type { DocPath } from '../diagnostics.ts';

/**
 * The id of the innermost step that `path` lies in: steps[i], or a loop body's
 * steps[i].steps[j], and so on down. `valueAt` reads a value at a path (from the data or
 * from the YAML document), so this works before and after the schema has run.
 */
export function stepIdAt(path: DocPath, valueAt: (path: DocPath) => unknown): string | undefined {
  let id: string | undefined;
  for (let i = 0; path[i] === 'steps' && typeof path[i + 1] === 'number'; i += 2) {
    const value = valueAt([...path.slice(0, i + 2), 'id']);
    id = typeof value === 'string' && value ? value : undefined;
  }
  return id;
}

/** Reads plain data along a path; undefined when the path leaves it. */
export function dataAt(data: unknown, path: DocPath): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}
