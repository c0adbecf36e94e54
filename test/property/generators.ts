/**
 * fast-check arbitraries for job template bodies: valid create and update
 * bodies that follow docs/api.md, and mutated bodies that break one rule or
 * more. A mutated body carries an expectation: which fields the `422` must
 * name, or that the body stays valid, or that the outcome is not known in
 * advance.
 */
import fc from 'fast-check';
import {
  BODY_NODE,
  cloneJson,
  formatPath,
  isPastLimit,
  isPlainObject,
  MAX_INT32,
  pathsOverlap,
  type FieldNode,
  type Json,
  type JsonObject,
  type Path,
  type TextRule,
} from './api-rules.js';

/** Projects that generated project templates belong to. */
export const PROJECTS = ['proj-a', 'proj-b', 'proj-c'] as const;

/** Whether a body is for `POST` (all rules of a create) or `PUT` (a partial update). */
export type BodyMode = 'create' | 'update';

/** The response that a generated body must get. */
export type Expectation =
  /** The body is valid: `201` or `200`, or `409` when the name is taken. */
  | { readonly kind: 'valid' }
  /** The body is invalid: `422`, and `errors[].field` contains each of these fields. */
  | { readonly kind: 'invalid'; readonly fields: readonly string[] }
  /** The request gets exactly this status. */
  | { readonly kind: 'status'; readonly status: number }
  /** The outcome depends on more than the generator tracks; only the general invariants apply. */
  | { readonly kind: 'unknown' };

/** A generated body, the mutations applied to it, and the response it must get. */
export interface GeneratedBody {
  readonly body: Json;
  readonly mutations: readonly string[];
  readonly expectation: Expectation;
}

// ---------------------------------------------------------------------------
// Text

const WHITE_SPACE_AT_ENDS = /^\p{White_Space}+|\p{White_Space}+$/gu;

/**
 * Makes a generated name valid: NFC, no control characters, no white space at
 * either end, 1 to 128 code points. Repeats until stable, because cutting or
 * trimming can expose another character to a rule.
 */
export function finishName(text: string): string {
  let name = text;
  for (;;) {
    const cleaned = name.normalize('NFC').replace(/\p{Cc}/gu, '').replace(WHITE_SPACE_AT_ENDS, '');
    const next = Array.from(cleaned).slice(0, 128).join('');
    if (next === name) {
      break;
    }
    name = next;
  }
  return name === '' ? 'n' : name;
}

const codePoint = (min: number, max: number) => fc.integer({ min, max }).map((value) => String.fromCodePoint(value));

const chinese = codePoint(0x4e00, 0x9fff);
const emoji = fc.oneof(
  codePoint(0x1f300, 0x1f64f),
  fc.constantFrom('👨‍👩‍👧', '🇨🇳', '👍🏽', '🏳️‍🌈', '😀'),
);
const combiningMark = codePoint(0x0300, 0x036f);
const withCombiningMark = fc
  .tuple(fc.constantFrom('a', 'e', 'o', 'n', 'z', 'A', 'α', 'и'), combiningMark)
  .map(([base, mark]) => base + mark);
/** Format characters, bidirectional controls and full-width forms; all are valid in free text and in names. */
const oddButValid = fc.oneof(
  fc.constantFrom('\u200d', '\u200b', '\u202e', '\u200f', '\u2066', '\ufeff', '\u00ad'),
  codePoint(0xff10, 0xff19),
  codePoint(0xff21, 0xff5a),
);
const asciiVisible = codePoint(0x21, 0x7e);
const innerSpace = fc.constantFrom(' ', '\u3000', '\u00a0', '\u2003');

const nameUnit = fc.oneof(
  { arbitrary: asciiVisible, weight: 6 },
  { arbitrary: chinese, weight: 3 },
  { arbitrary: emoji, weight: 2 },
  { arbitrary: withCombiningMark, weight: 2 },
  { arbitrary: combiningMark, weight: 1 },
  { arbitrary: oddButValid, weight: 1 },
  { arbitrary: innerSpace, weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 2 },
);

/** A valid template name: 1 to 128 code points after NFC, with Chinese, emoji, combining marks and more. */
export const templateName = (): fc.Arbitrary<string> =>
  fc
    .oneof(
      { arbitrary: fc.array(nameUnit, { minLength: 1, maxLength: 24 }), weight: 8 },
      { arbitrary: fc.array(nameUnit, { minLength: 100, maxLength: 140 }), weight: 1 },
    )
    .map((units) => finishName(units.join('')));

/** Text for fields without a rule beyond "no NUL, no unpaired surrogate": any code point, control characters included. */
export const freeText = (maxLength = 40): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.string({ unit: 'grapheme', maxLength }),
      fc.string({ unit: 'binary', maxLength }),
      fc.string({ unit: 'grapheme-ascii', maxLength }),
    )
    .map((text) => text.replaceAll('\u0000', ''));

/** An image reference: 1 to 1024 characters without Unicode white space. */
export const imageReference = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constantFrom('busybox:1.36', 'python:3.12-slim', 'registry.example.com/team/app@sha256:0123abcd', 'alpine'), weight: 3 },
    { arbitrary: fc.stringMatching(/^[a-z0-9]{1,12}(\/[a-z0-9._-]{1,12}){0,2}:[a-z0-9._-]{1,10}$/), weight: 3 },
    {
      arbitrary: fc
        .string({
          unit: fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), oddButValid),
          minLength: 1,
          maxLength: 20,
        })
        .map((text) => text.replace(/[\p{White_Space}\u0000]/gu, ''))
        .filter((text) => text.length > 0),
      weight: 2,
    },
  );

/** A Kubernetes DNS-1123 label, as container names need. */
export const dns1123Label = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constantFrom('main', 'sidecar', 'log-shipper', 'init', 'a', '0', 'worker-1'), weight: 2 },
    { arbitrary: fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/), weight: 3 },
  );

/** An environment variable name: letters, digits, `-`, `.`, `_`, not starting with a digit, and not `.`, `..` or `..`-prefixed. */
export const envVarName = (): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.constantFrom('PATH', 'BATCH_SIZE', 'my.env-name', '_', '-', '.a', 'a..b'),
      fc.stringMatching(/^[-._a-zA-Z][-._a-zA-Z0-9]{0,30}$/),
    )
    .filter((name) => name !== '.' && !name.startsWith('..'));

// ---------------------------------------------------------------------------
// Quantities

const DECIMAL_SUFFIXES: readonly [string, number][] = [
  ['n', -9], ['u', -6], ['m', -3], ['', 0], ['k', 3], ['M', 6], ['G', 9], ['T', 12], ['P', 15], ['E', 18],
];
const BINARY_SUFFIXES: readonly [string, number][] = [['Ki', 10], ['Mi', 20], ['Gi', 30], ['Ti', 40], ['Pi', 50], ['Ei', 60]];
const NANOS_PER_UNIT = 1_000_000_000n;

/** Writes `value / 10^scale` as an exact decimal number without trailing fractional zeros. */
function decimalText(value: bigint, scale: number): string {
  if (scale <= 0) {
    return (value * 10n ** BigInt(-scale)).toString();
  }
  const digits = value.toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, -scale);
  const fraction = digits.slice(-scale).replace(/0+$/, '');
  return fraction === '' ? integer : `${integer}.${fraction}`;
}

/**
 * Returns spellings of a quantity given in nano units (10^-9), each exactly
 * that value in the Kubernetes grammar: every decimal suffix, an exponent
 * form, binary suffixes where the value is a whole multiple, and the `+`,
 * `.5` and `5.` forms. All have at most 64 characters.
 */
export function quantitySpellings(nanos: bigint): string[] {
  const spellings: string[] = [];
  for (const [suffix, pow10] of DECIMAL_SUFFIXES) {
    spellings.push(decimalText(nanos, 9 + pow10) + suffix);
  }

  let mantissa = nanos;
  let exponent = -9;
  while (mantissa > 0n && mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent += 1;
  }
  spellings.push(`${mantissa}e${exponent}`, `${mantissa}E${exponent}`);

  if (nanos % NANOS_PER_UNIT === 0n) {
    const units = nanos / NANOS_PER_UNIT;
    for (const [suffix, pow2] of BINARY_SUFFIXES) {
      if (units % 2n ** BigInt(pow2) === 0n) {
        spellings.push(`${units / 2n ** BigInt(pow2)}${suffix}`);
      }
    }
  }

  const plain = decimalText(nanos, 9);
  spellings.push(`+${plain}`);
  if (plain.startsWith('0.')) {
    spellings.push(plain.slice(1));
  }
  if (!plain.includes('.')) {
    spellings.push(`${plain}.`);
  }
  if (nanos === 0n) {
    spellings.push('-0', '-0.0m');
  }
  return spellings.filter((spelling) => spelling.length <= 64);
}

const quantityText = (nanos: bigint, pick: number): string => {
  const spellings = quantitySpellings(nanos);
  return spellings[pick % spellings.length] ?? nanos.toString();
};

type ResourceName = 'cpu' | 'memory' | 'nvidia.com/gpu';
export const RESOURCE_NAMES: readonly ResourceName[] = ['cpu', 'memory', 'nvidia.com/gpu'];

/** Generates a non-negative amount of a resource in nano units. GPU amounts are whole. */
const resourceAmount = (resource: ResourceName): fc.Arbitrary<bigint> => {
  switch (resource) {
    case 'cpu':
      return fc.oneof(
        fc.integer({ min: 0, max: 64_000 }).map((millis) => BigInt(millis) * 1_000_000n),
        fc.bigInt({ min: 0n, max: 10n ** 21n }),
      );
    case 'memory':
      return fc.oneof(
        fc.integer({ min: 0, max: 1024 }).map((mebibytes) => BigInt(mebibytes) * 2n ** 20n * NANOS_PER_UNIT),
        fc.bigInt({ min: 0n, max: 2n ** 50n }).map((bytes) => bytes * NANOS_PER_UNIT),
      );
    case 'nvidia.com/gpu':
      return fc.integer({ min: 0, max: 16 }).map((gpus) => BigInt(gpus) * NANOS_PER_UNIT);
  }
};

/** A resource in one container: whether it has a request, a limit or both, two amounts, and how to spell them. */
const resourceChoice = (resource: ResourceName) =>
  fc.record({
    mode: fc.constantFrom('none', 'request', 'limit', 'both'),
    low: resourceAmount(resource),
    high: resourceAmount(resource),
    spellRequest: fc.nat(),
    spellLimit: fc.nat(),
  });

/** Requests and limits where each request is at most its limit, in varied spellings. */
export const resources = (): fc.Arbitrary<JsonObject> =>
  fc
    .record({
      cpu: resourceChoice('cpu'),
      memory: resourceChoice('memory'),
      gpu: resourceChoice('nvidia.com/gpu'),
      lists: fc.constantFrom('both', 'requests', 'limits', 'empty'),
    })
    .map(({ cpu, memory, gpu, lists }) => {
      const requests: JsonObject = {};
      const limits: JsonObject = {};
      const choices: [ResourceName, typeof cpu][] = [['cpu', cpu], ['memory', memory], ['nvidia.com/gpu', gpu]];
      for (const [resource, choice] of choices) {
        const [request, limit] = choice.low <= choice.high ? [choice.low, choice.high] : [choice.high, choice.low];
        if (choice.mode === 'request' || choice.mode === 'both') {
          requests[resource] = quantityText(request, choice.spellRequest);
        }
        if (choice.mode === 'limit' || choice.mode === 'both') {
          limits[resource] = quantityText(limit, choice.spellLimit);
        }
      }
      const result: JsonObject = {};
      if (lists === 'both' || lists === 'requests') {
        result.requests = requests;
      }
      if (lists === 'both' || lists === 'limits') {
        result.limits = limits;
      }
      return result;
    });

/** Quantities outside the grammar, negative or out of range, for any resource. */
const INVALID_QUANTITIES = ['abc', '1.5.5', '-1', '-0.5m', '1Ki5', '1e1001', '1e-1001', '1 Gi', '', ' 1', '1ki', '1KI', 'Gi', '.', '-', '+', '1e', '1e3.5', '0x10', '１', '1'.repeat(65), '1\u0000', 'NaN', 'Infinity'];
/** Quantities that are valid but not whole, for `nvidia.com/gpu`. */
const FRACTIONAL_QUANTITIES = ['0.5', '1500m', '1e-1', '1n', '.1'];

// ---------------------------------------------------------------------------
// Labels

const labelName = () => fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);
const dnsSubdomain = () =>
  fc
    .array(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.join('.'));

/** A label key: an optional DNS subdomain prefix and `/`, then a name. */
export const labelKey = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('team', 'tier', 'app.kubernetes.io/name', 'example.com/tier'),
    labelName(),
    fc.tuple(dnsSubdomain(), labelName()).map(([prefix, name]) => `${prefix}/${name}`),
  );

export const labelValue = (): fc.Arbitrary<string> => fc.oneof(fc.constant(''), fc.constantFrom('data', 'batch', 'v1.2'), labelName());

export const labels = (maxLabels = 5): fc.Arbitrary<JsonObject> =>
  fc
    .uniqueArray(fc.tuple(labelKey(), labelValue()), { maxLength: maxLabels, selector: ([key]) => key })
    .map((pairs) => Object.fromEntries(pairs));

// ---------------------------------------------------------------------------
// Containers and bodies

/** Makes an optional field: absent, `null` (which means "not given"), or a value. */
const optional = <T extends Json>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary, weight: 3 }, { arbitrary: fc.constant(null), weight: 1 });

const stringList = () =>
  fc.oneof({ arbitrary: fc.array(freeText(20), { maxLength: 4 }), weight: 5 }, { arbitrary: fc.constant([] as string[]), weight: 1 });

const envVar = () =>
  fc.record(
    { name: envVarName(), value: fc.oneof({ arbitrary: freeText(40), weight: 4 }, { arbitrary: fc.constant(null), weight: 1 }) },
    { requiredKeys: ['name'] },
  );

/** A valid container with the given name. */
export const container = (name: fc.Arbitrary<string>): fc.Arbitrary<JsonObject> =>
  fc.record(
    {
      name,
      image: imageReference(),
      command: optional(stringList()),
      args: optional(stringList()),
      env_vars: optional(fc.uniqueArray(envVar(), { maxLength: 5, selector: (variable) => variable.name })),
      working_dir: optional(freeText(30)),
      image_pull_policy: optional(fc.constantFrom('Always', 'IfNotPresent', 'Never')),
      resources: optional(resources()),
    },
    { requiredKeys: ['name', 'image'] },
  ) as fc.Arbitrary<JsonObject>;

/** One to four valid containers with unique names. */
export const containers = (): fc.Arbitrary<JsonObject[]> =>
  fc.uniqueArray(container(dns1123Label()), { minLength: 1, maxLength: 4, selector: (item) => item.name });

/** Scope and project fields that agree with each other. */
export const ownership = (projects: readonly string[] = PROJECTS): fc.Arbitrary<JsonObject> =>
  fc.oneof(
    fc.constant({ scope: 'global' }),
    fc.constant({ scope: 'global', project_id: null }),
    fc.constantFrom(...projects).map((project) => ({ scope: 'project', project_id: project })),
    fc.constantFrom(...projects).map((project) => ({ project_id: project })),
    fc.constantFrom(...projects).map((project) => ({ scope: null, project_id: project })),
  );

const int32 = () => fc.oneof(fc.integer({ min: 0, max: MAX_INT32 }), fc.constantFrom(0, 1, MAX_INT32), fc.integer({ min: 0, max: 100 }));

/** A valid create body. */
export const validCreateBody = (options: { names?: fc.Arbitrary<string>; projects?: readonly string[] } = {}): fc.Arbitrary<JsonObject> =>
  fc
    .tuple(
      fc.record(
        {
          name: options.names ?? templateName(),
          description: optional(freeText(80)),
          containers: containers(),
          ttl_seconds_after_finished: optional(int32()),
          backoff_limit: optional(int32()),
          labels: optional(labels()),
        },
        { requiredKeys: ['name', 'containers'] },
      ),
      ownership(options.projects),
    )
    .map(([fields, owner]) => ({ ...fields, ...owner }) as JsonObject);

/**
 * A valid partial update body. Scope and project change only together, so
 * that the merged template is valid whatever it was before.
 */
export const validUpdateBody = (options: { names?: fc.Arbitrary<string>; projects?: readonly string[] } = {}): fc.Arbitrary<JsonObject> =>
  fc
    .tuple(
      fc.record(
        {
          name: options.names ?? templateName(),
          description: fc.oneof(freeText(80), fc.constant(null)),
          containers: containers(),
          ttl_seconds_after_finished: fc.oneof(int32(), fc.constant(null)),
          backoff_limit: fc.oneof(int32(), fc.constant(null)),
          labels: fc.oneof(labels(), fc.constant(null)),
        },
        { requiredKeys: [] },
      ),
      fc.oneof(
        { arbitrary: fc.constant({}), weight: 3 },
        { arbitrary: fc.constant({ scope: 'global', project_id: null }), weight: 1 },
        { arbitrary: fc.constantFrom(...(options.projects ?? PROJECTS)).map((project) => ({ scope: 'project', project_id: project })), weight: 1 },
      ),
    )
    .map(([fields, owner]) => ({ ...fields, ...owner }) as JsonObject);

// ---------------------------------------------------------------------------
// Mutations

/** A place in a body that the schema describes, with its node. */
interface TypedEntry {
  readonly path: Path;
  readonly node: FieldNode;
  readonly parent: 'object' | 'array' | 'map';
  readonly required: boolean;
}

/** Lists every value in a body that the schema describes, below the root, where its parents have the declared types. */
function typedEntries(value: Json, node: FieldNode, path: Path = []): TypedEntry[] {
  const entries: TypedEntry[] = [];
  if (node.kind === 'object' && isPlainObject(value)) {
    for (const [key, property] of Object.entries(node.properties)) {
      if (Object.hasOwn(value, key)) {
        const child = value[key] as Json;
        entries.push({ path: [...path, key], node: property.node, parent: 'object', required: property.required });
        entries.push(...typedEntries(child, property.node, [...path, key]));
      }
    }
  } else if (node.kind === 'array' && Array.isArray(value)) {
    value.forEach((item, index) => {
      entries.push({ path: [...path, index], node: node.items, parent: 'array', required: false });
      entries.push(...typedEntries(item, node.items, [...path, index]));
    });
  } else if (node.kind === 'map' && isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      entries.push({ path: [...path, key], node: node.values, parent: 'map', required: false });
    }
  }
  return entries;
}

function getAt(body: Json, path: Path): Json | undefined {
  let current: Json | undefined = body;
  for (const segment of path) {
    if (typeof segment === 'number' && Array.isArray(current)) {
      current = current[segment];
    } else if (typeof segment === 'string' && isPlainObject(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

/** Sets a value at a path whose parent exists; returns false when it does not. */
function setAt(body: Json, path: Path, value: Json): boolean {
  const parent = getAt(body, path.slice(0, -1));
  const key = path[path.length - 1];
  if (typeof key === 'number' && Array.isArray(parent)) {
    parent[key] = value;
    return true;
  }
  if (typeof key === 'string' && isPlainObject(parent)) {
    Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
    return true;
  }
  return false;
}

/**
 * Returns the object at a path and creates empty objects where the path has none.
 * Returns undefined when a value of another type is in the way.
 */
function objectAt(body: Json, path: Path): JsonObject | undefined {
  let current: Json = body;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || current[segment] === undefined) {
        return undefined;
      }
      current = current[segment] as Json;
    } else {
      if (!isPlainObject(current)) {
        return undefined;
      }
      if (!Object.hasOwn(current, segment) || current[segment] === null) {
        current[segment] = {};
      }
      current = current[segment] as Json;
    }
  }
  return isPlainObject(current) ? current : undefined;
}

/** The response that one mutation leads to. `invalid` keeps paths, because their check waits for the final body. */
type OutcomeExpectation =
  | { readonly kind: 'valid' }
  | { readonly kind: 'invalid'; readonly paths: readonly Path[] }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'unknown' };

/** The effect of one mutation, for combining expectations. */
interface Outcome {
  readonly label: string;
  /** Paths whose values the mutation replaced or added. */
  readonly touched: readonly Path[];
  /** Paths whose values the expectation relies on. */
  readonly depends: readonly Path[];
  readonly expectation: OutcomeExpectation;
}

/** The parameters of one mutation; `pick` and `variant` choose among the options the body offers. */
export interface MutationSpec {
  readonly op: MutationOp;
  readonly pick: number;
  readonly variant: number;
  readonly key: string;
  readonly value: Json;
}

export type MutationOp =
  | 'wrong-type'
  | 'boundary'
  | 'unknown-field'
  | 'invalid-quantity'
  | 'request-exceeds-limit'
  | 'duplicate-container'
  | 'duplicate-env-var'
  | 'odd-unicode'
  | 'null'
  | 'not-an-object'
  | 'prototype-key';

const invalid = (path: Path): OutcomeExpectation => ({ kind: 'invalid', paths: [path] });
const UNKNOWN: OutcomeExpectation = { kind: 'unknown' };
const VALID: OutcomeExpectation = { kind: 'valid' };

const WRONG_VALUES: Record<FieldNode['kind'], readonly Json[]> = {
  string: [5, true, [], {}, 1.5, -1, [['x']]],
  integer: ['5', 1.5, true, [], {}, '', -0.5, 0.1],
  array: ['x', 5, {}, true],
  object: ['x', 5, [], true],
  map: ['x', 5, [], true, ['team']],
};

function pickFrom<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

function containerPaths(body: Json): Path[] {
  const list = isPlainObject(body) ? body.containers : undefined;
  if (!Array.isArray(list)) {
    return [];
  }
  return list.flatMap((item, index) => (isPlainObject(item) ? [['containers', index] as Path] : []));
}

function mutateWrongType(body: Json, spec: MutationSpec): Outcome | undefined {
  const entry = pickFrom(typedEntries(body, BODY_NODE), spec.pick);
  if (entry === undefined) {
    return undefined;
  }
  const value = pickFrom(WRONG_VALUES[entry.node.kind], spec.variant) ?? 5;
  setAt(body, entry.path, cloneJson(value));
  return { label: `wrong type ${JSON.stringify(value)} at ${formatPath(entry.path)}`, touched: [entry.path], depends: [entry.path], expectation: invalid(entry.path) };
}

/** Characters for boundary strings: one UTF-16 unit, two units, and a precomposed letter. All are NFC-stable and not white space. */
const FILLERS = ['a', '名', '😀', 'é', 'Ω'];

function filled(length: number, variant: number): string {
  return (FILLERS[variant % FILLERS.length] ?? 'a').repeat(length);
}

/** Returns `preferred`, or `preferred` with another last digit when a container already has that name. */
function uniqueContainerName(body: Json, preferred: string): string {
  const usedNames = new Set(containerPaths(body).map((path) => (getAt(body, [...path, 'name']) as string | undefined) ?? ''));
  let name = preferred;
  for (let digit = 0; usedNames.has(name); digit += 1) {
    name = `${preferred.slice(0, -1)}${digit % 10}`;
  }
  return name;
}

/** Builds a label key prefix of `length` characters: DNS labels of at most 63 characters joined by dots. */
function dnsPrefix(length: number): string {
  const parts: string[] = [];
  let remaining = length;
  while (remaining > 0) {
    const part = Math.min(63, remaining);
    parts.push('a'.repeat(part));
    remaining -= part + 1;
  }
  return parts.join('.');
}

/** One boundary case, which sets a value at or just past a limit and records whether the body stays valid. */
type BoundaryCase = (body: JsonObject, spec: MutationSpec, containerPath: Path | undefined, mode: BodyMode) => Outcome | undefined;

function boundary(path: Path | undefined, value: Json, valid: boolean, label: string, body: JsonObject): Outcome | undefined {
  if (path === undefined || !setAt(body, path, value)) {
    return undefined;
  }
  return { label: `${label} at ${formatPath(path)}`, touched: [path], depends: [path], expectation: valid ? VALID : invalid(path) };
}

function labelBoundary(key: string, value: string, valid: boolean, label: string, body: JsonObject): Outcome | undefined {
  setAt(body, ['labels'], { [key]: value });
  return { label, touched: [['labels']], depends: [['labels']], expectation: valid ? VALID : invalid(['labels', key]) };
}

const inContainer = (containerPath: Path | undefined, ...rest: Path): Path | undefined => (containerPath === undefined ? undefined : [...containerPath, ...rest]);

const BOUNDARY_CASES: readonly BoundaryCase[] = [
  (body, spec) => boundary(['name'], filled(128, spec.pick), true, '128 code points', body),
  (body, spec) => boundary(['name'], filled(129, spec.pick), false, '129 code points', body),
  // 256 code points as sent, 128 after NFC composes each e + U+0301.
  (body) => boundary(['name'], 'e\u0301'.repeat(128), true, '128 code points after NFC', body),
  (body) => boundary(['name'], 'e\u0301'.repeat(129), false, '129 code points after NFC', body),
  // U+0344 decomposes into two code points under NFC, so 65 of them become 130.
  (body) => boundary(['name'], '\u0344'.repeat(64), true, '64 U+0344, 128 code points after NFC', body),
  (body) => boundary(['name'], '\u0344'.repeat(65), false, '65 U+0344, 130 code points after NFC', body),
  (body, spec) => boundary(['description'], filled(4096, spec.pick), true, '4096 code points', body),
  (body, spec) => boundary(['description'], filled(4097, spec.pick), false, '4097 code points', body),
  (body, spec, at) => boundary(inContainer(at, 'image'), filled(1024, spec.pick), true, '1024 code points', body),
  (body, spec, at) => boundary(inContainer(at, 'image'), filled(1025, spec.pick), false, '1025 code points', body),
  (body, _spec, at) => boundary(inContainer(at, 'name'), uniqueContainerName(body, `c${'x'.repeat(61)}0`), true, '63 characters', body),
  (body, _spec, at) => boundary(inContainer(at, 'name'), uniqueContainerName(body, `c${'x'.repeat(62)}0`), false, '64 characters', body),
  (body, _spec, _at, mode) => {
    // 128 characters are valid for a project template, and a global template rejects any project_id.
    // An update merges the scope with the stored one, which the generator does not know.
    const scope = body.scope ?? 'project';
    let expectation: OutcomeExpectation = UNKNOWN;
    if (mode === 'create' && scope === 'project') {
      expectation = VALID;
    } else if (mode === 'create' && scope === 'global') {
      expectation = invalid(['project_id']);
    }
    setAt(body, ['project_id'], `p${'-'.repeat(126)}1`);
    return { label: '128 characters at project_id', touched: [['project_id']], depends: [['project_id'], ['scope']], expectation };
  },
  (body) => boundary(['project_id'], `p${'-'.repeat(127)}1`, false, '129 characters', body),
  (body) => boundary(['labels'], Object.fromEntries(Array.from({ length: 64 }, (_, index) => [`k${index}`, `v${index}`])), true, '64 labels', body),
  (body) => boundary(['labels'], Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`k${index}`, `v${index}`])), false, '65 labels', body),
  (body) => labelBoundary('k'.repeat(63), 'v', true, 'label name of 63 characters', body),
  (body) => labelBoundary('k'.repeat(64), 'v', false, 'label name of 64 characters', body),
  (body) => labelBoundary(`${dnsPrefix(253)}/k`, 'v', true, 'label prefix of 253 characters', body),
  (body) => labelBoundary(`${dnsPrefix(254)}/k`, 'v', false, 'label prefix of 254 characters', body),
  (body) => labelBoundary('team', 'v'.repeat(63), true, 'label value of 63 characters', body),
  (body) => labelBoundary('team', 'v'.repeat(64), false, 'label value of 64 characters', body),
  (body) => boundary(['containers'], Array.from({ length: 32 }, (_, index) => ({ name: `c${index}`, image: 'busybox' })), true, '32 containers', body),
  (body) => boundary(['containers'], Array.from({ length: 33 }, (_, index) => ({ name: `c${index}`, image: 'busybox' })), false, '33 containers', body),
  (body, spec, at) => boundary(inContainer(at, spec.pick % 2 === 0 ? 'command' : 'args'), Array.from({ length: 256 }, (_, index) => `a${index}`), true, '256 items', body),
  (body, spec, at) => boundary(inContainer(at, spec.pick % 2 === 0 ? 'command' : 'args'), Array.from({ length: 257 }, (_, index) => `a${index}`), false, '257 items', body),
  (body, _spec, at) => boundary(inContainer(at, 'env_vars'), Array.from({ length: 256 }, (_, index) => ({ name: `V${index}`, value: `${index}` })), true, '256 variables', body),
  (body, _spec, at) => boundary(inContainer(at, 'env_vars'), Array.from({ length: 257 }, (_, index) => ({ name: `V${index}`, value: `${index}` })), false, '257 variables', body),
  ...[MAX_INT32, MAX_INT32 + 1, -1, 0].map(
    (value): BoundaryCase =>
      (body, spec) => boundary([spec.pick % 2 === 0 ? 'ttl_seconds_after_finished' : 'backoff_limit'], value, value >= 0 && value <= MAX_INT32, `value ${value}`, body),
  ),
];

function mutateBoundary(body: Json, spec: MutationSpec, mode: BodyMode): Outcome | undefined {
  if (!isPlainObject(body)) {
    return undefined;
  }
  const boundaryCase = BOUNDARY_CASES[spec.variant % BOUNDARY_CASES.length] as BoundaryCase;
  return boundaryCase(body, spec, pickFrom(containerPaths(body), spec.pick), mode);
}

/** Field names that the schema does not define but that a client might send. */
export const UNKNOWN_FIELD_NAMES = [
  'env', 'imagex', 'Name', 'NAME', ' name', 'labelz', 'project', 'ephemeral-storage', 'nvidia.com/gpux', 'id', 'revision',
  'created_by', 'updated_by', 'created_at', 'updated_at', 'liveness_probe', 'readiness_probe', 'startup_probe', 'x-extra', '', '名字', '😀',
];

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function mutateUnknownField(body: Json, spec: MutationSpec): Outcome | undefined {
  const locations: Path[] = [[]];
  for (const entry of typedEntries(body, BODY_NODE)) {
    if (entry.node.kind === 'object' && isPlainObject(getAt(body, entry.path))) {
      locations.push(entry.path);
    }
  }
  const location = pickFrom(locations, spec.pick) ?? [];
  const target = getAt(body, location);
  if (!isPlainObject(target)) {
    return undefined;
  }
  const declared = new Set(Object.keys(propertiesAt(location)));
  let key = spec.key;
  while (declared.has(key) || FORBIDDEN_KEYS.has(key) || Object.hasOwn(target, key)) {
    key = `${key}_x`;
  }
  const path = [...location, key];
  setAt(body, path, cloneJson(spec.value));
  return { label: `unknown field at ${formatPath(path)}`, touched: [path], depends: [path], expectation: invalid(path) };
}

/** Returns the declared properties of the object node at a path of the body schema. */
function propertiesAt(path: Path): Readonly<Record<string, unknown>> {
  let node: FieldNode = BODY_NODE;
  for (const segment of path) {
    if (node.kind === 'object' && typeof segment === 'string') {
      node = node.properties[segment]?.node ?? node;
    } else if (node.kind === 'array') {
      node = node.items;
    }
  }
  return node.kind === 'object' ? node.properties : {};
}

function mutateInvalidQuantity(body: Json, spec: MutationSpec): Outcome | undefined {
  const containerPath = pickFrom(containerPaths(body), spec.pick);
  if (containerPath === undefined) {
    return undefined;
  }
  const list = spec.variant % 2 === 0 ? 'requests' : 'limits';
  const resource = RESOURCE_NAMES[Math.floor(spec.variant / 2) % RESOURCE_NAMES.length] as ResourceName;
  const parent = objectAt(body, [...containerPath, 'resources', list]);
  if (parent === undefined) {
    return undefined;
  }
  const pool: readonly Json[] = resource === 'nvidia.com/gpu' ? [...INVALID_QUANTITIES, ...FRACTIONAL_QUANTITIES, 2] : [...INVALID_QUANTITIES, 2, 0.5];
  const value = pickFrom(pool, Math.floor(spec.variant / 6)) ?? 'abc';
  parent[resource] = value;
  const path = [...containerPath, 'resources', list, resource];
  return { label: `quantity ${JSON.stringify(value)} at ${formatPath(path)}`, touched: [path], depends: [path], expectation: invalid(path) };
}

function mutateRequestExceedsLimit(body: Json, spec: MutationSpec): Outcome | undefined {
  const containerPath = pickFrom(containerPaths(body), spec.pick);
  if (containerPath === undefined) {
    return undefined;
  }
  const resource = RESOURCE_NAMES[spec.variant % RESOURCE_NAMES.length] as ResourceName;
  const requests = objectAt(body, [...containerPath, 'resources', 'requests']);
  const limits = objectAt(body, [...containerPath, 'resources', 'limits']);
  if (requests === undefined || limits === undefined) {
    return undefined;
  }
  const unit = resource === 'nvidia.com/gpu' ? NANOS_PER_UNIT : 1n;
  const limit = (BigInt(spec.pick % 1000) + (resource === 'memory' ? 2n ** 30n : 1n)) * NANOS_PER_UNIT;
  const request = limit + unit * BigInt(1 + (spec.variant % 3));
  requests[resource] = quantityText(request, spec.variant);
  limits[resource] = quantityText(limit, spec.pick);
  const requestPath = [...containerPath, 'resources', 'requests', resource];
  const limitPath = [...containerPath, 'resources', 'limits', resource];
  return {
    label: `request ${JSON.stringify(requests[resource])} over limit ${JSON.stringify(limits[resource])} at ${formatPath(requestPath)}`,
    touched: [requestPath, limitPath],
    depends: [requestPath, limitPath],
    expectation: invalid(requestPath),
  };
}

function mutateDuplicateContainer(body: Json, spec: MutationSpec): Outcome | undefined {
  const sourcePath = pickFrom(containerPaths(body), spec.pick);
  const list = isPlainObject(body) ? body.containers : undefined;
  const source = sourcePath === undefined ? undefined : getAt(body, sourcePath);
  if (!Array.isArray(list) || !isPlainObject(source) || typeof source.name !== 'string') {
    return undefined;
  }
  const copyPath: Path = ['containers', list.length];
  list.push({ name: source.name, image: 'alpine:3' });
  return {
    label: `duplicate container name ${JSON.stringify(source.name)} at ${formatPath(copyPath)}`,
    touched: [copyPath],
    depends: [[...(sourcePath as Path), 'name'], copyPath],
    expectation: invalid([...copyPath, 'name']),
  };
}

function mutateDuplicateEnvVar(body: Json, spec: MutationSpec): Outcome | undefined {
  const containerPath = pickFrom(containerPaths(body), spec.pick);
  const target = containerPath === undefined ? undefined : getAt(body, containerPath);
  if (containerPath === undefined || !isPlainObject(target)) {
    return undefined;
  }
  const listPath = [...containerPath, 'env_vars'];
  const variables = target.env_vars;
  if (variables === undefined || variables === null || (Array.isArray(variables) && variables.length === 0)) {
    target.env_vars = [{ name: 'DUP', value: 'first' }, { name: 'DUP', value: 'second' }];
    return { label: `duplicate variable at ${formatPath([...listPath, 1])}`, touched: [listPath], depends: [listPath], expectation: invalid([...listPath, 1, 'name']) };
  }
  if (!Array.isArray(variables)) {
    return undefined;
  }
  const sourceIndex = spec.variant % variables.length;
  const source = variables[sourceIndex];
  if (!isPlainObject(source) || typeof source.name !== 'string') {
    return undefined;
  }
  const copyPath = [...listPath, variables.length];
  variables.push({ name: source.name, value: 'other value' });
  return {
    label: `duplicate variable ${JSON.stringify(source.name)} at ${formatPath(copyPath)}`,
    touched: [copyPath],
    depends: [[...listPath, sourceIndex, 'name'], copyPath],
    expectation: invalid([...copyPath, 'name']),
  };
}

/** Characters to insert: unpaired surrogates and NUL, which every string rejects, and valid but unusual characters. */
export const ODD_CHARACTERS = ['\ud800', '\udfff', '\u0000', '\u202e', '\u200d', '😀', '１２３', '\u200b', '\ufeff', '\u0301', 'Ａ', '\u0085', '\u3000'];

/** Tells whether every string field rejects this text: it has NUL or an unpaired surrogate. */
function isAlwaysRejected(text: string): boolean {
  return text.includes('\u0000') || !text.isWellFormed();
}

function insertAt(text: string, character: string, position: number): string {
  const codePoints = Array.from(text);
  codePoints.splice(position % (codePoints.length + 1), 0, character);
  return codePoints.join('');
}

function mutateOddUnicode(body: Json, spec: MutationSpec): Outcome | undefined {
  const character = ODD_CHARACTERS[spec.variant % ODD_CHARACTERS.length] ?? '\u0000';
  const entries = typedEntries(body, BODY_NODE).filter((entry) => entry.node.kind === 'string' && typeof getAt(body, entry.path) === 'string');
  const labelKeys = typedEntries(body, BODY_NODE).filter((entry) => entry.parent === 'map');
  const targets = [...entries.map((entry) => ({ entry, renameKey: false })), ...labelKeys.map((entry) => ({ entry, renameKey: true }))];
  const target = pickFrom(targets, spec.pick);
  if (target === undefined) {
    return undefined;
  }

  const { entry } = target;
  const position = Math.floor(spec.variant / ODD_CHARACTERS.length);
  if (target.renameKey) {
    const map = getAt(body, entry.path.slice(0, -1));
    const oldKey = entry.path[entry.path.length - 1] as string;
    if (!isPlainObject(map)) {
      return undefined;
    }
    const newKey = insertAt(oldKey, character, position);
    const value = map[oldKey] as Json;
    delete map[oldKey];
    const newPath = [...entry.path.slice(0, -1), newKey];
    setAt(body, newPath, value);
    return { label: `label key ${JSON.stringify(newKey)}`, touched: [entry.path, newPath], depends: [newPath], expectation: invalid(newPath) };
  }

  const text = insertAt(getAt(body, entry.path) as string, character, position);
  setAt(body, entry.path, text);
  const rule: TextRule = entry.node.kind === 'string' ? entry.node.text : 'free';
  // The result decides, not the character: a high surrogate inserted before a lone low one makes a valid pair.
  const rejected = isAlwaysRejected(text) || rule === 'strict';
  return {
    label: `${JSON.stringify(character)} inserted at ${formatPath(entry.path)}`,
    touched: [entry.path],
    depends: [entry.path],
    expectation: rejected ? invalid(entry.path) : UNKNOWN,
  };
}

function mutateNull(body: Json, spec: MutationSpec, mode: BodyMode): Outcome | undefined {
  const entry = pickFrom(typedEntries(body, BODY_NODE), spec.pick);
  if (entry === undefined || !isPlainObject(body)) {
    return undefined;
  }
  const path = entry.path;
  const topLevel = path.length === 1 ? (path[0] as string) : undefined;
  const hasProject = body.project_id !== undefined && body.project_id !== null;
  setAt(body, path, null);
  const outcome = (expectation: OutcomeExpectation, depends: readonly Path[] = [path]): Outcome => ({
    label: `null at ${formatPath(path)}`,
    touched: [path],
    depends,
    expectation,
  });

  // Inside an array or a label map, null is a value of the wrong type, not an absent field.
  if (entry.parent === 'array' || entry.parent === 'map') {
    return outcome(invalid(path));
  }
  if (mode === 'update' && topLevel !== undefined) {
    // In an update, null resets a top-level field, except name, scope and containers, which cannot be reset.
    if (topLevel === 'name' || topLevel === 'scope' || topLevel === 'containers') {
      return outcome(invalid(path));
    }
    return outcome(topLevel === 'project_id' ? UNKNOWN : VALID);
  }

  // On create, and inside containers on update, null means "not given".
  if (entry.required) {
    return outcome(invalid(path));
  }
  if (topLevel === 'project_id') {
    const scope = body.scope ?? 'project';
    let expectation: OutcomeExpectation = UNKNOWN;
    if (scope === 'project') {
      expectation = invalid(['project_id']);
    } else if (scope === 'global') {
      expectation = VALID;
    }
    return outcome(expectation, [['scope'], ['project_id']]);
  }
  if (topLevel === 'scope') {
    return outcome(hasProject ? VALID : invalid(['project_id']), [['scope'], ['project_id']]);
  }
  return outcome(VALID);
}

function mutateNotAnObject(spec: MutationSpec): { body: Json; outcome: Outcome } {
  const replacements: readonly Json[] = [[], 'x', 5, true, null, [{ name: 'x' }], 0];
  const replacement = pickFrom(replacements, spec.variant) ?? [];
  return {
    body: cloneJson(replacement),
    outcome: { label: `body ${JSON.stringify(replacement).slice(0, 40)}`, touched: [[]], depends: [[]], expectation: invalid([]) },
  };
}

function mutatePrototypeKey(body: Json, spec: MutationSpec): Outcome | undefined {
  const locations: Path[] = [[], ...containerPaths(body)];
  const location = pickFrom(locations, spec.pick) ?? [];
  const target = getAt(body, location);
  if (!isPlainObject(target)) {
    return undefined;
  }
  const [key, value]: [string, Json] = spec.variant % 2 === 0 ? ['__proto__', { admin: true }] : ['constructor', { prototype: { admin: true } }];
  const path = [...location, key];
  setAt(body, path, value);
  return { label: `${key} key at ${formatPath(path) || 'the root'}`, touched: [path], depends: [path], expectation: { kind: 'status', status: 400 } };
}

/** Applies mutations to a copy of a valid body and combines the responses they lead to. */
export function applyMutations(base: JsonObject, specs: readonly MutationSpec[], mode: BodyMode): GeneratedBody {
  let body: Json = cloneJson(base);
  const outcomes: Outcome[] = [];
  let dropped = false;
  for (const spec of specs) {
    let outcome: Outcome | undefined;
    switch (spec.op) {
      case 'wrong-type':
        outcome = mutateWrongType(body, spec);
        break;
      case 'boundary':
        outcome = mutateBoundary(body, spec, mode);
        break;
      case 'unknown-field':
        outcome = mutateUnknownField(body, spec);
        break;
      case 'invalid-quantity':
        outcome = mutateInvalidQuantity(body, spec);
        break;
      case 'request-exceeds-limit':
        outcome = mutateRequestExceedsLimit(body, spec);
        break;
      case 'duplicate-container':
        outcome = mutateDuplicateContainer(body, spec);
        break;
      case 'duplicate-env-var':
        outcome = mutateDuplicateEnvVar(body, spec);
        break;
      case 'odd-unicode':
        outcome = mutateOddUnicode(body, spec);
        break;
      case 'null':
        outcome = mutateNull(body, spec, mode);
        break;
      case 'not-an-object': {
        const replaced = mutateNotAnObject(spec);
        body = replaced.body;
        outcome = replaced.outcome;
        break;
      }
      case 'prototype-key':
        outcome = mutatePrototypeKey(body, spec);
        break;
    }
    if (outcome === undefined) {
      continue;
    }
    // A later mutation that rewrites what an earlier expectation relies on voids that expectation.
    for (let index = outcomes.length - 1; index >= 0; index -= 1) {
      const earlier = outcomes[index] as Outcome;
      if (earlier.depends.some((depend) => outcome.touched.some((touched) => pathsOverlap(depend, touched)))) {
        outcomes.splice(index, 1);
        dropped = true;
      }
    }
    outcomes.push(outcome);
  }
  // The JSON parser rejects these keys before anything else, wherever earlier mutations moved them.
  const expectation: Expectation = hasPrototypeKey(body) ? { kind: 'status', status: 400 } : combine(body, outcomes, dropped);
  return { body, mutations: outcomes.map((outcome) => outcome.label), expectation };
}

/** Tells whether a value has a `__proto__` key, or a `constructor` key whose object has a `prototype` key, at any depth. */
function hasPrototypeKey(value: Json): boolean {
  if (Array.isArray(value)) {
    return value.some(hasPrototypeKey);
  }
  if (!isPlainObject(value)) {
    return false;
  }
  if (Object.hasOwn(value, '__proto__')) {
    return true;
  }
  const constructor = Object.hasOwn(value, 'constructor') ? value.constructor : undefined;
  if (isPlainObject(constructor) && Object.hasOwn(constructor, 'prototype')) {
    return true;
  }
  return Object.values(value).some(hasPrototypeKey);
}

function combine(body: Json, outcomes: readonly Outcome[], dropped: boolean): Expectation {
  const status = outcomes.find((outcome) => outcome.expectation.kind === 'status');
  if (status !== undefined && status.expectation.kind === 'status') {
    return { kind: 'status', status: status.expectation.status };
  }
  const paths = outcomes.flatMap((outcome) => (outcome.expectation.kind === 'invalid' ? outcome.expectation.paths : []));
  const checked = paths.filter((path) => !isPastLimit(body, path));
  if (checked.length > 0) {
    return { kind: 'invalid', fields: [...new Set(checked.map(formatPath))] };
  }
  if (paths.length > 0) {
    return { kind: 'unknown' };
  }
  return !dropped && outcomes.every((outcome) => outcome.expectation.kind === 'valid') ? { kind: 'valid' } : { kind: 'unknown' };
}

/** A JSON value without keys that the JSON parser rejects as prototype pollution. */
const safeJsonValue = () =>
  fc.jsonValue({ maxDepth: 2 }).filter((value) => !/"(__proto__|constructor|prototype)"/.test(JSON.stringify(value) ?? '')) as fc.Arbitrary<Json>;

const mutationSpec = (): fc.Arbitrary<MutationSpec> =>
  fc.record({
    op: fc.oneof(
      { arbitrary: fc.constant('wrong-type' as const), weight: 3 },
      { arbitrary: fc.constant('boundary' as const), weight: 2 },
      { arbitrary: fc.constant('unknown-field' as const), weight: 2 },
      { arbitrary: fc.constant('invalid-quantity' as const), weight: 2 },
      { arbitrary: fc.constant('request-exceeds-limit' as const), weight: 1 },
      { arbitrary: fc.constant('duplicate-container' as const), weight: 1 },
      { arbitrary: fc.constant('duplicate-env-var' as const), weight: 1 },
      { arbitrary: fc.constant('odd-unicode' as const), weight: 3 },
      { arbitrary: fc.constant('null' as const), weight: 3 },
      { arbitrary: fc.constant('not-an-object' as const), weight: 1 },
      { arbitrary: fc.constant('prototype-key' as const), weight: 1 },
    ),
    pick: fc.nat({ max: 1000 }),
    variant: fc.nat({ max: 1000 }),
    key: fc.oneof(fc.constantFrom(...UNKNOWN_FIELD_NAMES), fc.string({ unit: 'binary', maxLength: 8 }), fc.stringMatching(/^[a-z_]{1,12}$/)),
    value: fc.oneof({ arbitrary: safeJsonValue(), weight: 3 }, { arbitrary: fc.constant(null), weight: 1 }),
  });

/** A create body with one to three mutations, and the response it must get. */
export const mutatedCreateBody = (options: { names?: fc.Arbitrary<string> } = {}): fc.Arbitrary<GeneratedBody> =>
  fc
    .tuple(validCreateBody(options), fc.array(mutationSpec(), { minLength: 1, maxLength: 3 }))
    .map(([base, specs]) => applyMutations(base, specs, 'create'));

/** An update body with one to three mutations, and the response it must get. */
export const mutatedUpdateBody = (options: { names?: fc.Arbitrary<string> } = {}): fc.Arbitrary<GeneratedBody> =>
  fc
    .tuple(validUpdateBody(options), fc.array(mutationSpec(), { minLength: 1, maxLength: 3 }))
    .map(([base, specs]) => applyMutations(base, specs, 'update'));

/** A create body, valid or mutated. */
export const createBody = (): fc.Arbitrary<GeneratedBody> =>
  fc.oneof(
    { arbitrary: validCreateBody().map((body): GeneratedBody => ({ body, mutations: [], expectation: { kind: 'valid' } })), weight: 1 },
    { arbitrary: mutatedCreateBody(), weight: 3 },
  );

/** An update body, valid or mutated. */
export const updateBody = (): fc.Arbitrary<GeneratedBody> =>
  fc.oneof(
    { arbitrary: validUpdateBody().map((body): GeneratedBody => ({ body, mutations: [], expectation: { kind: 'valid' } })), weight: 1 },
    { arbitrary: mutatedUpdateBody(), weight: 3 },
  );

/** Which `If-Match` an update sends: none, the current ETag, one that no longer matches, or `*`. */
export type IfMatchChoice = 'none' | 'current' | 'stale' | 'any';

/** One request of the API invariant checks and the fuzzer. */
export type ApiCase =
  | { readonly kind: 'create'; readonly generated: GeneratedBody }
  | { readonly kind: 'update'; readonly target: number; readonly ifMatch: IfMatchChoice; readonly generated: GeneratedBody };

export const createCase = (): fc.Arbitrary<ApiCase> => createBody().map((generated) => ({ kind: 'create', generated }));

export const updateCase = (): fc.Arbitrary<ApiCase> =>
  fc
    .record({
      target: fc.nat({ max: 10_000 }),
      ifMatch: fc.constantFrom<IfMatchChoice>('none', 'none', 'current', 'stale', 'any'),
      generated: updateBody(),
    })
    .map(({ target, ifMatch, generated }) => ({ kind: 'update', target, ifMatch, generated }));

export const apiCase = (): fc.Arbitrary<ApiCase> =>
  fc.oneof({ arbitrary: createCase(), weight: 3 }, { arbitrary: updateCase(), weight: 2 });
