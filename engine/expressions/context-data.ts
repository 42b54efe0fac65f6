// Context data goes to cel-js as-is: no copy per evaluation, so large step outputs cost nothing
// until read. One wrinkle: cel-js recognises a map by `value.constructor === Object`, so a JSON
// object with its own "constructor" key (legal data, e.g. in a webhook payload) looks like an
// unknown class and evaluation fails with `unsupported_type`. When that happens the evaluation
// is retried once on a copy in which such objects become Maps (which cel-js reads natively).
// The key itself stays unreachable by name, like `__proto__` (see FORBIDDEN_KEYS).

const MAX_DEPTH = 500;

/** A copy of `value` in which every plain object with an own "constructor" key is a Map. */
export function normalizeContextData(value: unknown): unknown {
  const copies = new Map<object, unknown>();
  const visit = (v: unknown, depth: number): unknown => {
    if (typeof v !== 'object' || v === null || depth > MAX_DEPTH) return v;
    const seen = copies.get(v);
    if (seen !== undefined) return seen;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      copies.set(v, out);
      for (const item of v) out.push(visit(item, depth + 1));
      return out;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return v; // Date, Map, class instances: cel-js decides
    if (Object.hasOwn(v, 'constructor')) {
      const map = new Map<string, unknown>();
      copies.set(v, map);
      for (const key of Object.keys(v)) map.set(key, visit((v as Record<string, unknown>)[key], depth + 1));
      return map;
    }
    const out: Record<string, unknown> = {};
    copies.set(v, out);
    for (const key of Object.keys(v)) {
      // defineProperty: a "__proto__" key stays an own data property.
      Object.defineProperty(out, key, { value: visit((v as Record<string, unknown>)[key], depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return visit(value, 0);
}
