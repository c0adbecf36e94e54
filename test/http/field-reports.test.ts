/**
 * Failures reported against other job template and CRUD services, replayed
 * against this one. Each test sends one reported request sequence and checks
 * the responses that the API promises.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createTokenVerifier } from '../../src/auth/token-verifier.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { TemplateStore } from '../../src/store/template-store.js';
import { COLLECTION, createTestApp, CTR, globalTemplate, projectTemplate, type TestApp } from '../helpers/test-app.js';
import { createTestTokens, TEST_SECRET, type TestTokens } from '../helpers/tokens.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Checks that a response is an RFC 9457 problem document with the given status and code. */
function expectProblem(response: LightMyRequestResponse, status: number, code: string): Record<string, any> {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json();
  expect(problem).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code,
      request_id: expect.any(String),
    }),
  );
  if (status === 422) {
    expect(problem.errors).toEqual(expect.any(Array));
    for (const error of problem.errors as unknown[]) {
      expect(error).toEqual({ field: expect.any(String), message: expect.any(String), code: expect.any(String) });
    }
  }
  return problem;
}

function fieldsOf(problem: Record<string, any>): string[] {
  return (problem.errors as { field: string }[]).map((error) => error.field);
}

function expectNoServerError(responses: readonly LightMyRequestResponse[]): void {
  const failures = responses.filter((response) => response.statusCode >= 500).map((response) => `${response.statusCode} ${response.body}`);
  expect(failures).toEqual([]);
}

function base64Url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Two apps on two stores that share one SQLite file, as two server processes would. */
interface TwoInstances {
  readonly tokens: TestTokens;
  /** Sends a request as admin to instance 0 or 1. */
  request(instance: number, method: Method, url: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

async function startTwoInstances(): Promise<TwoInstances> {
  const folder = mkdtempSync(join(tmpdir(), 'job-templates-two-instances-'));
  const path = join(folder, 'race.db');
  const opened = await Promise.all([
    openSqliteStore({ path, busyTimeoutMs: 5000, synchronous: 'normal' }),
    openSqliteStore({ path, busyTimeoutMs: 5000, synchronous: 'normal' }),
  ]);
  const stores: TemplateStore[] = opened.map(({ store }) => store);
  const apps: FastifyInstance[] = [];
  for (const store of stores) {
    const verifier = createTokenVerifier({ secret: TEST_SECRET, clockSkewSeconds: 30 });
    const app = await buildApp({ store, verifier });
    await app.ready();
    apps.push(app);
  }
  const tokens = await createTestTokens();

  return {
    tokens,
    request(instance, method, url, body) {
      const app = apps[instance % apps.length];
      if (app === undefined) {
        throw new Error(`no instance ${instance}`);
      }
      const headers: Record<string, string> = { authorization: `Bearer ${tokens.admin}` };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
      }
      return app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
    },
    async close() {
      for (const app of apps) {
        await app.close();
      }
      for (const store of stores) {
        await store.close();
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

describe('reported failures replayed', () => {
  let t: TestApp;
  beforeEach(async () => {
    let tick = Date.parse('2026-02-25T10:00:00.000Z');
    // Each call moves the clock by one second, so that any write shows in updated_at.
    t = await createTestApp({ now: () => new Date((tick += 1000)) });
  });
  afterEach(async () => {
    await t.close();
  });

  it('misspelt container key is rejected with the missing field and nothing stored', async () => {
    const response = await t.request('POST', COLLECTION, {
      body: { name: 'typo-image', scope: 'project', project_id: 'proj-a', containers: [{ name: 'main', imagex: 'busybox:1.36' }] },
    });

    const problem = expectProblem(response, 422, 'validation_failed');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'containers[0].imagex', code: 'unknown_field' }),
        expect.objectContaining({ field: 'containers[0].image', code: 'required' }),
      ]),
    );

    const listed = await t.request('GET', COLLECTION, { query: { project_id: 'proj-a' } });
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toEqual({ total: 0, items: [] });
  });

  it('env var names Kubernetes rejects are rejected on create', async () => {
    const digit = await t.request('POST', COLLECTION, {
      body: projectTemplate('env-digit', { containers: [{ ...CTR, env_vars: [{ name: '0123', value: 'x' }] }] }),
    });
    const digitProblem = expectProblem(digit, 422, 'validation_failed');
    const digitError = (digitProblem.errors as { field: string; message: string }[]).find(
      (error) => error.field === 'containers[0].env_vars[0].name',
    );
    expect(digitError?.message).toContain('"0123"');
    expect(digitError?.message).toContain('letters, digits, "-", "." and "_", not starting with a digit');

    const dots = await t.request('POST', COLLECTION, {
      body: projectTemplate('env-dots', { containers: [{ ...CTR, env_vars: [{ name: '..', value: 'x' }] }] }),
    });
    expect(fieldsOf(expectProblem(dots, 422, 'validation_failed'))).toContain('containers[0].env_vars[0].name');

    const valid = await t.request('POST', COLLECTION, {
      body: projectTemplate('env-ok', { containers: [{ ...CTR, env_vars: [{ name: 'my.env-name', value: '1' }, { name: '_X1' }] }] }),
    });
    expect(valid.statusCode).toBe(201);
    expect(valid.headers.location).toBe(`${COLLECTION}/${valid.json().id}`);
    expect(valid.json().containers[0].env_vars).toEqual([
      { name: 'my.env-name', value: '1' },
      { name: '_X1', value: '' },
    ]);
  });

  it('explicit 0 for ttl and backoff is kept, not replaced by the default', async () => {
    const created = await t.request('POST', COLLECTION, {
      body: projectTemplate('zero-vals', { ttl_seconds_after_finished: 0, backoff_limit: 0 }),
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().ttl_seconds_after_finished).toBe(0);
    expect(created.json().backoff_limit).toBe(0);

    const fetched = await t.request('GET', `${COLLECTION}/${created.json().id}`);
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json().ttl_seconds_after_finished).toBe(0);
    expect(fetched.json().backoff_limit).toBe(0);

    const five = await t.create(projectTemplate('five', { backoff_limit: 5 }));
    const updated = await t.request('PUT', `${COLLECTION}/${five.id}`, { body: { backoff_limit: 0, ttl_seconds_after_finished: 0 } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().backoff_limit).toBe(0);
    expect(updated.json().ttl_seconds_after_finished).toBe(0);
  });

  it('update without containers keeps the stored list', async () => {
    const containers = [
      { name: 'main', image: 'busybox:1.36' },
      { name: 'side', image: 'alpine:3.20', args: ['-c', 'true'] },
    ];
    const createdResponse = await t.request('POST', COLLECTION, { body: projectTemplate('keep-list', { description: 'd', containers }) });
    expect(createdResponse.statusCode).toBe(201);
    const created = createdResponse.json();
    const url = `${COLLECTION}/${created.id}`;

    const renamed = await t.request('PUT', url, { body: { name: 'keep-list-v2' } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().name).toBe('keep-list-v2');
    expect(renamed.json().id).toBe(created.id);
    expect(renamed.json().description).toBe('d');
    expect(renamed.json().containers).toEqual(containers);

    const empty = await t.request('PUT', url, { body: {} });
    expect(empty.statusCode).toBe(200);
    expect(empty.json().updated_at).toBe(renamed.json().updated_at);
    expect(empty.json().updated_by).toBe(renamed.json().updated_by);
    expect(empty.headers.etag).toBe(renamed.headers.etag);
    expect(empty.json()).toEqual(renamed.json());

    const emptyList = await t.request('PUT', url, { body: { containers: [] } });
    expect(fieldsOf(expectProblem(emptyList, 422, 'validation_failed'))).toEqual(['containers']);
    expect((await t.request('GET', url)).json().containers).toEqual(containers);

    const nullList = await t.request('PUT', url, { body: { containers: null } });
    expect(fieldsOf(expectProblem(nullList, 422, 'validation_failed'))).toEqual(['containers']);
    expect((await t.request('GET', url)).json().containers).toEqual(containers);
  });

  it('explicit null clears description and resets ttl and backoff', async () => {
    const created = await t.create(projectTemplate('nulls', { description: 'd', ttl_seconds_after_finished: 1800, backoff_limit: 5 }));
    const url = `${COLLECTION}/${created.id}`;

    const cleared = await t.request('PUT', url, { body: { description: null } });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().description).toBeNull();
    expect(cleared.json().ttl_seconds_after_finished).toBe(1800);
    expect(cleared.json().backoff_limit).toBe(5);

    const reset = await t.request('PUT', url, { body: { ttl_seconds_after_finished: null, backoff_limit: null } });
    expect(reset.statusCode).toBe(200);
    expect(reset.json().ttl_seconds_after_finished).toBe(3600);
    expect(reset.json().backoff_limit).toBe(3);
    expect(reset.json().description).toBeNull();

    const nullName = await t.request('PUT', url, { body: { name: null } });
    expect(fieldsOf(expectProblem(nullName, 422, 'validation_failed'))).toEqual(['name']);

    const nullScope = await t.request('PUT', url, { body: { scope: null } });
    expect(fieldsOf(expectProblem(nullScope, 422, 'validation_failed'))).toEqual(['scope']);

    const final = await t.request('GET', url);
    expect(final.json()).toEqual(reset.json());
  });

  it('stale If-Match is a 412 and changes nothing', async () => {
    const created = await t.create(projectTemplate('etag'));
    const url = `${COLLECTION}/${created.id}`;

    const read = await t.request('GET', url);
    expect(read.statusCode).toBe(200);
    const first = read.headers.etag as string;
    expect(first).toMatch(/^"[^"]*"$/);

    const v2 = await t.request('PUT', url, { body: { description: 'v2' } });
    expect(v2.statusCode).toBe(200);
    const second = v2.headers.etag as string;
    expect(second).toMatch(/^"[^"]*"$/);
    expect(second).not.toBe(first);

    const staleUpdate = await t.request('PUT', url, { body: { description: 'v3' }, headers: { 'if-match': first } });
    expectProblem(staleUpdate, 412, 'precondition_failed');
    const afterStaleUpdate = await t.request('GET', url);
    expect(afterStaleUpdate.json().description).toBe('v2');
    expect(afterStaleUpdate.headers.etag).toBe(second);

    const staleDelete = await t.request('DELETE', url, { headers: { 'if-match': first } });
    expectProblem(staleDelete, 412, 'precondition_failed');
    expect((await t.request('GET', url)).statusCode).toBe(200);

    const v4 = await t.request('PUT', url, { body: { description: 'v4' }, headers: { 'if-match': second } });
    expect(v4.statusCode).toBe(200);
    expect(v4.json().description).toBe('v4');
    expect(v4.headers.etag).toMatch(/^"[^"]*"$/);
    expect(v4.headers.etag).not.toBe(second);
    expect(v4.headers.etag).not.toBe(first);
  });

  it('global names are unique although global templates have no project', async () => {
    const instances = await startTwoInstances();
    try {
      const body = { name: 'shared-etl', scope: 'global', containers: [CTR] };

      expect((await instances.request(0, 'POST', COLLECTION, body)).statusCode).toBe(201);
      expectProblem(await instances.request(0, 'POST', COLLECTION, body), 409, 'name_conflict');
      expectProblem(await instances.request(1, 'POST', COLLECTION, { ...body, project_id: null }), 409, 'name_conflict');

      const race = await Promise.all(
        Array.from({ length: 10 }, (_, index) => instances.request(index, 'POST', COLLECTION, { name: 'race-etl', scope: 'global', containers: [CTR] })),
      );
      expectNoServerError(race);
      const statuses = race.map((response) => response.statusCode);
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(9);
      const raced = await instances.request(1, 'GET', `${COLLECTION}?scope=global&name=race-etl`);
      expect(raced.json().total).toBe(1);

      expect((await instances.request(0, 'POST', COLLECTION, projectTemplate('shared-etl'))).statusCode).toBe(201);

      const other = await instances.request(1, 'POST', COLLECTION, { name: 'other-etl', scope: 'global', containers: [CTR] });
      expect(other.statusCode).toBe(201);
      const renamed = await instances.request(0, 'PUT', `${COLLECTION}/${other.json().id}`, { name: 'shared-etl' });
      expectProblem(renamed, 409, 'name_conflict');
    } finally {
      await instances.close();
    }
  });

  it('unsigned and stripped tokens are rejected', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const claims = base64Url({ sub: 'user-x', roles: ['admin'], exp });
    const unsigned = `eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.${claims}.`;
    const unsignedCapitalised = `${base64Url({ alg: 'None', typ: 'JWT' })}.${claims}.`;
    const [header, payload] = t.tokens.admin.split('.');
    const stripped = `${header}.${payload}.`;
    const strippedWithoutDot = `${header}.${payload}`;

    const attempts = [
      await t.request('GET', COLLECTION, { token: unsigned }),
      await t.request('POST', COLLECTION, { token: unsigned, body: { name: 'forged', scope: 'global', containers: [CTR] } }),
      await t.request('GET', COLLECTION, { token: unsignedCapitalised }),
      await t.request('GET', COLLECTION, { token: stripped }),
      await t.request('GET', COLLECTION, { token: strippedWithoutDot }),
    ];
    for (const response of attempts) {
      expectProblem(response, 401, 'unauthorized');
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    }

    const control = await t.request('GET', COLLECTION);
    expect(control.statusCode).toBe(200);
    const forged = await t.request('GET', COLLECTION, { query: { name: 'forged' } });
    expect(forged.json().total).toBe(0);
  });

  it('concurrent writes on two instances sharing one SQLite file all succeed', async () => {
    const instances = await startTwoInstances();
    try {
      const readiness: Promise<LightMyRequestResponse>[] = [];
      const creates = await Promise.all(
        Array.from({ length: 40 }, (_, index) => {
          readiness.push(instances.request(index, 'GET', '/readyz'));
          return instances.request(index, 'POST', COLLECTION, projectTemplate(`load-${String(index).padStart(2, '0')}`));
        }),
      );
      expectNoServerError(creates);
      expect(creates.map((response) => response.statusCode)).toEqual(Array.from({ length: 40 }, () => 201));

      const hot = await instances.request(0, 'POST', COLLECTION, projectTemplate('hot'));
      expect(hot.statusCode).toBe(201);
      const url = `${COLLECTION}/${hot.json().id}`;
      const updates = await Promise.all(
        Array.from({ length: 20 }, (_, index) => {
          readiness.push(instances.request(index + 1, 'GET', '/readyz'));
          return instances.request(index, 'PUT', url, { description: `d${index}` });
        }),
      );
      expectNoServerError(updates);
      expect(updates.map((response) => response.statusCode)).toEqual(Array.from({ length: 20 }, () => 200));

      const final = await instances.request(1, 'GET', url);
      const description = final.json().description as string;
      expect(Array.from({ length: 20 }, (_, index) => `d${index}`)).toContain(description);
      const winner = updates.find((response) => response.json().description === description);
      expect(final.headers.etag).toBe(winner?.headers.etag);

      const listed = await instances.request(0, 'GET', `${COLLECTION}?name=load-&limit=1000`);
      expect(listed.statusCode).toBe(200);
      expect(listed.json().total).toBe(40);

      const ready = await Promise.all(readiness);
      expect(ready.map((response) => response.statusCode)).toEqual(ready.map(() => 200));
      expect((await instances.request(0, 'GET', '/readyz')).statusCode).toBe(200);
      expect((await instances.request(1, 'GET', '/readyz')).statusCode).toBe(200);
    } finally {
      await instances.close();
    }
  });
});
