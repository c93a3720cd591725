/**
 * The part of JSON Schema (draft-07) the mock VTN's file formats use: `type`, `properties`,
 * `required`, `additionalProperties: false`, `items`, `minItems`, `enum`, `pattern`, `minLength`,
 * `minimum`, `anyOf` and local `$ref`s. A keyword outside that set is an error in the schema, so
 * a schema can never say more than is checked.
 */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: false;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly anyOf?: readonly JsonSchema[];
}

/** One problem: where (`$.events[0].intervals[1].duration`), what was expected, what was found. */
export interface JsonIssue {
  readonly path: string;
  readonly expected: string;
  readonly found: string;
}

const KEYWORDS = new Set(['$schema', '$id', '$ref', 'title', 'type', 'description', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'enum', 'pattern', 'minLength', 'minimum', 'anyOf', 'definitions']);

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value).slice(0, 60));

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

/**
 * Checks `value` against `schema` (resolving `$ref: '#/definitions/x'` in `root`) and returns
 * every problem, each with its JSON path; an empty list means valid.
 */
export function checkJson(value: unknown, schema: JsonSchema, root: JsonSchema & { readonly definitions?: Record<string, JsonSchema> } = schema, path = '$'): JsonIssue[] {
  for (const key of Object.keys(schema)) if (!KEYWORDS.has(key)) throw new RangeError(`json-schema-check: keyword ${key} is not supported (at ${path})`);
  if (schema.$ref !== undefined) {
    const name = /^#\/definitions\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name === undefined ? undefined : root.definitions?.[name];
    if (!target) throw new RangeError(`json-schema-check: cannot resolve ${schema.$ref}`);
    // A description next to a $ref says what the field is for; what is expected comes from the target.
    return checkJson(value, target, root, path);
  }
  const expected = (what: string): JsonIssue[] => [{ path, expected: what, found: show(value) }];
  if (schema.anyOf) {
    const results = schema.anyOf.map((option) => checkJson(value, option, root, path));
    return results.some((r) => r.length === 0) ? [] : expected(schema.description ?? 'one of the allowed forms');
  }
  const kind = kindOf(value);
  if (schema.type !== undefined && !(schema.type === kind || (schema.type === 'number' && kind === 'integer'))) {
    return expected(schema.type === 'string' && schema.pattern && schema.description ? schema.description : `${schema.type === 'integer' ? 'an integer' : schema.type === 'array' || schema.type === 'object' ? `an ${schema.type}` : `a ${schema.type}`}`);
  }
  if (schema.enum && !schema.enum.includes(value)) return expected(`one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return expected(schema.minLength === 1 ? 'a non-empty string' : `at least ${schema.minLength} characters`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) return expected(schema.description ?? `a string matching ${schema.pattern}`);
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) return expected(`a number ≥ ${schema.minimum}`);
  const issues: JsonIssue[] = [];
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) issues.push(...expected(`at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`));
    if (schema.items) value.forEach((item, i) => issues.push(...checkJson(item, schema.items!, root, `${path}[${i}]`)));
  }
  if (kind === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (!(name in object)) issues.push({ path: `${path}.${name}`, expected: 'a value (required)', found: 'nothing' });
    for (const [name, field] of Object.entries(object)) {
      const property = schema.properties?.[name];
      if (property) issues.push(...checkJson(field, property, root, `${path}.${name}`));
      else if (schema.additionalProperties === false) {
        issues.push({ path: `${path}.${name}`, expected: `a known field (${Object.keys(schema.properties ?? {}).join(', ')})`, found: 'an unknown field' });
      }
    }
  }
  return issues;
}
