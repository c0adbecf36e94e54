/**
 * A reference description of the API rules in docs/api.md, written apart from
 * `src/` so that the property tests do not check the service against its own
 * code: the shape of a template body, how defaults and `null` turn a body into
 * the stored template, how an update merges, field paths, template IDs and
 * who may read or write what.
 */

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A path into a JSON document: property names and array indexes. */
export type Path = readonly (string | number)[];

export const MAX_INT32 = 2_147_483_647;
export const DEFAULT_TTL_SECONDS_AFTER_FINISHED = 3600;
export const DEFAULT_BACKOFF_LIMIT = 3;

/**
 * The rule of a string field, as far as inserted characters go. `strict`
 * fields (patterns, enums, quantities, label values) reject every character
 * outside ASCII. `checked` fields (the template name and the image) have rules
 * beyond NUL and surrogates. `free` fields reject only NUL and unpaired
 * surrogates.
 */
export type TextRule = 'strict' | 'checked' | 'free';

/** The shape of one field of a template body. */
export type FieldNode =
  | { readonly kind: 'string'; readonly text: TextRule }
  | { readonly kind: 'integer' }
  | { readonly kind: 'array'; readonly items: FieldNode; readonly maxItems: number }
  | { readonly kind: 'object'; readonly properties: Readonly<Record<string, PropertyNode>> }
  | { readonly kind: 'map'; readonly values: FieldNode; readonly maxEntries: number };

export interface PropertyNode {
  readonly node: FieldNode;
  readonly required: boolean;
}

const STRICT: FieldNode = { kind: 'string', text: 'strict' };
const CHECKED: FieldNode = { kind: 'string', text: 'checked' };
const FREE: FieldNode = { kind: 'string', text: 'free' };
const INTEGER: FieldNode = { kind: 'integer' };

const required = (node: FieldNode): PropertyNode => ({ node, required: true });
const optional = (node: FieldNode): PropertyNode => ({ node, required: false });

const RESOURCE_LIST: FieldNode = {
  kind: 'object',
  properties: { cpu: optional(STRICT), memory: optional(STRICT), 'nvidia.com/gpu': optional(STRICT) },
};

const ENV_VAR: FieldNode = { kind: 'object', properties: { name: required(STRICT), value: optional(FREE) } };

/** Maximum number of items of `command`, `args` and `env_vars`. */
export const MAX_LIST_ITEMS = 256;
export const MAX_CONTAINERS = 32;
export const MAX_LABELS = 64;

export const CONTAINER_NODE: FieldNode = {
  kind: 'object',
  properties: {
    name: required(STRICT),
    image: required(CHECKED),
    command: optional({ kind: 'array', items: FREE, maxItems: MAX_LIST_ITEMS }),
    args: optional({ kind: 'array', items: FREE, maxItems: MAX_LIST_ITEMS }),
    env_vars: optional({ kind: 'array', items: ENV_VAR, maxItems: MAX_LIST_ITEMS }),
    working_dir: optional(FREE),
    image_pull_policy: optional(STRICT),
    resources: optional({ kind: 'object', properties: { requests: optional(RESOURCE_LIST), limits: optional(RESOURCE_LIST) } }),
  },
};

/** The body of a create request. An update takes the same fields, all optional. */
export const BODY_NODE: FieldNode = {
  kind: 'object',
  properties: {
    name: required(CHECKED),
    description: optional(FREE),
    scope: optional(STRICT),
    project_id: optional(STRICT),
    containers: required({ kind: 'array', items: CONTAINER_NODE, maxItems: MAX_CONTAINERS }),
    ttl_seconds_after_finished: optional(INTEGER),
    backoff_limit: optional(INTEGER),
    labels: optional({ kind: 'map', values: STRICT, maxEntries: MAX_LABELS }),
  },
};

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Formats a path as the API's `field` values do: `containers[1].env_vars[0].name`,
 * with keys that are not JavaScript identifiers as JSON strings in brackets.
 */
export function formatPath(path: Path): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) {
      text += text === '' ? segment : `.${segment}`;
    } else {
      text += `[${JSON.stringify(segment)}]`;
    }
  }
  return text;
}

/** Tells whether one path is a prefix of the other (equal paths included). */
export function pathsOverlap(a: Path, b: Path): boolean {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    if (a[index] !== b[index]) {
      return false;
    }
  }
  return true;
}

/**
 * Tells whether a path lies past the size limit of an array or map on its way,
 * such as `containers[32].name`. The service reports an over-long array or map
 * once and does not check the items past its limit.
 */
export function isPastLimit(body: Json, path: Path): boolean {
  let node: FieldNode | undefined = BODY_NODE;
  let value: Json | undefined = body;
  for (const segment of path) {
    if (node === undefined || value === undefined) {
      return false;
    }
    if (node.kind === 'array' && Array.isArray(value) && typeof segment === 'number') {
      if (segment >= node.maxItems) {
        return true;
      }
      node = node.items;
      value = value[segment];
    } else if (node.kind === 'map' && isPlainObject(value) && typeof segment === 'string') {
      if (Object.keys(value).indexOf(segment) >= node.maxEntries) {
        return true;
      }
      node = node.values;
      value = value[segment];
    } else if (node.kind === 'object' && isPlainObject(value) && typeof segment === 'string') {
      node = node.properties[segment]?.node;
      value = value[segment];
    } else {
      return false;
    }
  }
  return false;
}

/** Copies a JSON value, keeping own `__proto__` keys as ordinary properties. */
export function cloneJson<T extends Json>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((item) => cloneJson(item)) as T;
  }
  if (isPlainObject(value)) {
    const copy: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(copy, key, { value: cloneJson(item), enumerable: true, writable: true, configurable: true });
    }
    return copy as T;
  }
  return value;
}

/** Removes properties whose value is null where the node declares them, at any depth, because null means "not given". */
function dropDeclaredNulls(value: Json, node: FieldNode): Json {
  if (node.kind === 'array' && Array.isArray(value)) {
    return value.map((item) => dropDeclaredNulls(item, node.items));
  }
  if (node.kind === 'object' && isPlainObject(value)) {
    const result: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      const property = node.properties[key];
      if (property !== undefined && item === null) {
        continue;
      }
      result[key] = property === undefined ? item : dropDeclaredNulls(item, property.node);
    }
    return result;
  }
  return value;
}

/** The client-chosen fields of a stored template. */
export interface TemplateContent {
  readonly name: string;
  readonly description: string | null;
  readonly scope: 'global' | 'project';
  readonly project_id: string | null;
  readonly containers: Json[];
  readonly ttl_seconds_after_finished: number;
  readonly backoff_limit: number;
  readonly labels: Record<string, string>;
}

export const CONTENT_FIELDS = [
  'name',
  'description',
  'scope',
  'project_id',
  'containers',
  'ttl_seconds_after_finished',
  'backoff_limit',
  'labels',
] as const;

/** Returns the stored form of an accepted `containers` value: nulls dropped and `value` of a variable defaulting to "". */
function normalizeContainers(containers: Json): Json[] {
  const cleaned = dropDeclaredNulls(containers, { kind: 'array', items: CONTAINER_NODE, maxItems: MAX_CONTAINERS });
  if (!Array.isArray(cleaned)) {
    throw new Error(`containers is not an array: ${JSON.stringify(containers)}`);
  }
  return cleaned.map((container) => {
    if (!isPlainObject(container) || !Array.isArray(container.env_vars)) {
      return container;
    }
    const envVars = container.env_vars.map((envVar) =>
      isPlainObject(envVar) ? { name: envVar.name ?? null, value: envVar.value ?? '' } : envVar,
    );
    return { ...container, env_vars: envVars };
  });
}

/** Returns the template content that the service stores for a create body it accepted. */
export function contentOfCreateBody(body: Json): TemplateContent {
  if (!isPlainObject(body)) {
    throw new Error('A create body that the service accepts is a JSON object.');
  }
  const cleaned = dropDeclaredNulls(body, BODY_NODE) as JsonObject;
  return {
    name: String(cleaned.name).normalize('NFC'),
    description: (cleaned.description as string | undefined) ?? null,
    scope: (cleaned.scope as 'global' | 'project' | undefined) ?? 'project',
    project_id: (cleaned.project_id as string | undefined) ?? null,
    containers: normalizeContainers(cleaned.containers ?? null),
    ttl_seconds_after_finished: (cleaned.ttl_seconds_after_finished as number | undefined) ?? DEFAULT_TTL_SECONDS_AFTER_FINISHED,
    backoff_limit: (cleaned.backoff_limit as number | undefined) ?? DEFAULT_BACKOFF_LIMIT,
    labels: (cleaned.labels as Record<string, string> | undefined) ?? {},
  };
}

/** Returns the content after a partial update that the service accepted: absent fields keep their value, null resets. */
export function contentAfterUpdate(stored: TemplateContent, body: Json): TemplateContent {
  if (!isPlainObject(body)) {
    throw new Error('An update body that the service accepts is a JSON object.');
  }
  const next = { ...stored } as { -readonly [K in keyof TemplateContent]: TemplateContent[K] };
  for (const [key, value] of Object.entries(body)) {
    switch (key) {
      case 'name':
        next.name = String(value).normalize('NFC');
        break;
      case 'description':
        next.description = value as string | null;
        break;
      case 'scope':
        next.scope = value as 'global' | 'project';
        break;
      case 'project_id':
        next.project_id = value as string | null;
        break;
      case 'containers':
        next.containers = normalizeContainers(value);
        break;
      case 'ttl_seconds_after_finished':
        next.ttl_seconds_after_finished = (value as number | null) ?? DEFAULT_TTL_SECONDS_AFTER_FINISHED;
        break;
      case 'backoff_limit':
        next.backoff_limit = (value as number | null) ?? DEFAULT_BACKOFF_LIMIT;
        break;
      case 'labels':
        next.labels = (value as Record<string, string> | null) ?? {};
        break;
      default:
        throw new Error(`The service accepted an update with the unknown field ${JSON.stringify(key)}.`);
    }
  }
  return next;
}

/** Picks the content fields out of a template in a response. */
export function contentOf(template: Record<string, unknown>): TemplateContent {
  const content: Record<string, unknown> = {};
  for (const field of CONTENT_FIELDS) {
    content[field] = template[field];
  }
  return content as unknown as TemplateContent;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  if (isPlainObject(a) || isPlainObject(b)) {
    if (!isPlainObject(a) || !isPlainObject(b)) {
      return false;
    }
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return Object.is(a, b);
}

/** Tells whether two contents are equal; labels compare as a map, so their order does not matter. */
export function sameContent(a: TemplateContent, b: TemplateContent): boolean {
  return CONTENT_FIELDS.every((field) => deepEqual(a[field], b[field]));
}

/** Derives the slug part of a template ID from a name, as docs/api.md section 5 states it. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 40).replace(/-+$/, '');
}

/** Tells whether an ID has the form the service gives a template with this name. */
export function idFitsName(id: string, name: string): boolean {
  const slug = slugOf(name);
  return slug === '' ? /^wf-tmpl-[0-9a-f]{8}$/.test(id) : id.startsWith(`wf-tmpl-${slug}-`) && /^[0-9a-f]{6}$/.test(id.slice(`wf-tmpl-${slug}-`.length));
}

/** A caller as the permission rules see it. */
export interface Caller {
  readonly sub: string;
  readonly admin: boolean;
  readonly projects: readonly string[];
}

/** The part of a template that decides who may access it. */
export interface Owner {
  readonly scope: 'global' | 'project';
  readonly project_id: string | null;
}

export function mayRead(caller: Caller, owner: Owner): boolean {
  return caller.admin || owner.scope === 'global' || (owner.project_id !== null && caller.projects.includes(owner.project_id));
}

export function mayWrite(caller: Caller, owner: Owner): boolean {
  return caller.admin || (owner.scope === 'project' && owner.project_id !== null && caller.projects.includes(owner.project_id));
}

/** Compares two strings by Unicode code point, the order of `sort=name`. */
export function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a, (character) => character.codePointAt(0) ?? 0);
  const right = Array.from(b, (character) => character.codePointAt(0) ?? 0);
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) {
      return difference;
    }
  }
  return left.length - right.length;
}
