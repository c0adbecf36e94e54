import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createTokenVerifier } from '../../src/auth/token-verifier.js';
import { StoreUnavailableError, type TemplateStore } from '../../src/store/template-store.js';
import { COLLECTION, CTR, createTestApp, globalTemplate, projectTemplate, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-store.js';
import { createTestTokens, signToken, TEST_SECRET } from '../helpers/tokens.js';

const ONE_MIB = 1_048_576;

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Expects a problem document with the given status and code, and returns its body. */
function expectProblem(response: LightMyRequestResponse, status: number, code?: string): Record<string, any> {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json();
  expect(body.status).toBe(status);
  expect(typeof body.type).toBe('string');
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  expect(typeof body.request_id).toBe('string');
  if (code !== undefined) {
    expect(body.code).toBe(code);
  }
  return body;
}

/** Serializes `body` as JSON, padded with trailing spaces to exactly `bytes` bytes. */
function paddedJson(body: unknown, bytes: number): string {
  const text = JSON.stringify(body);
  const padding = bytes - Buffer.byteLength(text);
  if (padding < 0) {
    throw new Error(`The body is already ${Buffer.byteLength(text)} bytes, more than ${bytes}.`);
  }
  return text + ' '.repeat(padding);
}

describe('errors', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const url = (id: string) => `${COLLECTION}/${id}`;

  /** Sends a request without the harness defaults: no token and no Content-Type unless given. */
  function raw(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, headers: Record<string, string>, payload?: string) {
    return t.app.inject({ method, url: path, headers, ...(payload === undefined ? {} : { payload }) });
  }

  describe('400 invalid JSON', () => {
    it.each([
      ['truncated', '{"name":'],
      ['single quotes', "{'name': 'x'}"],
      ['trailing comma', '{"name": "x",}'],
      ['bare word', 'hello'],
      ['two documents', '{} {}'],
      ['invalid escape', '{"name": "\\x"}'],
    ])('%s body is 400', async (_case, payload) => {
      const response = await t.request('POST', COLLECTION, { body: payload });

      expectProblem(response, 400, 'invalid_json');
    });

    it('__proto__ key is 400', async () => {
      const payload = `{"__proto__": {"admin": true}, "name": "x", "project_id": "proj-a", "containers": [{"name": "main", "image": "i"}]}`;

      const response = await t.request('POST', COLLECTION, { body: payload });

      expectProblem(response, 400, 'invalid_json');
    });

    it('nested __proto__ key is 400', async () => {
      const payload = `{"name": "x", "containers": [{"name": "main", "image": "i", "__proto__": {"x": 1}}]}`;

      const response = await t.request('POST', COLLECTION, { body: payload });

      expectProblem(response, 400, 'invalid_json');
    });

    it('constructor.prototype key is 400', async () => {
      const payload = `{"constructor": {"prototype": {"admin": true}}, "name": "x"}`;

      const response = await t.request('POST', COLLECTION, { body: payload });

      expectProblem(response, 400, 'invalid_json');
    });

    it('nesting past the depth limit is 400', async () => {
      const payload = `{"name": "x", "extra": ${'['.repeat(65)}${']'.repeat(65)}}`;

      const response = await t.request('POST', COLLECTION, { body: payload });

      expectProblem(response, 400, 'invalid_json');
    });

    it('brackets inside strings do not count as nesting', async () => {
      const response = await t.request('POST', COLLECTION, {
        body: projectTemplate('brackets', { description: `${'[{'.repeat(200)}"\\"${']}'.repeat(200)}` }),
      });

      expect(response.statusCode).toBe(201);
    });

    it('empty JSON body on POST is 400', async () => {
      const response = await t.request('POST', COLLECTION, { headers: { 'content-type': 'application/json' } });

      expectProblem(response, 400, 'body_missing');
    });

    it('invalid percent-encoding in the path is 400', async () => {
      const response = await t.request('GET', `${COLLECTION}/%E0%A4%A`);

      expectProblem(response, 400, 'bad_request');
      expect(response.headers['x-request-id']).toBe(response.json().request_id);
    });
  });

  describe('401 unauthorized', () => {
    async function expectUnauthorized(authorization: string | undefined): Promise<void> {
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization };

      const response = await raw('GET', COLLECTION, headers);

      expectProblem(response, 401, 'unauthorized');
      expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer/);
    }

    const now = () => Math.floor(Date.now() / 1000);
    const claims = { sub: 'user-admin', roles: ['admin'], projects: [] };

    it('missing header', async () => {
      await expectUnauthorized(undefined);
    });

    it.each(['', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer not-a-jwt', 'Bearer a.b', 'Bearer a.b.c.d', 'Token abc.def.ghi'])(
      'malformed header %j',
      async (header) => {
        await expectUnauthorized(header);
      },
    );

    it('expired token', async () => {
      await expectUnauthorized(`Bearer ${await signToken({ ...claims, exp: now() - 120 })}`);
    });

    it('token expired within the clock skew is accepted', async () => {
      const response = await t.request('GET', COLLECTION, { token: await signToken({ ...claims, exp: now() - 10 }) });

      expect(response.statusCode).toBe(200);
    });

    it('not-yet-valid token beyond the clock skew', async () => {
      await expectUnauthorized(`Bearer ${await signToken({ ...claims, nbf: now() + 120 })}`);
    });

    it('not-yet-valid token within the clock skew is accepted', async () => {
      const response = await t.request('GET', COLLECTION, { token: await signToken({ ...claims, nbf: now() + 20 }) });

      expect(response.statusCode).toBe(200);
    });

    it('wrong signature', async () => {
      await expectUnauthorized(`Bearer ${await signToken(claims, 'another-secret-0123456789abcdef-xyz')}`);
    });

    it('tampered payload', async () => {
      const token = await signToken({ ...claims, roles: [] });
      const [header, , signature] = token.split('.');

      await expectUnauthorized(`Bearer ${header}.${base64url({ ...claims, exp: now() + 3600 })}.${signature}`);
    });

    it('token without exp', async () => {
      const token = await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt()
        .sign(new TextEncoder().encode(TEST_SECRET));

      await expectUnauthorized(`Bearer ${token}`);
    });

    it('token without sub', async () => {
      await expectUnauthorized(`Bearer ${await signToken({ roles: ['admin'], projects: [] })}`);
    });

    it('alg none', async () => {
      const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, exp: now() + 3600 })}.`;

      await expectUnauthorized(`Bearer ${token}`);
    });

    it('alg none with a signature segment', async () => {
      const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, exp: now() + 3600 })}.c2ln`;

      await expectUnauthorized(`Bearer ${token}`);
    });

    it.each(['POST', 'PUT', 'DELETE'] as const)('%s without a token', async (method) => {
      const path = method === 'POST' ? COLLECTION : url('wf-tmpl-x-000000');

      const response = await raw(method, path, { 'content-type': 'application/json' }, '{}');

      expectProblem(response, 401, 'unauthorized');
      expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer/);
    });
  });

  describe('404 not found', () => {
    it('unknown template id', async () => {
      const body = expectProblem(await t.request('GET', url('wf-tmpl-unknown-000000')), 404, 'not_found');

      expect(body.detail).toContain('wf-tmpl-unknown-000000');
    });

    it.each(['NOT-AN-ID', 'x'.repeat(100), 'wf_tmpl', '%F0%9F%98%80'])('id %s that cannot exist', async (id) => {
      expectProblem(await t.request('GET', url(id)), 404, 'not_found');
    });

    it('id longer than the router limit', async () => {
      const response = await t.request('GET', url('a'.repeat(600)));

      expectProblem(response, 404);
      expect(response.headers['x-request-id']).toBe(response.json().request_id);
    });

    it.each(['/api/unknown', '/nothing', `${COLLECTION}/a/b`])('unknown route %s', async (path) => {
      expectProblem(await t.request('GET', path), 404, 'route_not_found');
    });

    it('unsupported method on the collection', async () => {
      expectProblem(await t.request('DELETE', COLLECTION), 404, 'route_not_found');
    });
  });

  describe('413 body too large', () => {
    it('body of exactly 1 MiB is accepted', async () => {
      const payload = paddedJson(projectTemplate('one-mebibyte'), ONE_MIB);
      expect(Buffer.byteLength(payload)).toBe(ONE_MIB);

      const response = await t.request('POST', COLLECTION, { body: payload });

      expect(response.statusCode).toBe(201);
    });

    it('body one byte over 1 MiB is 413', async () => {
      const payload = paddedJson(projectTemplate('too-large'), ONE_MIB + 1);

      const response = await t.request('POST', COLLECTION, { body: payload });

      expectProblem(response, 413, 'body_too_large');
      expect((await t.request('GET', COLLECTION)).json().total).toBe(0);
    });

    it('PUT body of exactly 1 MiB is accepted', async () => {
      const created = await t.create(projectTemplate('put-mebibyte'));

      const response = await t.request('PUT', url(created.id), { body: paddedJson({ description: 'big' }, ONE_MIB) });

      expect(response.statusCode).toBe(200);
    });

    it('PUT body over 1 MiB is 413', async () => {
      const created = await t.create(projectTemplate('put-too-large'));

      const response = await t.request('PUT', url(created.id), { body: paddedJson({ description: 'big' }, ONE_MIB + 1) });

      expectProblem(response, 413, 'body_too_large');
    });

    it('multi-byte characters count as bytes', async () => {
      // 中 is 3 bytes in UTF-8: a body of 349,526 such characters is 1,048,578 bytes plus the JSON around it.
      const payload = JSON.stringify(projectTemplate('utf8-large', { extra: '中'.repeat(349_526) }));
      expect(payload.length).toBeLessThan(ONE_MIB);
      expect(Buffer.byteLength(payload)).toBeGreaterThan(ONE_MIB);

      const response = await t.request('POST', COLLECTION, { body: payload });

      expectProblem(response, 413, 'body_too_large');
    });
  });

  describe('415 unsupported media type', () => {
    it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
      'POST with %s is 415',
      async (contentType) => {
        const response = await t.request('POST', COLLECTION, {
          body: JSON.stringify(projectTemplate('media')),
          headers: { 'content-type': contentType },
        });

        expectProblem(response, 415, 'unsupported_media_type');
      },
    );

    it('PUT with text/plain is 415', async () => {
      const created = await t.create(projectTemplate('put-media'));

      const response = await t.request('PUT', url(created.id), {
        body: JSON.stringify({ description: 'x' }),
        headers: { 'content-type': 'text/plain' },
      });

      expectProblem(response, 415, 'unsupported_media_type');
    });

    it('body without Content-Type is 415', async () => {
      const response = await raw('POST', COLLECTION, { authorization: `Bearer ${t.tokens.admin}` }, JSON.stringify(projectTemplate('none')));

      expectProblem(response, 415, 'unsupported_media_type');
    });

    it('JSON with a charset is accepted', async () => {
      const response = await t.request('POST', COLLECTION, {
        body: JSON.stringify(projectTemplate('charset')),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });

      expect(response.statusCode).toBe(201);
    });
  });

  describe('422 validation', () => {
    it('lists every failure at once', async () => {
      const response = await t.request('POST', COLLECTION, {
        body: {
          name: ' padded ',
          scope: 'team',
          containers: [
            { name: 'Bad_Name', image: '', env_vars: [{ name: '1BAD', value: 'secret-value' }], liveness_probe: {} },
            { name: 'dup', image: 'a' },
            { name: 'dup', image: 'b', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } },
          ],
          ttl_seconds_after_finished: -1,
          backoff_limit: 'three',
          env: [],
        },
      });

      const body = expectProblem(response, 422, 'validation_failed');
      const fields = (body.errors as { field: string }[]).map((error) => error.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          'name',
          'scope',
          'containers[0].name',
          'containers[0].image',
          'containers[0].env_vars[0].name',
          'containers[0].liveness_probe',
          'containers[2].name',
          'containers[2].resources.requests.cpu',
          'ttl_seconds_after_finished',
          'backoff_limit',
          'env',
        ]),
      );
      expect(response.body).not.toContain('secret-value');
      for (const error of body.errors as { field: string; message: string; code: string }[]) {
        expect(typeof error.message).toBe('string');
        expect(error.code).toMatch(/^[a-z_]+$/);
      }
    });

    it('body that is not an object has field ""', async () => {
      const body = expectProblem(await t.request('POST', COLLECTION, { body: '[1, 2]' }), 422, 'validation_failed');

      expect(body.errors).toEqual([expect.objectContaining({ field: '' })]);
    });
  });

  describe('precedence', () => {
    /** Creates a template as admin and returns its ID and ETag. */
    async function createWithTag(body: Record<string, unknown>): Promise<{ id: string; etag: string }> {
      const response = await t.request('POST', COLLECTION, { body });
      expect(response.statusCode).toBe(201);
      return { id: response.json().id, etag: String(response.headers.etag) };
    }

    it('401 before 415', async () => {
      const response = await raw('POST', COLLECTION, { 'content-type': 'text/plain' }, 'hello');

      expectProblem(response, 401);
    });

    it('415 before 413', async () => {
      const response = await t.request('POST', COLLECTION, {
        body: 'x'.repeat(ONE_MIB + 10),
        headers: { 'content-type': 'text/plain' },
      });

      expectProblem(response, 415);
    });

    it('413 before 400', async () => {
      const response = await t.request('POST', COLLECTION, { body: `{"name": ${'['.repeat(ONE_MIB + 10)}` });

      expectProblem(response, 413);
    });

    it('400 before 404', async () => {
      const response = await t.request('PUT', url('wf-tmpl-missing-000000'), { body: '{"description": ' });

      expectProblem(response, 400);
    });

    it('400 missing body before 404', async () => {
      const response = await t.request('PUT', url('wf-tmpl-missing-000000'));

      expectProblem(response, 400);
    });

    it('404 before 403 on PUT', async () => {
      const { id } = await createWithTag(projectTemplate('hidden-put'));

      const response = await t.request('PUT', url(id), { body: { description: 'x' }, token: t.tokens.memberB });

      expectProblem(response, 404);
    });

    it('404 before 403 on DELETE', async () => {
      const { id } = await createWithTag(projectTemplate('hidden-delete'));

      const response = await t.request('DELETE', url(id), { token: t.tokens.memberB });

      expectProblem(response, 404);
    });

    it('403 on the template before 412', async () => {
      const { id } = await createWithTag(globalTemplate('global-stale'));

      const response = await t.request('PUT', url(id), {
        body: { description: 'x' },
        headers: { 'if-match': '"999"' },
        token: t.tokens.memberA,
      });

      expectProblem(response, 403, 'forbidden');
    });

    it('403 on the template before 412 on DELETE', async () => {
      const { id } = await createWithTag(globalTemplate('global-stale-delete'));

      const response = await t.request('DELETE', url(id), { headers: { 'if-match': '"999"' }, token: t.tokens.memberA });

      expectProblem(response, 403, 'forbidden');
    });

    it('412 before 422', async () => {
      const { id } = await createWithTag(projectTemplate('stale-invalid'));

      const response = await t.request('PUT', url(id), {
        body: { backoff_limit: -5, unknown: true },
        headers: { 'if-match': '"999"' },
      });

      expectProblem(response, 412, 'precondition_failed');
    });

    it('422 before 403 on the target project', async () => {
      const response = await t.request('POST', COLLECTION, {
        body: projectTemplate('bad-target', { project_id: 'proj-b', backoff_limit: -1 }),
        token: t.tokens.memberA,
      });

      expectProblem(response, 422, 'validation_failed');
    });

    it('422 before 403 on a move', async () => {
      const { id } = await createWithTag(projectTemplate('bad-move'));

      const response = await t.request('PUT', url(id), {
        body: { project_id: 'proj-b', containers: [] },
        token: t.tokens.memberA,
      });

      expectProblem(response, 422, 'validation_failed');
    });

    it('403 on the target project before 409', async () => {
      await createWithTag(projectTemplate('taken', { project_id: 'proj-b' }));

      const response = await t.request('POST', COLLECTION, {
        body: projectTemplate('taken', { project_id: 'proj-b' }),
        token: t.tokens.memberA,
      });

      expectProblem(response, 403, 'forbidden');
    });

    it('403 on a move before 409', async () => {
      await createWithTag(projectTemplate('taken-move', { project_id: 'proj-b' }));
      const { id } = await createWithTag(projectTemplate('taken-move'));

      const response = await t.request('PUT', url(id), { body: { project_id: 'proj-b' }, token: t.tokens.memberA });

      expectProblem(response, 403, 'forbidden');
    });

    it('409 when nothing else applies', async () => {
      await createWithTag(projectTemplate('taken-last'));

      const response = await t.request('POST', COLLECTION, { body: projectTemplate('taken-last'), token: t.tokens.memberA });

      expectProblem(response, 409, 'name_conflict');
    });

    it('409 on a rename', async () => {
      await createWithTag(globalTemplate('global-name'));
      const { id } = await createWithTag(globalTemplate('other-name'));

      const response = await t.request('PUT', url(id), { body: { name: 'global-name' } });

      expectProblem(response, 409, 'name_conflict');
    });
  });

  describe('language', () => {
    async function notFound(acceptLanguage?: string): Promise<Record<string, any>> {
      const response = await t.request('GET', url('wf-tmpl-missing-000000'), {
        ...(acceptLanguage === undefined ? {} : { headers: { 'accept-language': acceptLanguage } }),
      });
      return expectProblem(response, 404, 'not_found');
    }

    it('English by default', async () => {
      expect((await notFound()).title).toBe('Job template not found');
    });

    it.each(['zh', 'zh-CN', 'zh-Hans-CN', 'en;q=0.5, zh;q=0.9', 'fr, zh;q=0.8'])('Chinese for %s', async (header) => {
      const body = await notFound(header);

      expect(body.title).toBe('任务模板不存在');
      expect(body.detail).toMatch(/[\u4e00-\u9fff]/);
      expect(body.code).toBe('not_found');
    });

    it.each(['en', 'en, zh;q=0.5', 'fr', 'zh;q=0', 'de-DE, fr;q=0.9'])('English for %s', async (header) => {
      expect((await notFound(header)).title).toBe('Job template not found');
    });

    it('field messages follow the language', async () => {
      const response = await t.request('POST', COLLECTION, {
        body: { name: 'x', project_id: 'proj-a', containers: [{ ...CTR, env: [] }] },
        headers: { 'accept-language': 'zh-CN' },
      });

      const body = expectProblem(response, 422, 'validation_failed');
      expect(body.errors[0].field).toBe('containers[0].env');
      expect(body.errors[0].code).toBe('unknown_field');
      expect(body.errors[0].message).toMatch(/[\u4e00-\u9fff]/);
    });

    it('401 follows the language', async () => {
      const response = await raw('GET', COLLECTION, { 'accept-language': 'zh' });

      expect(expectProblem(response, 401).title).toBe('未认证');
    });
  });

  describe('request id', () => {
    it('request_id equals the x-request-id header', async () => {
      const response = await t.request('GET', url('wf-tmpl-missing-000000'));

      expect(response.headers['x-request-id']).toBeTruthy();
      expect(response.json().request_id).toBe(response.headers['x-request-id']);
    });

    it('incoming X-Request-Id is reused', async () => {
      const response = await t.request('GET', url('wf-tmpl-missing-000000'), { headers: { 'x-request-id': 'trace-42.a:b_c' } });

      expect(response.headers['x-request-id']).toBe('trace-42.a:b_c');
      expect(response.json().request_id).toBe('trace-42.a:b_c');
    });

    it.each(['has space', 'x'.repeat(129), 'quote"d', '<script>'])('unsafe X-Request-Id %j is replaced', async (incoming) => {
      const response = await t.request('GET', url('wf-tmpl-missing-000000'), { headers: { 'x-request-id': incoming } });

      expect(response.headers['x-request-id']).not.toBe(incoming);
      expect(response.json().request_id).toBe(response.headers['x-request-id']);
    });

    it('401 carries the request id', async () => {
      const response = await raw('GET', COLLECTION, { 'x-request-id': 'unauth-1' });

      expect(expectProblem(response, 401).request_id).toBe('unauth-1');
    });

    it('successful responses carry x-request-id', async () => {
      const response = await t.request('GET', COLLECTION);

      expect(response.headers['x-request-id']).toBeTruthy();
    });
  });

  describe('no 5xx for bad input', () => {
    const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const deepObject = (depth: number) => `${'{"x":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const wrap = (containers: string) => `{"name":"fuzz","project_id":"proj-a","containers":${containers}}`;

    const MALFORMED_BODIES: string[] = [
      '[]',
      '[{}]',
      '"string"',
      '42',
      'true',
      'null',
      '{}',
      '{"name":null,"containers":null}',
      deep(1000),
      deep(400_000),
      deepObject(1000),
      `{"name":"x","containers":[{"name":"m","image":"i","command":${deep(300_000)}}]}`,
      `{"name":"x","extra":${deepObject(100_000)}}`,
      wrap('[{"name":"m","image":"i","args":[1e400, -1e400, 1e-400]}]'),
      '{"name":"x","project_id":"proj-a","containers":[{"name":"m","image":"i"}],"ttl_seconds_after_finished":1e400}',
      '{"name":"x","project_id":"proj-a","containers":[{"name":"m","image":"i"}],"backoff_limit":123456789012345678901234567890}',
      '{"name":"x","project_id":"proj-a","containers":[{"name":"m","image":"i"}],"backoff_limit":-0}',
      '{"name":"x","project_id":"proj-a","containers":[{"name":"m","image":"i"}],"backoff_limit":1.5}',
      '{"name":"x","project_id":"proj-a","containers":[{"name":"m","image":"i"}],"ttl_seconds_after_finished":"NaN"}',
      '{"name":"x","project_id":"proj-a","containers":[{"name":"m","image":"i"}],"ttl_seconds_after_finished":"Infinity"}',
      wrap('[{"name":"m","image":"i","resources":{"requests":{"cpu":"NaN","memory":"Infinity","nvidia.com/gpu":"1e999999"}}}]'),
      wrap(`[{"name":"m","image":"i","resources":{"requests":{"cpu":"1e-999999999"},"limits":{"cpu":"${'9'.repeat(2000)}e999"}}}]`),
      wrap(`[{"name":"m","image":"i","resources":{"requests":{"cpu":"${'9'.repeat(5000)}"},"limits":{"cpu":"1"}}}]`),
      wrap('[{"name":"m","image":"i","resources":{"requests":{"cpu":2},"limits":[]}}]'),
      wrap('[{"name":"m","image":"i","env_vars":{"A":"1"}}]'),
      wrap('[{"name":"m","image":"i","env_vars":[null, 1, "x", []]}]'),
      wrap('[null, 1, "x", [], {"name": {"nested": true}}]'),
      wrap('{"0": {"name":"m","image":"i"}, "length": 1}'),
      wrap('"not a list"'),
      '{"name":"\\ud800","project_id":"proj-a","containers":[{"name":"m","image":"i"}]}',
      '{"name":"\\u0000","project_id":"proj-a","containers":[{"name":"m","image":"i"}]}',
      `{"name":"${'x'.repeat(500_000)}","project_id":"proj-a","containers":[{"name":"m","image":"i"}]}`,
      '{"name":"x","project_id":"proj-a","containers":[{"name":"m","image":"i"}],"toString":1,"valueOf":{},"hasOwnProperty":null}',
      '{"name":"x","scope":{"toString":"global"},"containers":[{"name":"m","image":"i"}]}',
      '{"name":["x"],"project_id":["proj-a"],"containers":[{"name":["m"],"image":{"a":1}}]}',
      '{"name":"x","name":"y","project_id":"proj-a","containers":[{"name":"m","image":"i"}]}',
      '{"name":"x","project_id":"proj-a","containers":[{"name":"m","image":"i","working_dir":{},"image_pull_policy":"always"}]}',
      `{"name":"x","project_id":"proj-a","containers":[${Array.from({ length: 2000 }, () => '{"name":"m","image":"i"}').join(',')}]}`,
      '\uFEFF{"name":"bom"}',
      '{"name":"x"}\u0000',
    ];

    it.each(MALFORMED_BODIES.map((body, index) => [index, body.length, body] as const))(
      'POST body #%i (%i characters) is below 500',
      async (_index, _length, body) => {
        const response = await t.request('POST', COLLECTION, { body });

        expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
      },
    );

    it('PUT bodies are below 500', async () => {
      const created = await t.create(projectTemplate('fuzz-target'));

      for (const [index, body] of MALFORMED_BODIES.entries()) {
        const response = await t.request('PUT', url(created.id), { body });

        expect(response.statusCode, `body #${index}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
      }
    });

    it('malformed query strings are below 500', async () => {
      const queries = ['limit[]=1', 'limit=%', 'name=%E0%A4%A', 'name=%00', 'sort[x]=1', '&&&', '=1', 'limit=1&&limit', 'name=' + 'x'.repeat(5000)];

      for (const query of queries) {
        const response = await t.request('GET', `${COLLECTION}?${query}`);

        expect(response.statusCode, `${query.slice(0, 40)}: ${response.body.slice(0, 200)}`).toBeLessThan(500);
      }
    });

    it('malformed If-Match values are below 500', async () => {
      const created = await t.create(projectTemplate('fuzz-if-match'));

      for (const ifMatch of ['', ',', '"', 'W/', '"1', '*, "1"', '"\u00ff"', `"${'1'.repeat(10_000)}"`]) {
        const response = await t.request('PUT', url(created.id), { body: { description: 'x' }, headers: { 'if-match': ifMatch } });

        expect(response.statusCode, ifMatch.slice(0, 20)).toBeLessThan(500);
      }
    });
  });
});

describe('internal errors', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let logLines: string[];
  let adminToken: string;

  /** Delegates to `store`, except that list fails unexpectedly and getById finds the store unavailable. */
  function withFailures(store: TemplateStore): TemplateStore {
    return {
      kind: store.kind,
      create: (template) => store.create(template),
      getById: async () => {
        throw new StoreUnavailableError('SQLite is unavailable (SQLITE_BUSY).');
      },
      getJsonById: async () => {
        throw new StoreUnavailableError('SQLite is unavailable (SQLITE_BUSY).');
      },
      list: async () => {
        throw new Error('near "SELEC": syntax error in SELECT * FROM job_templates at /srv/app/src/store/db.ts:12');
      },
      listJson: async () => {
        throw new Error('near "SELEC": syntax error in SELECT * FROM job_templates at /srv/app/src/store/db.ts:12');
      },
      update: (template, expectedRevision) => store.update(template, expectedRevision),
      delete: (id, expectedRevision) => store.delete(id, expectedRevision),
      isNameTaken: (name, scope, projectId, exceptId) => store.isNameTaken(name, scope, projectId, exceptId),
      listRevisions: (id, limit, offset) => store.listRevisions(id, limit, offset),
      getRevision: (id, revision) => store.getRevision(id, revision),
      count: () => store.count(),
      ping: () => store.ping(),
      close: () => store.close(),
    };
  }

  beforeEach(async () => {
    logLines = [];
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        logLines.push(String(chunk));
        callback();
      },
    });
    database = await createTestDatabase();
    const store = withFailures(await database.openStore());
    const verifier = createTokenVerifier({ secret: TEST_SECRET, clockSkewSeconds: 30 });
    app = await buildApp({ store, verifier, logger: { level: 'info', stream } });
    await app.ready();
    adminToken = (await createTestTokens()).admin;
  });
  afterEach(async () => {
    await app.close();
    await database.drop();
  });

  it('unexpected error is a 500 that leaks nothing', async () => {
    const response = await app.inject({
      method: 'GET',
      url: COLLECTION,
      headers: { authorization: `Bearer ${adminToken}`, 'x-request-id': 'boom-1' },
    });

    const body = expectProblem(response, 500, 'internal_error');
    expect(body.request_id).toBe('boom-1');
    for (const secret of ['SELEC', 'job_templates', '/srv/app', 'db.ts', 'at ']) {
      expect(response.body).not.toContain(secret);
    }
  });

  it('unexpected error is logged with stack and request id', async () => {
    await app.inject({ method: 'GET', url: COLLECTION, headers: { authorization: `Bearer ${adminToken}`, 'x-request-id': 'boom-2' } });

    const entry = logLines.map((line) => JSON.parse(line)).find((line) => line.level === 50);
    expect(entry).toBeDefined();
    expect(entry.request_id).toBe('boom-2');
    expect(String(entry.err?.stack)).toContain('syntax error');
  });

  it('unavailable store is a 503 with Retry-After', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `${COLLECTION}/wf-tmpl-x-000000`,
      headers: { authorization: `Bearer ${adminToken}` },
    });

    expectProblem(response, 503, 'service_unavailable');
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body).not.toContain('SQLITE_BUSY');
  });
});
