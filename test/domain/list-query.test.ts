import { describe, expect, it } from 'vitest';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, MAX_LIST_OFFSET, parseListQuery, SORT_VALUES } from '../../src/domain/list-query.js';

/** Parses a query that must be valid and returns its parameters. */
function parseValid(query: Record<string, unknown>) {
  const result = parseListQuery(query);
  if (!result.ok) {
    throw new Error(`expected ${JSON.stringify(query)} to be valid, got ${JSON.stringify(result.errors)}`);
  }
  return result.parameters;
}

/** Parses a query that must be invalid and returns its errors as `field code` strings. */
function errorsOf(query: Record<string, unknown>): string[] {
  const result = parseListQuery(query);
  if (result.ok) {
    throw new Error(`expected ${JSON.stringify(query)} to be invalid`);
  }
  return result.errors.map((error) => `${error.field} ${error.code}`);
}

describe('parseListQuery', () => {
  it('applies the defaults', () => {
    expect(parseValid({})).toEqual({
      labelRequirements: [],
      sort: { field: 'created_at', descending: true },
      limit: DEFAULT_LIST_LIMIT,
      offset: 0,
    });
  });

  it('reads every parameter', () => {
    expect(
      parseValid({ scope: 'project', project_id: 'proj-a', name: 'Backup', label_selector: 'team=data,!legacy', sort: 'name', limit: '25', offset: '50' }),
    ).toEqual({
      scope: 'project',
      projectId: 'proj-a',
      name: 'Backup',
      labelRequirements: [
        { operator: 'equals', key: 'team', value: 'data' },
        { operator: 'not-exists', key: 'legacy' },
      ],
      sort: { field: 'name', descending: false },
      limit: 25,
      offset: 50,
    });
  });

  it.each(SORT_VALUES.map((value) => [value]))('sort %s', (value) => {
    const descending = value.startsWith('-');

    expect(parseValid({ sort: value }).sort).toEqual({ field: descending ? value.slice(1) : value, descending });
  });

  it('empty name is no filter', () => {
    expect(parseValid({ name: '' })).not.toHaveProperty('name');
  });

  it('keeps the name as given', () => {
    expect(parseValid({ name: ' 100%_X ' }).name).toBe(' 100%_X ');
  });

  it.each([
    ['limit', '1', 1],
    ['limit', String(MAX_LIST_LIMIT), MAX_LIST_LIMIT],
    ['offset', '0', 0],
    ['offset', String(MAX_LIST_OFFSET), MAX_LIST_OFFSET],
  ])('%s=%s is accepted', (name, value, expected) => {
    expect(parseValid({ [name]: value })[name as 'limit' | 'offset']).toBe(expected);
  });

  it.each([
    ['0', 'out_of_range'],
    ['1001', 'out_of_range'],
    ['99999999999999999999', 'out_of_range'],
    ['1e3', 'invalid_format'],
    ['+5', 'invalid_format'],
    ['-1', 'invalid_format'],
    ['01', 'invalid_format'],
    ['00', 'invalid_format'],
    ['1.0', 'invalid_format'],
    ['0x10', 'invalid_format'],
    [' 5', 'invalid_format'],
    ['5 ', 'invalid_format'],
    ['', 'invalid_format'],
    ['５', 'invalid_format'],
    ['Infinity', 'invalid_format'],
  ])('limit=%j is %s', (value, code) => {
    expect(errorsOf({ limit: value })).toEqual([`query.limit ${code}`]);
  });

  it.each([
    ['-1', 'invalid_format'],
    ['2147483648', 'out_of_range'],
    ['01', 'invalid_format'],
    ['1e3', 'invalid_format'],
    ['+0', 'invalid_format'],
    ['-0', 'invalid_format'],
  ])('offset=%j is %s', (value, code) => {
    expect(errorsOf({ offset: value })).toEqual([`query.offset ${code}`]);
  });

  it.each(['id', 'NAME', '+name', '', '--name', 'name '])('sort=%j is invalid', (value) => {
    expect(errorsOf({ sort: value })).toEqual(['query.sort invalid_value']);
  });

  it.each(['all', '', 'Global', 'project '])('scope=%j is invalid', (value) => {
    expect(errorsOf({ scope: value })).toEqual(['query.scope invalid_value']);
  });

  it.each(['', 'a b', 'proj/a', 'x'.repeat(129), 'ä'])('project_id=%j is invalid', (value) => {
    expect(errorsOf({ project_id: value })).toEqual(['query.project_id invalid_format']);
  });

  it('project_id of 128 characters is accepted', () => {
    expect(parseValid({ project_id: 'p'.repeat(128) }).projectId).toBe('p'.repeat(128));
  });

  it.each(['\u0000', 'a\ud800b', '\udc00'])('name=%j with an invalid character is invalid', (value) => {
    expect(errorsOf({ name: value })).toEqual(['query.name invalid_text']);
  });

  it('scope global with project_id conflicts', () => {
    expect(errorsOf({ scope: 'global', project_id: 'proj-a' })).toEqual(['query.project_id conflicting_parameters']);
  });

  it('scope project with project_id is accepted', () => {
    expect(parseValid({ scope: 'project', project_id: 'proj-a' })).toMatchObject({ scope: 'project', projectId: 'proj-a' });
  });

  it.each(['scope', 'project_id', 'name', 'limit', 'offset', 'sort'])('repeated %s is invalid', (name) => {
    expect(errorsOf({ [name]: ['1', '2'] })).toEqual([`query.${name} repeated_parameter`]);
  });

  it.each(['foo', 'Limit', 'labelSelector', '__proto__'])('unknown %s is invalid', (name) => {
    const query: Record<string, unknown> = {};
    Object.defineProperty(query, name, { value: '1', enumerable: true });

    expect(errorsOf(query)).toEqual([`query.${name} unknown_field`]);
  });

  it('reports every problem at once', () => {
    expect(errorsOf({ limit: '0', offset: 'x', sort: 'id', scope: 'all', extra: '1', name: ['a', 'b'] }).sort()).toEqual([
      'query.extra unknown_field',
      'query.limit out_of_range',
      'query.name repeated_parameter',
      'query.offset invalid_format',
      'query.scope invalid_value',
      'query.sort invalid_value',
    ]);
  });

  it('echoes at most 64 characters of an invalid value', () => {
    const result = parseListQuery({ sort: 'x'.repeat(500) });

    expect(result.ok).toBe(false);
    const value = result.ok ? '' : String(result.errors[0]?.params?.value);
    expect(Array.from(JSON.parse(value) as string).length).toBeLessThanOrEqual(65);
  });
});
