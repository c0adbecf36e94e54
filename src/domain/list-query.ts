/**
 * Parsing of the list endpoint's query parameters. Every invalid,
 * repeated or unknown parameter is reported at once.
 */
import type { FieldError } from '../errors/api-error.js';
import type { SortField } from '../store/template-store.js';
import { echoValue } from '../errors/echo.js';
import { PROJECT_ID } from './patterns.js';
import { parseLabelSelector, type LabelRequirement } from './label-selector.js';
import type { TemplateScope } from './template-schema.js';

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;
export const MAX_LIST_OFFSET = 2_147_483_647;

/** Values of `sort`: a field, descending when prefixed with `-`. */
export const SORT_VALUES = ['created_at', '-created_at', 'updated_at', '-updated_at', 'name', '-name'] as const;
export const DEFAULT_SORT = '-created_at';

/** A validated list request. */
export interface ListParameters {
  readonly scope?: TemplateScope;
  readonly projectId?: string;
  /** The `name` search as given; empty means no filter. */
  readonly name?: string;
  /** Requirements of `label_selector`; empty when not given. */
  readonly labelRequirements: readonly LabelRequirement[];
  readonly sort: { readonly field: SortField; readonly descending: boolean };
  readonly limit: number;
  readonly offset: number;
}

/** `limit` and `offset` of a paged request. */
export interface Paging {
  readonly limit: number;
  readonly offset: number;
}

export type ListQueryResult =
  | { readonly ok: true; readonly parameters: ListParameters }
  | { readonly ok: false; readonly errors: FieldError[] };

const LIST_PARAMETERS = ['scope', 'project_id', 'name', 'label_selector', 'limit', 'offset', 'sort'];
const PLAIN_INTEGER = /^(0|[1-9][0-9]*)$/;

function parseInteger(
  name: string,
  text: string,
  min: number,
  max: number,
  errors: FieldError[],
): number | undefined {
  const field = `query.${name}`;
  if (!PLAIN_INTEGER.test(text)) {
    errors.push({
      field,
      code: 'invalid_format',
      params: { value: echoValue(text), format: { en: `a plain decimal integer from ${min} to ${max}`, zh: `${min} 到 ${max} 之间的十进制整数` } },
    });
    return undefined;
  }
  const value = Number(text);
  if (value < min || value > max) {
    errors.push({ field, code: 'out_of_range', params: { value: text, min, max } });
    return undefined;
  }
  return value;
}

/**
 * Reads the query parameters a request may have: each known parameter once,
 * as a string. Unknown and repeated parameters are reported.
 */
function readParameters(query: Readonly<Record<string, unknown>>, known: readonly string[], errors: FieldError[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!known.includes(name)) {
      errors.push({ field: `query.${name}`, code: 'unknown_field' });
    } else if (Array.isArray(value)) {
      errors.push({ field: `query.${name}`, code: 'repeated_parameter' });
    } else if (typeof value === 'string') {
      values[name] = value;
    }
  }
  return values;
}

function readPaging(values: Record<string, string>, errors: FieldError[]): Partial<Paging> {
  const limit = values.limit === undefined ? DEFAULT_LIST_LIMIT : parseInteger('limit', values.limit, 1, MAX_LIST_LIMIT, errors);
  const offset = values.offset === undefined ? 0 : parseInteger('offset', values.offset, 0, MAX_LIST_OFFSET, errors);
  return { ...(limit === undefined ? {} : { limit }), ...(offset === undefined ? {} : { offset }) };
}

/** Validates the query parameters of a list request, given as parsed by the HTTP layer. */
export function parseListQuery(query: Readonly<Record<string, unknown>>): ListQueryResult {
  const errors: FieldError[] = [];
  const values = readParameters(query, LIST_PARAMETERS, errors);

  const { scope, project_id: projectId, name, label_selector: labelSelector, sort = DEFAULT_SORT } = values;
  if (scope !== undefined && scope !== 'global' && scope !== 'project') {
    errors.push({ field: 'query.scope', code: 'invalid_value', params: { value: echoValue(scope), allowed: '"global", "project"' } });
  }
  if (projectId !== undefined && (projectId.length > 128 || !PROJECT_ID.regex.test(projectId))) {
    errors.push({ field: 'query.project_id', code: 'invalid_format', params: { value: echoValue(projectId), format: PROJECT_ID.description } });
  }
  if (scope === 'global' && projectId !== undefined) {
    errors.push({ field: 'query.project_id', code: 'conflicting_parameters' });
  }
  // TODO: a percent-encoded name that is not UTF-8 reaches this point already decoded with U+FFFD, so it is
  // searched instead of rejected with 422 like such bytes in a body.
  if (name !== undefined && (!name.isWellFormed() || name.includes('\u0000'))) {
    errors.push({ field: 'query.name', code: 'invalid_text', params: { problem: { en: 'an invalid character', zh: '无效字符' } } });
  }
  let labelRequirements: readonly LabelRequirement[] = [];
  if (labelSelector !== undefined) {
    const parsed = parseLabelSelector(labelSelector);
    if (parsed.ok) {
      labelRequirements = parsed.requirements;
    } else {
      errors.push({ field: 'query.label_selector', code: 'invalid_label_selector', params: { reason: parsed.reason } });
    }
  }
  if (!(SORT_VALUES as readonly string[]).includes(sort)) {
    errors.push({
      field: 'query.sort',
      code: 'invalid_value',
      params: { value: echoValue(sort), allowed: SORT_VALUES.map((value) => `"${value}"`).join(', ') },
    });
  }
  const { limit, offset } = readPaging(values, errors);

  if (errors.length > 0 || limit === undefined || offset === undefined) {
    return { ok: false, errors };
  }
  const descending = sort.startsWith('-');
  return {
    ok: true,
    parameters: {
      ...(scope === undefined ? {} : { scope: scope as TemplateScope }),
      ...(projectId === undefined ? {} : { projectId }),
      ...(name === undefined || name === '' ? {} : { name }),
      labelRequirements,
      sort: { field: (descending ? sort.slice(1) : sort) as SortField, descending },
      limit,
      offset,
    },
  };
}

/** Validates the `limit` and `offset` of a paged request other than the template list. */
export function parsePagingQuery(query: Readonly<Record<string, unknown>>): { ok: true; paging: Paging } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const { limit, offset } = readPaging(readParameters(query, ['limit', 'offset'], errors), errors);
  return errors.length > 0 || limit === undefined || offset === undefined ? { ok: false, errors } : { ok: true, paging: { limit, offset } };
}

/**
 * Validates the query of a create or update: only `dry_run`, `true` or
 * `false`. Returns the failures, to be reported with the body's.
 */
export function parseWriteQuery(query: Readonly<Record<string, unknown>>): { dryRun: boolean; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const values = readParameters(query, ['dry_run'], errors);
  const dryRun = values.dry_run;
  if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') {
    errors.push({ field: 'query.dry_run', code: 'invalid_value', params: { value: echoValue(dryRun), allowed: '"true", "false"' } });
  }
  return { dryRun: dryRun === 'true', errors };
}
