// The published JSON Schema of workflow files (public/schema/workflow.v1.json), for editors
// outside the app, e.g. VS Code's YAML extension with
//   # yaml-language-server: $schema=https://<your server>/schema/workflow.v1.json
// It is the zod format (schema.ts) plus what zod cannot see from there: each node type's
// config schema, applied to `with` by an if/then on the step's `type`.
//
// The app validates with zod, not with this file; it only has to agree. Where JSON Schema
// cannot say a rule (some cross-field checks), the app is stricter, never looser.
//
// Templates. The app accepts a `${{ }}` template in place of any config value, since its
// real value is only known at run time (engine/validate/config-prep.ts): a whole template
// anywhere (exactly one `${{ }}`, which evaluates to a typed value), and text with a template
// where a string is checked for content (pattern, enum). Each value schema inside a node
// config therefore also admits #/$defs/Template or #/$defs/TemplatedText.
import { z } from 'zod';
import { configJsonSchema, type NodeDefinition, type NodeRegistry } from '../nodes/define-node.ts';
import { workflowSchema } from './schema.ts';

/**
 * A name, not a location: every self-hosted server serves the same document at
 * /schema/workflow.v1.json, and all references inside it are local ("#/$defs/…"), so no
 * validator ever fetches this URL. An absolute $id is what JSON Schema asks of a root schema.
 */
export const WORKFLOW_SCHEMA_ID = 'https://switchyard.dev/schema/workflow.v1.json';

type Json = Record<string, unknown>;

const defName = (type: string) => `node.${type}`;

/** True when `{}` is not a valid config, i.e. a step of this type must have `with`. */
const needsConfig = (def: NodeDefinition) => !def.config.safeParse({}).success;

/**
 * A node's config schema, ready to live under $defs of the workflow schema: its own $defs
 * (zod emits them for recursive or id'd schemas) are hoisted beside it under a prefix, and its
 * references rewritten to match.
 */
function hoistConfigSchema(def: NodeDefinition, defs: Json): Json {
  const { $defs: own, ...schema } = configJsonSchema(def) as Json & { $defs?: Json };
  const prefix = `${defName(def.type)}.`;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => {
      if (k !== '$ref' || typeof v !== 'string') return [k, rewrite(v)];
      if (v === '#') return [k, `#/$defs/${defName(def.type)}`];
      return [k, v.startsWith('#/$defs/') ? `#/$defs/${prefix}${v.slice('#/$defs/'.length)}` : v];
    }));
  };
  for (const [name, sub] of Object.entries(own ?? {})) defs[prefix + name] = allowTemplates(rewrite(sub) as Json, true);
  return allowTemplates(rewrite(schema) as Json, false);
}

const TEMPLATE_DEFS: Json = {
  Template: {
    type: 'string',
    pattern: '^\\$\\{\\{[\\s\\S]*\\}\\}$',
    description: 'A ${{ }} template standing for the whole value, resolved when the step runs.',
  },
  TemplatedText: {
    type: 'string',
    pattern: '\\$\\{\\{',
    description: 'Text with a ${{ }} template; its content is checked when the step runs.',
  },
};

const CONTENT_KEYWORDS = ['pattern', 'format', 'enum', 'const'];
const ANNOTATIONS = ['title', 'description', 'default', 'examples', 'deprecated'];

/** Which template alternative a value schema needs, if any. */
function templateAlternative(schema: Json): string | undefined {
  const constrained = Object.keys(schema).some((k) => !ANNOTATIONS.includes(k));
  if (!constrained) return undefined; // {}: anything goes already
  if (schema.type === 'string') return CONTENT_KEYWORDS.some((k) => k in schema) ? 'TemplatedText' : undefined;
  return 'Template';
}

/**
 * `schema` with a template alternative on every value it describes (`atValue`: schema itself
 * describes a value). `if` is left alone, so a template never switches a rule on.
 */
function allowTemplates(schema: Json, atValue: boolean): Json {
  const out: Json = {};
  const value = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? allowTemplates(v as Json, true) : v);
  const same = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? allowTemplates(v as Json, false) : v);
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' || k === 'patternProperties') out[k] = Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, value(s)]));
    else if (k === 'items' || k === 'additionalProperties') out[k] = value(v);
    else if (k === 'prefixItems') out[k] = (v as unknown[]).map(value);
    else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') out[k] = (v as unknown[]).map(same);
    else if (k === 'then' || k === 'else') out[k] = same(v);
    else out[k] = v;
  }
  const alternative = atValue ? templateAlternative(out) : undefined;
  if (!alternative) return out;
  // Annotations stay on the outside, where editors look for them.
  const outer: Json = {};
  const inner: Json = {};
  for (const [k, v] of Object.entries(out)) (ANNOTATIONS.includes(k) ? outer : inner)[k] = v;
  return { ...outer, anyOf: [inner, { $ref: `#/$defs/${alternative}` }] };
}

/** The if/then that applies one node type's rules to a step of that type. */
function stepRule(def: NodeDefinition): Json {
  const shape: Json = {
    properties: {
      // A config from a newer node version than this server knows cannot be read.
      version: { maximum: def.version },
      // Body steps: at least one on a container, none anywhere else.
      steps: def.container ? { minItems: 1 } : false,
    },
    ...(def.container ? { required: ['steps'] } : {}),
  };
  const config: Json = { properties: { with: { $ref: `#/$defs/${defName(def.type)}` } }, ...(needsConfig(def) ? { required: ['with'] } : {}) };
  // Only a config written for the current version is checked: an older one is migrated on
  // load and may have another shape. An omitted version means 1.
  const current = def.version === 1 ? config : { if: { properties: { version: { const: def.version } }, required: ['version'] }, then: config };
  return { if: { properties: { type: { const: def.type } }, required: ['type'] }, then: { allOf: [shape, current] } };
}

export function workflowJsonSchema(registry: NodeRegistry): Json {
  const generated = z.toJSONSchema(workflowSchema, { target: 'draft-2020-12', io: 'input' }) as Json & { $defs: Record<string, Json> };
  const { Workflow: workflow, Step: step, ...otherDefs } = generated.$defs;
  if (!workflow || !step) throw new Error('workflowSchema must carry the ids "Workflow" and "Step"');

  // Sorted by type so that the output does not depend on the registry's order.
  const defs = [...registry.list()].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const nodeDefs: Json = {};
  // Title and description give editors something to show when hovering over `with`.
  for (const def of defs) nodeDefs[defName(def.type)] = { title: def.title, description: def.description, ...hoistConfigSchema(def, nodeDefs) };

  const stepProperties = step.properties as Record<string, Json>;
  const stepWithRules: Json = {
    ...step,
    properties: {
      ...stepProperties,
      // An enum as well as the pattern: editors offer the known types as completions.
      type: defs.length ? { ...stepProperties.type, enum: defs.map((d) => d.type) } : stepProperties.type,
    },
    allOf: defs.map(stepRule),
  };

  return {
    $schema: generated.$schema,
    $id: WORKFLOW_SCHEMA_ID,
    title: workflow.title,
    description: `${String(workflow.description)} Generated from the zod format and the node types; do not edit.`,
    $ref: '#/$defs/Workflow',
    $defs: { Workflow: workflow, Step: stepWithRules, ...otherDefs, ...TEMPLATE_DEFS, ...nodeDefs },
  };
}

/** The file's text: pretty, with a trailing newline. */
export function workflowJsonSchemaText(registry: NodeRegistry): string {
  return `${JSON.stringify(workflowJsonSchema(registry), null, 2)}\n`;
}
