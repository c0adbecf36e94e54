import { describe, expect, it } from 'vitest';
import type { FieldError } from '../../src/errors/api-error.js';
import { checkLabels, isLabelKey, isLabelValue, LABEL_KEY_FORMAT, LABEL_VALUE_FORMAT, MAX_LABELS } from '../../src/domain/labels.js';

/** Runs checkLabels on `labels` at path `labels` and returns its verdict and failures. */
function check(labels: unknown, errors: FieldError[] = []): { valid: boolean; errors: FieldError[] } {
  const valid = checkLabels(labels, ['labels'], errors);
  return { valid, errors };
}

function summary(errors: FieldError[]): string[] {
  return errors.map((error) => `${error.field} ${error.code}`);
}

describe('isLabelKey', () => {
  it.each([
    'a',
    'A',
    '0',
    'team',
    'Team-Name_1.x',
    'a-b',
    'a_b',
    'a.b',
    'n'.repeat(63),
    'example.com/team',
    'a/b',
    '0/a',
    'sub.example.com/a',
    'a-b.c-d/e',
    `${'p'.repeat(253)}/a`,
    `${'p'.repeat(253)}/${'n'.repeat(63)}`,
  ])('accepts %j', (key) => {
    expect(isLabelKey(key)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['n'.repeat(64), 'name over 63'],
    ['-a', 'leading dash'],
    ['a-', 'trailing dash'],
    ['_a', 'leading underscore'],
    ['a_', 'trailing underscore'],
    ['.a', 'leading dot'],
    ['a.', 'trailing dot'],
    ['a b', 'space'],
    ['a:b', 'colon'],
    ['é', 'non-ASCII letter'],
    ['a\u0000', 'NUL'],
    ['/a', 'empty prefix'],
    ['a/', 'empty name'],
    ['/', 'slash only'],
    ['a/b/c', 'second slash'],
    ['Example.com/a', 'uppercase prefix'],
    ['example_com/a', 'underscore in prefix'],
    ['-example.com/a', 'prefix leading dash'],
    ['example-.com/a', 'prefix segment trailing dash'],
    ['example..com/a', 'empty prefix segment'],
    ['.example.com/a', 'prefix leading dot'],
    ['example.com./a', 'prefix trailing dot'],
    [`${'p'.repeat(254)}/a`, 'prefix over 253'],
    [`example.com/${'n'.repeat(64)}`, 'prefixed name over 63'],
    ['example.com/-a', 'prefixed name leading dash'],
    ['__proto__', 'object prototype name'],
  ])('rejects %j (%s)', (key) => {
    expect(isLabelKey(key)).toBe(false);
  });
});

describe('isLabelValue', () => {
  it.each(['', 'a', '0', 'data', 'Data-1_b.c', 'v'.repeat(63)])('accepts %j', (value) => {
    expect(isLabelValue(value)).toBe(true);
  });

  it.each([
    ['v'.repeat(64), 'over 63'],
    ['-a', 'leading dash'],
    ['a-', 'trailing dash'],
    ['.a', 'leading dot'],
    ['a_', 'trailing underscore'],
    ['a b', 'space'],
    [' ', 'blank'],
    ['a/b', 'slash'],
    ['a=b', 'equals sign'],
    ['é', 'non-ASCII letter'],
  ])('rejects %j (%s)', (value) => {
    expect(isLabelValue(value)).toBe(false);
  });
});

describe('checkLabels', () => {
  it('accepts valid labels', () => {
    const result = check({ team: 'data', 'example.com/tier': '', constructor: 'x' });

    expect(result.valid).toBe(true);
    expect(result.errors).toEqual([]);
  });

  it('accepts an empty object', () => {
    expect(check({})).toEqual({ valid: true, errors: [] });
  });

  it(`accepts ${MAX_LABELS} pairs`, () => {
    const labels = Object.fromEntries(Array.from({ length: MAX_LABELS }, (_, index) => [`k${index}`, 'v']));

    expect(check(labels)).toEqual({ valid: true, errors: [] });
  });

  it(`rejects ${MAX_LABELS + 1} pairs`, () => {
    const labels = Object.fromEntries(Array.from({ length: MAX_LABELS + 1 }, (_, index) => [`k${index}`, 'v']));

    const result = check(labels);

    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([{ field: 'labels', code: 'too_many_items', params: { actual: 65, limit: 64 } }]);
  });

  it.each([[null], [[]], [['a']], ['team=data'], [1], [true], [undefined]])('rejects %j as not an object', (labels) => {
    const result = check(labels);

    expect(result.valid).toBe(false);
    expect(summary(result.errors)).toEqual(['labels invalid_type']);
  });

  it('names an identifier key with a dot', () => {
    expect(summary(check({ team: 'a b' }).errors)).toEqual(['labels.team invalid_format']);
  });

  it('names other keys in brackets', () => {
    expect(summary(check({ 'example.com/x': 'a b', 'a-b': '-', '1a': '-' }).errors)).toEqual([
      'labels["example.com/x"] invalid_format',
      'labels["a-b"] invalid_format',
      'labels["1a"] invalid_format',
    ]);
  });

  it('formats the path it is given', () => {
    const errors: FieldError[] = [];

    checkLabels({ 'bad key': 'x' }, ['render', 0, 'labels'], errors);

    expect(summary(errors)).toEqual(['render[0].labels["bad key"] invalid_label_key']);
  });

  it('reports an invalid key with its format', () => {
    expect(check({ 'bad key': 'x' }).errors).toEqual([
      { field: 'labels["bad key"]', code: 'invalid_label_key', params: { value: '"bad key"', format: LABEL_KEY_FORMAT } },
    ]);
  });

  it('reports an invalid value with its format', () => {
    expect(check({ team: 'a b' }).errors).toEqual([
      { field: 'labels.team', code: 'invalid_format', params: { value: '"a b"', format: LABEL_VALUE_FORMAT } },
    ]);
  });

  it.each([[1], [true], [null], [['a']], [{ a: 'b' }]])('rejects the non-string value %j', (value) => {
    const result = check({ team: value });

    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([{ field: 'labels.team', code: 'invalid_type', params: { expected: { en: 'a string', zh: '字符串' } } }]);
  });

  it('reports both key and value of one pair', () => {
    expect(summary(check({ 'bad key': 'bad value' }).errors)).toEqual([
      'labels["bad key"] invalid_label_key',
      'labels["bad key"] invalid_format',
    ]);
  });

  it('reports an invalid key with a non-string value', () => {
    expect(summary(check({ 'bad key': 5 }).errors)).toEqual(['labels["bad key"] invalid_label_key', 'labels["bad key"] invalid_type']);
  });

  it('reports every invalid pair', () => {
    expect(summary(check({ ok: 'fine', 'a b': 'x', c: '-', d: 1 }).errors)).toEqual([
      'labels["a b"] invalid_label_key',
      'labels.c invalid_format',
      'labels.d invalid_type',
    ]);
  });

  it('cuts an echoed key to 64 characters', () => {
    const key = `${'é'.repeat(70)}`;

    const [error] = check({ [key]: 'x' }).errors;

    expect(error?.params?.value).toBe(JSON.stringify(`${'é'.repeat(64)}…`));
  });

  it('cuts an echoed value by code points', () => {
    const value = '😀'.repeat(65);

    const [error] = check({ team: value }).errors;

    expect(error?.params?.value).toBe(JSON.stringify(`${'😀'.repeat(64)}…`));
  });

  it('echoes a 64-character value whole', () => {
    const value = 'v'.repeat(64);

    const [error] = check({ team: value }).errors;

    expect(error?.params?.value).toBe(JSON.stringify(value));
  });

  it('treats __proto__ as an ordinary invalid key', () => {
    const labels = JSON.parse('{"__proto__": "x", "team": "data"}') as unknown;

    const result = check(labels);

    expect(result.valid).toBe(false);
    expect(summary(result.errors)).toEqual(['labels.__proto__ invalid_label_key']);
  });

  it('keeps earlier failures', () => {
    const earlier: FieldError = { field: 'name', code: 'required' };

    const result = check({ team: 'a b' }, [earlier]);

    expect(result.valid).toBe(false);
    expect(summary(result.errors)).toEqual(['name required', 'labels.team invalid_format']);
  });

  it('does not repeat a failure already listed', () => {
    const schemaFailures: FieldError[] = [
      { field: 'labels', code: 'too_many_items', params: { limit: 64, actual: 65 } },
      { field: 'labels.k0', code: 'invalid_type', params: { expected: { en: 'a string', zh: '字符串' } } },
    ];
    const labels: Record<string, unknown> = Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`k${index}`, 'v']));
    labels.k0 = 1;

    const result = check(labels, [...schemaFailures]);

    expect(result.valid).toBe(false);
    expect(result.errors).toEqual(schemaFailures);
  });

  it('does not repeat a listed non-object failure', () => {
    const schemaFailure: FieldError = { field: 'labels', code: 'invalid_type', params: { expected: { en: 'a JSON object', zh: 'JSON 对象' } } };

    const result = check([], [schemaFailure]);

    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([schemaFailure]);
  });

  it('still adds a failure of another code on a listed field', () => {
    const result = check({ team: 'a b' }, [{ field: 'labels.team', code: 'invalid_type' }]);

    expect(summary(result.errors)).toEqual(['labels.team invalid_type', 'labels.team invalid_format']);
  });
});
