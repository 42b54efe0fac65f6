'use client';
// A form generated from a node type's config schema as data (JSON Schema): one control per
// property, chosen by schema-fields.ts. It edits a plain config object; omitted keys take
// their defaults. Checking is the server's (nodes.checkConfig): `issues` come back keyed by
// path and are shown under their field.
import { useId, useState } from 'react';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { PlusIcon, TrashIcon } from '../icons.tsx';
import { coerce, fieldKind, labelOf, withField, type FieldKind, type JsonSchema } from './schema-fields.ts';

export interface ConfigIssue { path: string[]; message: string }

interface FormProps {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange(next: Record<string, unknown>): void;
  issues?: ConfigIssue[];
  /** Path of this (nested) object within the whole config, for matching issues. */
  path?: string[];
}

export function ConfigForm({ schema, value, onChange, issues = [], path = [] }: FormProps) {
  const required = new Set(schema.required ?? []);
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return <p className="muted">This node type has no settings.</p>;
  // An issue on the object itself (a cross-field rule) has no field of its own: shown on top.
  const own = issues.filter((i) => i.path.length === path.length && i.path.every((p, n) => p === path[n]));
  return (
    <div className="config-form">
      {own.map((i) => <p key={i.message} className="field-error" role="alert">{i.message}</p>)}
      {properties.map(([key, prop]) => {
        const here = [...path, key];
        const error = issues.find((i) => i.path.length >= here.length && here.every((p, n) => i.path[n] === p));
        return (
          <Field key={key} name={key} schema={prop} required={required.has(key)} value={value[key]} path={here} issues={issues}
            error={error ? `${where(error.path.slice(here.length))}${error.message}` : undefined}
            onChange={(v) => onChange(withField(value, key, v))} />
        );
      })}
    </div>
  );
}

/** "item 2: " for an issue inside a list, "name.x: " inside an object, nothing on the field. */
const where = (rest: string[]) => (rest.length ? `${rest.map((p) => (/^\d+$/.test(p) ? `item ${Number(p) + 1}` : p)).join(' › ')}: ` : '');

interface FieldProps {
  name: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onChange(value: unknown): void;
  error?: string;
  path: string[];
  issues: ConfigIssue[];
}

function Field(props: FieldProps) {
  const { name, schema, required, error } = props;
  const id = useId();
  const kind = fieldKind(schema);
  const hint = schema.description;
  const label = (
    <label htmlFor={id}>
      {labelOf(name)} {required && <span className="required" aria-hidden="true">*</span>}
      <code className="field-key">{name}</code>
    </label>
  );
  if (kind === 'object') {
    return (
      <fieldset className="field field-group">
        <legend>{labelOf(name)} <code className="field-key">{name}</code></legend>
        {hint && <p className="hint">{hint}</p>}
        <ConfigForm schema={schema} value={(props.value as Record<string, unknown>) ?? {}} onChange={props.onChange} issues={props.issues} path={props.path} />
      </fieldset>
    );
  }
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      {kind === 'boolean' && schema.default !== undefined ? null : label}
      <Control {...props} id={id} kind={kind} label={kind === 'boolean' && schema.default !== undefined ? labelOf(name) : undefined} describedBy={`${id}-hint ${id}-error`} />
      {hint && <span id={`${id}-hint`} className="hint">{hint}</span>}
      {error && <span id={`${id}-error`} className="field-error" role="alert">{error}</span>}
    </div>
  );
}

function Control({ schema, required, value, onChange, error, id, kind, label, describedBy }: FieldProps & { id: string; kind: FieldKind; label?: string; describedBy: string }) {
  const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy, 'aria-required': required || undefined };
  switch (kind) {
    case 'enum':
      return (
        <select className="input" {...common} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value || undefined)}>
          {(!required || value === undefined) && <option value="">{schema.default !== undefined ? `Default (${String(schema.default)})` : '—'}</option>}
          {(schema.enum as string[]).map((v) => <option key={v} value={v}>{v}</option>)}
        </select>
      );
    case 'boolean':
      if (label) {
        return (
          <label className="checkbox">
            <input type="checkbox" {...common} checked={value === undefined ? Boolean(schema.default) : Boolean(value)} onChange={(e) => onChange(e.target.checked)} /> {label}
          </label>
        );
      }
      // No default: "not set" is a third answer (the server or the node decides).
      return (
        <select className="input" {...common} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'true')}>
          <option value="">Not set</option><option value="true">true</option><option value="false">false</option>
        </select>
      );
    case 'integer':
    case 'number':
      return <input className="input" type="number" inputMode="decimal" {...common} min={schema.minimum} max={schema.maximum} step={kind === 'integer' ? 1 : 'any'}
        placeholder={schema.default !== undefined ? String(schema.default) : undefined} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(coerce(kind, e.target.value))} />;
    case 'text':
      return <input className="input" {...common} placeholder={placeholder(schema)} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />;
    case 'multiline':
      return <textarea className="input textarea mono" rows={6} spellCheck={false} {...common} placeholder={placeholder(schema)} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />;
    case 'list':
      return <ListControl id={id} item={schema.items!} value={Array.isArray(value) ? value : []} onChange={onChange} />;
    case 'map':
      return <MapControl id={id} value={(value as Record<string, unknown>) ?? {}} onChange={onChange} />;
    default:
      return <YamlControl id={id} value={value} onChange={onChange} describedBy={describedBy} />;
  }
}

const placeholder = (s: JsonSchema) => (s.default !== undefined ? String(s.default) : Array.isArray(s.examples) && s.examples.length ? `e.g. ${String(s.examples[0])}` : undefined);

function ListControl({ id, item, value, onChange }: { id: string; item: JsonSchema; value: unknown[]; onChange(v: unknown): void }) {
  const kind = fieldKind(item);
  // Rows as typed, not the value: a new, still empty item must show without being sent.
  const [rows, setRows] = useState(() => value.map((v) => String(v)));
  const emit = (next: string[]) => {
    setRows(next);
    onChange(next.map((t) => coerce(kind, t)).filter((v) => v !== undefined));
  };
  return (
    <div className="list-control" id={id} role="group">
      {rows.map((v, i) => (
        <div key={i} className="list-control-row">
          {kind === 'enum'
            ? <select className="input" aria-label={`Item ${i + 1}`} value={v} onChange={(e) => emit(rows.map((x, n) => (n === i ? e.target.value : x)))}>{(item.enum as string[]).map((o) => <option key={o}>{o}</option>)}</select>
            : <input className="input" aria-label={`Item ${i + 1}`} type={kind === 'text' ? 'text' : 'number'} value={v} onChange={(e) => emit(rows.map((x, n) => (n === i ? e.target.value : x)))} />}
          <button type="button" className="icon-button" aria-label={`Remove item ${i + 1}`} onClick={() => emit(rows.filter((_, n) => n !== i))}><TrashIcon size={16} /></button>
        </div>
      ))}
      <button type="button" className="button button-small" onClick={() => (kind === 'enum' ? emit([...rows, (item.enum as string[])[0]!]) : setRows([...rows, '']))}><PlusIcon size={14} /> Add item</button>
    </div>
  );
}

function MapControl({ id, value, onChange }: { id: string; value: Record<string, unknown>; onChange(v: unknown): void }) {
  // Rows, not the object: a key being typed (or left empty for a moment) must not vanish.
  const [rows, setRows] = useState(() => Object.entries(value).map(([k, v]) => ({ k, v: String(v) })));
  const emit = (next: { k: string; v: string }[]) => {
    setRows(next);
    onChange(Object.fromEntries(next.filter((r) => r.k.trim() !== '').map((r) => [r.k.trim(), r.v])));
  };
  return (
    <div className="list-control" id={id} role="group">
      {rows.map((r, i) => (
        <div key={i} className="list-control-row">
          <input className="input mono" aria-label={`Name ${i + 1}`} placeholder="name" value={r.k} onChange={(e) => emit(rows.map((x, n) => (n === i ? { ...x, k: e.target.value } : x)))} />
          <input className="input" aria-label={`Value ${i + 1}`} placeholder="value" value={r.v} onChange={(e) => emit(rows.map((x, n) => (n === i ? { ...x, v: e.target.value } : x)))} />
          <button type="button" className="icon-button" aria-label={`Remove ${r.k || `entry ${i + 1}`}`} onClick={() => emit(rows.filter((_, n) => n !== i))}><TrashIcon size={16} /></button>
        </div>
      ))}
      <button type="button" className="button button-small" onClick={() => setRows([...rows, { k: '', v: '' }])}><PlusIcon size={14} /> Add entry</button>
    </div>
  );
}

/** Any value, written as YAML (JSON is YAML too); applied when it parses. */
function YamlControl({ id, value, onChange, describedBy }: { id: string; value: unknown; onChange(v: unknown): void; describedBy: string }) {
  const [text, setText] = useState(() => (value === undefined ? '' : stringifyYaml(value).trimEnd()));
  const [bad, setBad] = useState<string>();
  return (
    <>
      <textarea className="input textarea mono" rows={4} spellCheck={false} id={id} aria-describedby={describedBy} aria-invalid={bad ? true : undefined} value={text} placeholder="YAML or JSON"
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(e.target.value.trim() === '' ? undefined : parseYaml(e.target.value));
            setBad(undefined);
          } catch (err) {
            setBad((err as Error).message.split('\n')[0]);
          }
        }} />
      {bad && <span className="field-error" role="alert">Not valid YAML yet: {bad}</span>}
    </>
  );
}
