// Diagnostic codes produced while reading a workflow file. Stable: docs/format.md lists them
// and tools match on them. Schema problems are SCHEMA_<zod issue code>, e.g.
// SCHEMA_INVALID_TYPE, SCHEMA_UNRECOGNIZED_KEYS, SCHEMA_INVALID_FORMAT, SCHEMA_TOO_SMALL.
export const YAML_CODES = {
  YAML_TOO_LARGE: 'The file is over the size limit (1 MB by default).',
  YAML_TOO_DEEP: 'Collections are nested deeper than the limit (64 by default).',
  YAML_ALIAS_LIMIT: 'Aliases (*name) expand to more nodes than allowed: an alias bomb, or aliases overused.',
  YAML_SYNTAX: 'The text is not valid YAML (unclosed quote, bad indentation, tab indentation, …).',
  YAML_DUPLICATE_KEY: 'A key appears twice in the same mapping; the position is the second one.',
  YAML_TAG: 'An explicit tag (!!str, !!binary, !custom, …): workflow files use plain YAML only.',
  YAML_FORBIDDEN_KEY: 'A key named __proto__, constructor or prototype, reserved to keep JavaScript objects safe.',
  YAML_MERGE_KEY: 'A `<<` merge key: YAML 1.2 has none, so it would be read as a key named "<<".',
  YAML_MULTIPLE_DOCUMENTS: 'More than one YAML document (---) in the file; a file holds one workflow.',
  YAML_EMPTY: 'The file has no content.',
  YAML_WARNING: 'Something the YAML parser accepted but flags as suspicious.',
} as const;

export type YamlCode = keyof typeof YAML_CODES;
