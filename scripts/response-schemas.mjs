// The part of an OpenAPI document the conformance tests need: for every operation and status,
// the JSON schema of the response body, and the component schemas those reach, without the
// spec's prose (descriptions, titles, examples, vendor extensions). Cohere's spec is not ours
// to commit; this derived, prose-free schema is.

/** Keywords that hold prose or tooling hints, never a constraint. */
const PROSE = new Set(["description", "title", "summary", "example", "examples", "externalDocs", "$comment"]);
/** Keywords whose value is a map of name -> schema (the names are data, not keywords). */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
/** Keywords whose value is a schema or a list of schemas. */
const SUBSCHEMAS = new Set([
  "items",
  "additionalProperties",
  "not",
  "allOf",
  "anyOf",
  "oneOf",
  "prefixItems",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "unevaluatedProperties",
  "unevaluatedItems",
]);

/** A schema with the prose keywords removed at every level; property names are kept. */
export function withoutProse(schema) {
  if (Array.isArray(schema)) return schema.map(withoutProse);
  if (schema === null || typeof schema !== "object") return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (PROSE.has(key) || key.startsWith("x-")) continue;
    if (SCHEMA_MAPS.has(key))
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutProse(v)]));
    else if (SUBSCHEMAS.has(key)) out[key] = withoutProse(value);
    else out[key] = value;
  }
  return out;
}

/**
 * Keywords of an OpenAPI document whose value is a map of name -> object (the names are data:
 * a property may be called `description`).
 */
const NAME_MAPS = new Set([
  ...SCHEMA_MAPS,
  "paths",
  "webhooks",
  "schemas",
  "responses",
  "parameters",
  "requestBodies",
  "headers",
  "content",
  "encoding",
  "securitySchemes",
  "links",
  "callbacks",
  "pathItems",
  "variables",
]);

/**
 * A whole OpenAPI document with its prose removed at every level (operations, parameters,
 * responses, schemas): what openapi-typescript reads to generate the committed types, so that
 * the types carry the spec's constraints and none of its wording.
 */
export function specWithoutProse(node, isNameMap = false) {
  if (Array.isArray(node)) return node.map((item) => specWithoutProse(item));
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (isNameMap) out[key] = specWithoutProse(value);
    else if (!PROSE.has(key) && !key.startsWith("x-")) out[key] = specWithoutProse(value, NAME_MAPS.has(key));
  }
  return out;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

/** Follows a local "#/a/b" reference inside `doc`. */
function resolvePointer(doc, ref) {
  return ref
    .slice(2)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((node, part) => node?.[part], doc);
}

/** The names of the component schemas `schema` refers to, directly or through others. */
function reachedSchemas(doc, roots) {
  const seen = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    const match = typeof node.$ref === "string" && /^#\/components\/schemas\/(.+)$/.exec(node.$ref);
    if (match && !seen.has(match[1])) {
      seen.add(match[1]);
      visit(doc.components.schemas[match[1]]);
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(roots);
  return [...seen].sort();
}

/**
 * `{ paths: { [path]: { [method]: { [status]: schema } } }, components: { schemas } }`: every
 * JSON response body's schema (shared `#/components/responses/...` inlined), and the component
 * schemas reached from them, keeping the spec's own `#/components/schemas/...` references.
 */
export function responseSchemas(doc, comment) {
  const paths = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const responses = item[method]?.responses;
      if (responses === undefined) continue;
      for (const [status, declared] of Object.entries(responses)) {
        const response = declared.$ref ? resolvePointer(doc, declared.$ref) : declared;
        const schema = response?.content?.["application/json"]?.schema;
        if (schema === undefined) continue;
        paths[path] ??= {};
        paths[path][method] ??= {};
        paths[path][method][status] = withoutProse(schema);
      }
    }
  }
  const schemas = Object.fromEntries(
    reachedSchemas(doc, paths).map((name) => [name, withoutProse(doc.components.schemas[name])]),
  );
  return { $comment: comment, paths, components: { schemas } };
}
