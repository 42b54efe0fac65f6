// Which control edits a value, decided from its JSON Schema (a node type's config schema as
// data — the only form of it the browser has for types it never imported).
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  examples?: unknown[];
}

export type FieldKind = 'enum' | 'boolean' | 'integer' | 'number' | 'text' | 'multiline' | 'list' | 'map' | 'object' | 'json';

/** Strings allowed to be this long are scripts, prompts or messages: a text area, not a line. */
const MULTILINE_FROM = 10_000;

const isType = (s: JsonSchema, t: string) => s.type === t || (Array.isArray(s.type) && s.type.length === 1 && s.type[0] === t);

export function fieldKind(s: JsonSchema): FieldKind {
  if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string')) return 'enum';
  if (isType(s, 'boolean')) return 'boolean';
  if (isType(s, 'integer')) return 'integer';
  if (isType(s, 'number')) return 'number';
  if (isType(s, 'string')) return (s.maxLength ?? 0) >= MULTILINE_FROM ? 'multiline' : 'text';
  if (isType(s, 'array') && s.items && ['text', 'integer', 'number', 'enum'].includes(fieldKind(s.items))) return 'list';
  if (isType(s, 'object') && s.properties) return 'object';
  if (isType(s, 'object') && typeof s.additionalProperties === 'object') return 'map';
  return 'json';
}

const ACRONYMS: Record<string, string> = { url: 'URL', id: 'ID', cwd: 'CWD', http: 'HTTP', json: 'JSON', yaml: 'YAML', ssh: 'SSH', api: 'API' };

/** A field's label: "max_turns" → "Max turns", "url" → "URL". */
export function labelOf(key: string): string {
  const words = key.split(/[_-]+/).filter(Boolean).map((w) => ACRONYMS[w.toLowerCase()] ?? w.toLowerCase());
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A list item or number typed as text, as the schema wants it; undefined for an empty entry. */
export function coerce(kind: FieldKind, text: string): unknown {
  if (text.trim() === '') return undefined;
  if (kind === 'integer' || kind === 'number') {
    const n = Number(text);
    // Not a number: keep the text, so the check says what is wrong instead of losing it.
    return Number.isFinite(n) ? n : text;
  }
  return text;
}

/** The config without keys whose value was cleared: an omitted key takes its default. */
export function withField(config: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const next = { ...config };
  const empty = value === undefined || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);
  if (empty) delete next[key];
  else next[key] = value;
  return next;
}
