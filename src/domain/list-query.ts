/**
 * Parsing of the list endpoint's query parameters. Every invalid,
 * repeated or unknown parameter is reported at once.
 */
import type { FieldError } from '../errors/api-error.js';
import type { SortField } from '../store/template-store.js';
import { echoValue } from '../errors/echo.js';
import { PROJECT_ID } from './patterns.js';
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
  readonly sort: { readonly field: SortField; readonly descending: boolean };
  readonly limit: number;
  readonly offset: number;
}

export type ListQueryResult =
  | { readonly ok: true; readonly parameters: ListParameters }
  | { readonly ok: false; readonly errors: FieldError[] };

const KNOWN_PARAMETERS = new Set(['scope', 'project_id', 'name', 'limit', 'offset', 'sort']);
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

/** Validates the query parameters of a list request, given as parsed by the HTTP layer. */
export function parseListQuery(query: Readonly<Record<string, unknown>>): ListQueryResult {
  const errors: FieldError[] = [];
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!KNOWN_PARAMETERS.has(name)) {
      errors.push({ field: `query.${name}`, code: 'unknown_field' });
    } else if (Array.isArray(value)) {
      errors.push({ field: `query.${name}`, code: 'repeated_parameter' });
    } else if (typeof value === 'string') {
      values[name] = value;
    }
  }

  const { scope, project_id: projectId, name, sort = DEFAULT_SORT } = values;
  if (scope !== undefined && scope !== 'global' && scope !== 'project') {
    errors.push({ field: 'query.scope', code: 'invalid_value', params: { value: echoValue(scope), allowed: '"global", "project"' } });
  }
  if (projectId !== undefined && (projectId.length > 128 || !PROJECT_ID.regex.test(projectId))) {
    errors.push({ field: 'query.project_id', code: 'invalid_format', params: { value: echoValue(projectId), format: PROJECT_ID.description } });
  }
  if (scope === 'global' && projectId !== undefined) {
    errors.push({ field: 'query.project_id', code: 'conflicting_parameters' });
  }
  if (name !== undefined && (!name.isWellFormed() || name.includes('\u0000'))) {
    errors.push({ field: 'query.name', code: 'invalid_text', params: { problem: { en: 'an invalid character', zh: '无效字符' } } });
  }
  if (!(SORT_VALUES as readonly string[]).includes(sort)) {
    errors.push({
      field: 'query.sort',
      code: 'invalid_value',
      params: { value: echoValue(sort), allowed: SORT_VALUES.map((value) => `"${value}"`).join(', ') },
    });
  }
  const limit = values.limit === undefined ? DEFAULT_LIST_LIMIT : parseInteger('limit', values.limit, 1, MAX_LIST_LIMIT, errors);
  const offset = values.offset === undefined ? 0 : parseInteger('offset', values.offset, 0, MAX_LIST_OFFSET, errors);

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
      sort: { field: (descending ? sort.slice(1) : sort) as SortField, descending },
      limit,
      offset,
    },
  };
}
