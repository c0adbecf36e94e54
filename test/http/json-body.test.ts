import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeSyntaxError } from '../../src/http/json-body.js';
import { COLLECTION, createTestApp, type TestApp } from '../helpers/test-app.js';

describe('JSON body errors', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it.each([
    ['{bad', "Expected property name or '}' at position 1"],
    ['{"a":1,}', 'at position 7'],
    ['{"a":', 'the body ends before the JSON value is complete'],
    ['{"__proto__":{}}', '"__proto__"'],
    ['{"constructor":{"prototype":{}}}', '"__proto__" or "constructor.prototype"'],
  ])('%s is 400 saying where', async (body, expected) => {
    const response = await t.request('POST', COLLECTION, { body });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('invalid_json');
    expect(response.json().detail).toContain(expected);
  });

  it('message never quotes the body', async () => {
    const response = await t.request('POST', COLLECTION, { body: 'secret-value-123' });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('secret-value');
  });

  it('Chinese message gives the position', async () => {
    const response = await t.request('POST', COLLECTION, { body: '[1 2]', headers: { 'accept-language': 'zh' } });
    expect(response.json().detail).toContain('在第 3 个字符处');
  });
});

describe('describeSyntaxError', () => {
  it('keeps one unexpected character', () => {
    expect(describeSyntaxError(new SyntaxError('Unexpected token \'x\', "xyz" is not valid JSON')).en).toBe("unexpected character 'x'");
  });

  it('falls back to a generic reason', () => {
    expect(describeSyntaxError(new SyntaxError('something else "quoted"')).en).toBe('it is not valid JSON text');
  });
});
