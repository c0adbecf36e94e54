/**
 * Validation of job template bodies. The JSON Schema in `template-schema.ts`
 * checks structure, types, lengths and patterns. This module runs it with Ajv
 * and adds the rules that a schema cannot state: Unicode rules for names, scope
 * and project, unique container and variable names, and resource quantities. Every
 * failure is reported at once, each with its field path.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FieldError } from '../errors/api-error.js';
import { echoValue } from '../errors/echo.js';
import type { LocalizedText } from '../errors/catalogue.js';
import { formatFieldPath, parseJsonPointer, type FieldPath } from './field-path.js';
import { checkLabels } from './labels.js';
import { findPattern } from './patterns.js';
import { compareQuantities, isWholeNumber, parseQuantity, type Quantity } from './quantity.js';
import {
  CreateTemplateBodySchema,
  DEFAULT_BACKOFF_LIMIT,
  DEFAULT_TTL_SECONDS_AFTER_FINISHED,
  HEALTH_CHECK_FIELDS,
  READ_ONLY_FIELDS,
  RESOURCE_NAMES,
  type ContainerConfig,
  type CreateTemplateBody,
  type JobTemplate,
  type TemplateScope,
} from './template-schema.js';

/** The template fields a client chooses, with defaults filled in. */
export interface TemplateContent {
  readonly name: string;
  readonly description: string | null;
  readonly scope: TemplateScope;
  readonly project_id: string | null;
  readonly containers: ContainerConfig[];
  readonly ttl_seconds_after_finished: number;
  readonly backoff_limit: number;
  readonly labels: Record<string, string>;
}

/** The outcome of validating a body. */
export type ValidationResult =
  | { readonly ok: true; readonly content: TemplateContent }
  | { readonly ok: false; readonly errors: FieldError[] };


const TYPE_NAMES: Record<string, LocalizedText> = {
  string: { en: 'a string', zh: '字符串' },
  integer: { en: 'an integer', zh: '整数' },
  number: { en: 'a number', zh: '数字' },
  array: { en: 'an array', zh: '数组' },
  object: { en: 'a JSON object', zh: 'JSON 对象' },
  boolean: { en: 'a boolean', zh: '布尔值' },
};

const ajv = new Ajv({ allErrors: true, strict: true, verbose: true, coerceTypes: false, useDefaults: false });
const validateCreateSchema: ValidateFunction = ajv.compile(CreateTemplateBodySchema);


function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parts of a JSON Schema that null removal walks. */
interface SchemaNode {
  readonly properties?: Readonly<Record<string, object>>;
  readonly items?: object;
}

function setProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty keeps a "__proto__" key an ordinary property instead of a prototype change.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Removes the properties that the schema declares and whose value is null, at
 * any depth, because null means "not given". Null for an undeclared property
 * stays, so that the unknown field is still reported.
 */
export function removeNulls(value: unknown, schema: SchemaNode | undefined): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => removeNulls(item, schema?.items as SchemaNode | undefined));
  }
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const declared = schema?.properties !== undefined && Object.hasOwn(schema.properties, key);
      if (item === null && declared) {
        continue;
      }
      setProperty(result, key, removeNulls(item, declared ? (schema?.properties?.[key] as SchemaNode) : undefined));
    }
    return result;
  }
  return value;
}

function isEnvVarValuePath(path: FieldPath): boolean {
  return path.length === 5 && path[0] === 'containers' && path[2] === 'env_vars' && path[4] === 'value';
}

function translateAjvError(error: ErrorObject): FieldError {
  const path = parseJsonPointer(error.instancePath);
  const field = formatFieldPath(path);
  const schema = error.parentSchema as Record<string, unknown> | undefined;
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { field: formatFieldPath([...path, missing]), code: 'required' };
    }
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const keyField = formatFieldPath([...path, key]);
      if (path.length === 2 && path[0] === 'containers' && (HEALTH_CHECK_FIELDS as readonly string[]).includes(key)) {
        return { field: keyField, code: 'health_check_not_supported' };
      }
      if (path.length === 0 && (READ_ONLY_FIELDS as readonly string[]).includes(key)) {
        return { field: keyField, code: 'read_only' };
      }
      return { field: keyField, code: 'unknown_field' };
    }
    case 'type': {
      const expected = String((error.params as { type: string }).type);
      return { field, code: 'invalid_type', params: { expected: TYPE_NAMES[expected] ?? expected } };
    }
    case 'enum': {
      const options = (error.params as { allowedValues: unknown[] }).allowedValues;
      return {
        field,
        code: 'invalid_value',
        params: { value: echoValue(error.data), allowed: options.map((option) => JSON.stringify(option)).join(', ') },
      };
    }
    case 'minLength':
      return { field, code: 'too_short', params: { limit: Number((error.params as { limit: number }).limit) } };
    case 'maxLength':
      return {
        field,
        code: 'too_long',
        params: { limit: Number((error.params as { limit: number }).limit), actual: Array.from(String(error.data)).length },
      };
    case 'minItems':
      return { field, code: 'too_few_items', params: { limit: Number((error.params as { limit: number }).limit) } };
    case 'maxProperties':
      return {
        field,
        code: 'too_many_items',
        params: { limit: Number((error.params as { limit: number }).limit), actual: Object.keys(error.data as object).length },
      };
    case 'maxItems':
      return {
        field,
        code: 'too_many_items',
        params: { limit: Number((error.params as { limit: number }).limit), actual: (error.data as unknown[]).length },
      };
    case 'minimum':
    case 'maximum':
      return {
        field,
        code: 'out_of_range',
        params: { value: String(error.data), min: Number(schema?.minimum), max: Number(schema?.maximum) },
      };
    case 'pattern': {
      const source = (error.params as { pattern: string }).pattern;
      const format = findPattern(source)?.description ?? { en: `text matching ${source}`, zh: `匹配 ${source} 的文本` };
      return { field, code: 'invalid_format', params: { value: echoValue(error.data), format } };
    }
    default:
      // The schema uses only the keywords above; a new keyword still yields a field-level error.
      return { field, code: 'invalid_type', params: { expected: error.message ?? 'a valid value' } };
  }
}

const TEXT_PROBLEMS: Record<'nul' | 'surrogate', LocalizedText> = {
  nul: { en: 'the NUL character (U+0000)', zh: 'NUL 字符 (U+0000)' },
  surrogate: { en: 'an unpaired UTF-16 surrogate', zh: '未配对的 UTF-16 代理项' },
};

/** Reports strings that no store can keep exactly: NUL characters and unpaired surrogates. */
function checkText(value: unknown, path: (string | number)[], errors: FieldError[]): void {
  if (typeof value === 'string') {
    if (!value.isWellFormed()) {
      errors.push({ field: formatFieldPath(path), code: 'invalid_text', params: { problem: TEXT_PROBLEMS.surrogate } });
    }
    if (value.includes('\u0000')) {
      errors.push({ field: formatFieldPath(path), code: 'invalid_text', params: { problem: TEXT_PROBLEMS.nul } });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkText(item, [...path, index], errors));
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      checkText(item, [...path, key], errors);
    }
  }
}

const NAME_PROBLEMS: Record<'control' | 'whitespace', LocalizedText> = {
  control: { en: 'a control character', zh: '控制字符' },
  whitespace: { en: 'leading or trailing white space', zh: '首尾空白字符' },
};

/** Control characters (category Cc) other than NUL, which `checkText` reports for every field. */
const CONTROL_EXCEPT_NUL = /[\u0001-\u001F\u007F-\u009F]/;

function checkName(name: unknown, errors: FieldError[]): void {
  if (typeof name !== 'string') {
    return;
  }
  if (CONTROL_EXCEPT_NUL.test(name)) {
    errors.push({ field: 'name', code: 'invalid_text', params: { problem: NAME_PROBLEMS.control } });
  }
  if (/^\p{White_Space}|\p{White_Space}$/u.test(name)) {
    errors.push({ field: 'name', code: 'invalid_text', params: { problem: NAME_PROBLEMS.whitespace } });
  }
}

function checkScope(body: Record<string, unknown>, errors: FieldError[]): void {
  const scope = body.scope ?? 'project';
  if (scope === 'project' && body.project_id === undefined) {
    errors.push({ field: 'project_id', code: 'scope_requires_project' });
  }
  if (scope === 'global' && body.project_id !== undefined) {
    errors.push({ field: 'project_id', code: 'global_forbids_project' });
  }
}

function checkUnique(
  items: unknown,
  itemPath: (index: number) => (string | number)[],
  keyOf: (item: Record<string, unknown>) => unknown,
  errors: FieldError[],
  secret = false,
): void {
  if (!Array.isArray(items)) {
    return;
  }
  const firstIndex = new Map<string, number>();
  items.forEach((item, index) => {
    if (!isPlainObject(item)) {
      return;
    }
    const key = keyOf(item);
    if (typeof key !== 'string') {
      return;
    }
    const earlier = firstIndex.get(key);
    if (earlier === undefined) {
      firstIndex.set(key, index);
      return;
    }
    const other = formatFieldPath(itemPath(earlier));
    errors.push({
      field: formatFieldPath(itemPath(index)),
      code: 'duplicate',
      params: { value: secret ? '' : echoValue(key), other },
    });
  });
}

type ParsedResources = Partial<Record<(typeof RESOURCE_NAMES)[number], Quantity>>;

function checkResourceList(list: unknown, path: (string | number)[], errors: FieldError[]): ParsedResources {
  const parsed: ParsedResources = {};
  if (!isPlainObject(list)) {
    return parsed;
  }
  for (const resource of RESOURCE_NAMES) {
    const text = list[resource];
    if (typeof text !== 'string') {
      continue;
    }
    const field = formatFieldPath([...path, resource]);
    const result = parseQuantity(text);
    if (!result.ok) {
      const reasons: Record<typeof result.reason, LocalizedText> = {
        syntax: { en: 'not in the quantity grammar', zh: '不符合数量的语法' },
        negative: { en: 'negative values are not allowed', zh: '不允许负数' },
        out_of_range: { en: 'the exponent is out of range', zh: '指数超出范围' },
      };
      errors.push({ field, code: 'invalid_quantity', params: { value: echoValue(text), reason: reasons[result.reason] } });
      continue;
    }
    if (resource === 'nvidia.com/gpu' && !isWholeNumber(result.quantity)) {
      errors.push({ field, code: 'not_whole_number', params: { value: echoValue(text) } });
      continue;
    }
    parsed[resource] = result.quantity;
  }
  return parsed;
}

function checkResources(container: Record<string, unknown>, index: number, errors: FieldError[]): void {
  const resources = container.resources;
  if (!isPlainObject(resources)) {
    return;
  }
  const base = ['containers', index, 'resources'];
  const requests = checkResourceList(resources.requests, [...base, 'requests'], errors);
  const limits = checkResourceList(resources.limits, [...base, 'limits'], errors);
  for (const resource of RESOURCE_NAMES) {
    const request = requests[resource];
    const limit = limits[resource];
    if (request !== undefined && limit !== undefined && compareQuantities(request, limit) > 0) {
      const requestList = resources.requests as Record<string, string>;
      const limitList = resources.limits as Record<string, string>;
      errors.push({
        field: formatFieldPath([...base, 'requests', resource]),
        code: 'request_exceeds_limit',
        params: { request: echoValue(requestList[resource]), limit: echoValue(limitList[resource]) },
      });
    }
  }
}

function checkContainers(containers: unknown, errors: FieldError[]): void {
  if (!Array.isArray(containers)) {
    return;
  }
  checkUnique(containers, (index) => ['containers', index, 'name'], (container) => container.name, errors);
  containers.forEach((container, index) => {
    if (!isPlainObject(container)) {
      return;
    }
    checkUnique(
      container.env_vars,
      (envIndex) => ['containers', index, 'env_vars', envIndex, 'name'],
      (envVar) => envVar.name,
      errors,
    );
    checkResources(container, index, errors);
  });
}

/**
 * Drops repeated failures. Two failures count as one only when field, code
 * and parameters all match, so that a name with both a control character and
 * trailing white space reports both.
 */
function removeDuplicateErrors(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.field}\u0000${error.code}\u0000${JSON.stringify(error.params ?? {})}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

function normalizeContainer(container: ContainerConfig): ContainerConfig {
  if (container.env_vars === undefined) {
    return container;
  }
  return {
    ...container,
    env_vars: container.env_vars.map((envVar) => ({ name: envVar.name, value: envVar.value ?? '' })),
  };
}

interface SizedSchemaNode extends SchemaNode {
  readonly maxItems?: number;
  readonly maxProperties?: number;
}

/**
 * Reports arrays and objects longer than their schema allows and cuts them to
 * that length, so that a 1 MiB body of 300,000 empty containers costs one
 * failure rather than one per item, for the validator and in the response.
 */
function limitSizes(value: unknown, schema: SizedSchemaNode | undefined, path: (string | number)[], errors: FieldError[]): unknown {
  if (Array.isArray(value)) {
    let items: unknown[] = value;
    if (schema?.maxItems !== undefined && value.length > schema.maxItems) {
      errors.push({ field: formatFieldPath(path), code: 'too_many_items', params: { limit: schema.maxItems, actual: value.length } });
      items = value.slice(0, schema.maxItems);
    }
    return items.map((item, index) => limitSizes(item, schema?.items as SizedSchemaNode | undefined, [...path, index], errors));
  }
  if (isPlainObject(value)) {
    let entries = Object.entries(value);
    if (schema?.maxProperties !== undefined && entries.length > schema.maxProperties) {
      errors.push({ field: formatFieldPath(path), code: 'too_many_items', params: { limit: schema.maxProperties, actual: entries.length } });
      entries = entries.slice(0, schema.maxProperties);
    }
    const result: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const declared = schema?.properties !== undefined && Object.hasOwn(schema.properties, key);
      setProperty(result, key, limitSizes(item, declared ? (schema?.properties?.[key] as SizedSchemaNode) : undefined, [...path, key], errors));
    }
    return result;
  }
  return value;
}

/**
 * Validates a template body whose nulls are already removed and whose name is
 * NFC-normalised, and fills in the defaults. Items past an array's size limit
 * are reported as one too_many_items failure and not checked one by one.
 */
function validateContent(unlimited: Record<string, unknown>, errors: FieldError[]): ValidationResult {
  const body = limitSizes(unlimited, CreateTemplateBodySchema, [], errors) as Record<string, unknown>;
  if (!validateCreateSchema(body)) {
    for (const error of validateCreateSchema.errors ?? []) {
      const translated = translateAjvError(error);
      // Never echo an environment variable's value: it may be a secret.
      errors.push(isEnvVarValuePath(parseJsonPointer(error.instancePath)) ? { field: translated.field, code: 'invalid_type', params: { expected: TYPE_NAMES.string! } } : translated);
    }
  }
  checkText(body, [], errors);
  checkName(body.name, errors);
  checkScope(body, errors);
  checkContainers(body.containers, errors);
  if (body.labels !== undefined) {
    checkLabels(body.labels, ['labels'], errors);
  }

  if (errors.length > 0) {
    return { ok: false, errors: removeDuplicateErrors(errors) };
  }
  const valid = body as CreateTemplateBody;
  return {
    ok: true,
    content: {
      name: valid.name,
      description: valid.description ?? null,
      scope: valid.scope ?? 'project',
      project_id: valid.project_id ?? null,
      containers: valid.containers.map(normalizeContainer),
      ttl_seconds_after_finished: valid.ttl_seconds_after_finished ?? DEFAULT_TTL_SECONDS_AFTER_FINISHED,
      backoff_limit: valid.backoff_limit ?? DEFAULT_BACKOFF_LIMIT,
      labels: valid.labels ?? {},
    },
  };
}

function normalizeName(body: Record<string, unknown>): void {
  if (typeof body.name === 'string') {
    body.name = body.name.normalize('NFC');
  }
}

const NOT_AN_OBJECT: FieldError = { field: '', code: 'invalid_type', params: { expected: TYPE_NAMES.object! } };

/** Validates the body of a create request and returns the template content with defaults filled in. */
export function validateCreateBody(body: unknown): ValidationResult {
  if (!isPlainObject(body)) {
    return { ok: false, errors: [NOT_AN_OBJECT] };
  }
  const cleaned = removeNulls(body, CreateTemplateBodySchema) as Record<string, unknown>;
  normalizeName(cleaned);
  return validateContent(cleaned, []);
}

/** Fields that an explicit null in an update body cannot clear. */
const NON_NULLABLE_FIELDS = ['name', 'scope', 'containers'] as const;

/**
 * Validates the body of an update request against the stored template: fields
 * absent from the body keep their value, `null` clears or resets the optional
 * ones, and the merged template is validated as a whole.
 */
export function validateUpdateBody(stored: JobTemplate, body: unknown): ValidationResult {
  if (!isPlainObject(body)) {
    return { ok: false, errors: [NOT_AN_OBJECT] };
  }
  const errors: FieldError[] = [];
  const merged: Record<string, unknown> = {
    name: stored.name,
    scope: stored.scope,
    containers: stored.containers,
    ttl_seconds_after_finished: stored.ttl_seconds_after_finished,
    backoff_limit: stored.backoff_limit,
  };
  if (Object.keys(stored.labels).length > 0) {
    merged.labels = stored.labels;
  }
  if (stored.description !== null) {
    merged.description = stored.description;
  }
  if (stored.project_id !== null) {
    merged.project_id = stored.project_id;
  }

  const properties: Readonly<Record<string, object>> = CreateTemplateBodySchema.properties;
  for (const [key, value] of Object.entries(body)) {
    const declared = Object.hasOwn(properties, key);
    if (value === null && declared && (NON_NULLABLE_FIELDS as readonly string[]).includes(key)) {
      errors.push({ field: key, code: 'not_nullable' });
    } else if (value === null && declared) {
      // Absent after the merge: the default applies, or the field is cleared.
      delete merged[key];
    } else {
      setProperty(merged, key, removeNulls(value, declared ? (properties[key] as SchemaNode) : undefined));
    }
  }
  normalizeName(merged);
  return validateContent(merged, errors);
}

/** Re-exported for callers that validate other records with the same messages. */
export { echoValue } from '../errors/echo.js';
