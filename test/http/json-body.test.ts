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

describe('JSON body encoding', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('bytes that are not UTF-8 are 400', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xe9]), Buffer.from('","scope":"global","containers":[{"name":"a","image":"b"}]}')]);
    const response = await t.app.inject({
      method: 'POST',
      url: COLLECTION,
      headers: { authorization: `Bearer ${t.tokens.admin}`, 'content-type': 'application/json' },
      payload: body,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toContain('not valid UTF-8');
  });

  it('charset other than UTF-8 is 415', async () => {
    const response = await t.request('POST', COLLECTION, { body: '{}', headers: { 'content-type': 'application/json; charset=latin1' } });
    expect(response.statusCode).toBe(415);
  });

  it('charset UTF-8 is accepted', async () => {
    const response = await t.request('POST', COLLECTION, {
      body: { name: 'utf8', scope: 'global', containers: [{ name: 'a', image: 'b' }] },
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    });
    expect(response.statusCode).toBe(201);
  });
});
