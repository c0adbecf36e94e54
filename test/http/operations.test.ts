import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createTokenVerifier } from '../../src/auth/token-verifier.js';
import type { TemplateStore } from '../../src/store/template-store.js';
import { COLLECTION, createTestApp, globalTemplate, projectTemplate, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-store.js';
import { TEST_SECRET } from '../helpers/tokens.js';

describe('operational endpoints', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const get = (url: string) => t.app.inject({ method: 'GET', url });

  it('healthz is 200 without a token', async () => {
    const response = await get('/healthz');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('readyz is 200 when the store answers', async () => {
    const response = await get('/readyz');

    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('ready');
  });

  describe('metrics', () => {
    it('exposes request, latency and template metrics', async () => {
      await t.create(globalTemplate('counted-1'));
      await t.create(projectTemplate('counted-2'));
      await t.request('GET', COLLECTION);

      const response = await get('/metrics');

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toContain('# TYPE http_requests_total counter');
      expect(response.body).toContain('# TYPE http_request_duration_seconds histogram');
      expect(response.body).toContain('# TYPE job_templates gauge');
      expect(response.body).toMatch(/^job_templates 2$/m);
      expect(response.body).toMatch(
        /^http_requests_total\{method="POST",route="\/api\/workflow\/job-templates",status_code="201"\} 2$/m,
      );
      expect(response.body).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/api\/workflow\/job-templates",status_code="200"\} 1$/m);
    });

    it('labels unknown paths as one route', async () => {
      await get('/scanner/probe-1');
      await get('/scanner/probe-2');

      const response = await get('/metrics');

      expect(response.body).toMatch(/^http_requests_total\{method="GET",route="unmatched",status_code="404"\} 2$/m);
      expect(response.body).not.toContain('probe-1');
    });

    it('labels requests by route pattern, not by id', async () => {
      const created = await t.create(projectTemplate('pattern'));
      await t.request('GET', `${COLLECTION}/${created.id}`);

      const response = await get('/metrics');

      expect(response.body).toContain('route="/api/workflow/job-templates/:template_id"');
      expect(response.body).not.toContain(created.id);
    });
  });

  describe('OpenAPI', () => {
    it('openapi.json is OpenAPI 3.1 with the five operations', async () => {
      const response = await get('/openapi.json');

      expect(response.statusCode).toBe(200);
      const document = response.json();
      expect(document.openapi).toMatch(/^3\.1\./);
      const item = `${COLLECTION}/{template_id}`;
      expect(Object.keys(document.paths[COLLECTION]).sort()).toEqual(['get', 'post']);
      expect(Object.keys(document.paths[item]).sort()).toEqual(['delete', 'get', 'put']);
    });

    it('API operations require the bearer scheme', async () => {
      const document = (await get('/openapi.json')).json();

      expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
      const item = `${COLLECTION}/{template_id}`;
      for (const [path, method] of [
        [COLLECTION, 'post'],
        [COLLECTION, 'get'],
        [item, 'get'],
        [item, 'put'],
        [item, 'delete'],
      ] as const) {
        expect(document.paths[path][method].security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
      }
    });

    it('docs serves HTML', async () => {
      const response = await get('/docs');

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toMatch(/<html/i);
    });
  });
});

describe('readiness with a failing store', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let storeAnswers: boolean;

  /** Delegates to `store`, with a ping that fails while `storeAnswers` is false. */
  function withSwitchablePing(store: TemplateStore): TemplateStore {
    return {
      kind: store.kind,
      create: (template) => store.create(template),
      getById: (id) => store.getById(id),
      getJsonById: (id) => store.getJsonById(id),
      list: (query) => store.list(query),
      listJson: (query) => store.listJson(query),
      update: (template, expectedRevision) => store.update(template, expectedRevision),
      delete: (id, expectedRevision) => store.delete(id, expectedRevision),
      isNameTaken: (name, scope, projectId, exceptId) => store.isNameTaken(name, scope, projectId, exceptId),
      listRevisions: (id, limit, offset) => store.listRevisions(id, limit, offset),
      getRevision: (id, revision) => store.getRevision(id, revision),
      count: () => store.count(),
      ping: async () => {
        if (!storeAnswers) {
          throw new Error('connection refused');
        }
        await store.ping();
      },
      close: () => store.close(),
    };
  }

  beforeEach(async () => {
    storeAnswers = true;
    database = await createTestDatabase();
    const store = withSwitchablePing(await database.openStore());
    app = await buildApp({ store, verifier: createTokenVerifier({ secret: TEST_SECRET, clockSkewSeconds: 30 }) });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await database.drop();
  });

  it('readyz is 503 while the store ping fails', async () => {
    storeAnswers = false;

    const response = await app.inject({ method: 'GET', url: '/readyz' });

    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().code).toBe('service_unavailable');
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body).not.toContain('connection refused');
  });

  it('readyz recovers when the store answers again', async () => {
    storeAnswers = false;
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    storeAnswers = true;

    const response = await app.inject({ method: 'GET', url: '/readyz' });

    expect(response.statusCode).toBe(200);
  });

  it('healthz stays 200 while the store fails', async () => {
    storeAnswers = false;

    const response = await app.inject({ method: 'GET', url: '/healthz' });

    expect(response.statusCode).toBe(200);
  });
});
