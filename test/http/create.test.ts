import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTION, createTestApp, CTR, globalTemplate, projectTemplate, type TestApp } from '../helpers/test-app.js';

const RFC_3339_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const STRONG_ETAG = /^"[^"]*"$/;

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
  return problem;
}

function fieldsOf(problem: Record<string, any>): string[] {
  return (problem.errors as { field: string }[]).map((error) => error.field);
}

describe('POST /api/workflow/job-templates', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ now: () => new Date('2026-02-25T10:00:00Z') });
  });
  afterEach(async () => {
    await t.close();
  });

  it('create answers 201 with Location, ETag and the template', async () => {
    const response = await t.request('POST', COLLECTION, {
      body: {
        name: 'my-job-template',
        description: 'My batch job',
        scope: 'project',
        project_id: 'proj-001',
        containers: [
          { name: 'job-container', image: 'my-job:latest', command: ['/bin/run.sh'], env_vars: [{ name: 'BATCH_SIZE', value: '100' }] },
        ],
        ttl_seconds_after_finished: 1800,
        backoff_limit: 5,
      },
    });

    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(response.headers.location).toBe(`${COLLECTION}/${created.id}`);
    expect(response.headers.etag).toMatch(STRONG_ETAG);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(created).toEqual({
      id: expect.stringMatching(/^wf-tmpl-my-job-template-[0-9a-f]{6}$/),
      name: 'my-job-template',
      description: 'My batch job',
      scope: 'project',
      project_id: 'proj-001',
      containers: [
        { name: 'job-container', image: 'my-job:latest', command: ['/bin/run.sh'], env_vars: [{ name: 'BATCH_SIZE', value: '100' }] },
      ],
      ttl_seconds_after_finished: 1800,
      backoff_limit: 5,
      labels: {},
      revision: 1,
      created_by: 'user-admin',
      updated_by: 'user-admin',
      created_at: '2026-02-25T10:00:00.000Z',
      updated_at: '2026-02-25T10:00:00.000Z',
    });
  });

  it('create fills defaults and returns null for absent top-level fields', async () => {
    const response = await t.request('POST', COLLECTION, { body: { name: 'defaults', scope: 'global', containers: [CTR] } });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      id: expect.stringMatching(/^wf-tmpl-defaults-[0-9a-f]{6}$/),
      name: 'defaults',
      description: null,
      scope: 'global',
      project_id: null,
      containers: [{ name: 'main', image: 'busybox:1.36' }],
      ttl_seconds_after_finished: 3600,
      backoff_limit: 3,
      labels: {},
      revision: 1,
      created_by: 'user-admin',
      updated_by: 'user-admin',
      created_at: '2026-02-25T10:00:00.000Z',
      updated_at: '2026-02-25T10:00:00.000Z',
    });
  });

  it('create defaults scope to project', async () => {
    const created = await t.create({ name: 'default-scope', project_id: 'proj-a', containers: [CTR] });

    expect(created.scope).toBe('project');
    expect(created.project_id).toBe('proj-a');
  });

  it('create omits optional container fields rather than returning null', async () => {
    const created = await t.create(
      projectTemplate('omitted', {
        containers: [
          { name: 'main', image: 'busybox', command: null, args: null, working_dir: null, image_pull_policy: null, resources: null, env_vars: null },
          { name: 'side', image: 'alpine' },
        ],
      }),
    );

    for (const container of created.containers as Record<string, unknown>[]) {
      expect(Object.keys(container).sort()).toEqual(['image', 'name']);
    }
  });

  it('create returns an env var without value as ""', async () => {
    const created = await t.create(
      projectTemplate('env-default', { containers: [{ ...CTR, env_vars: [{ name: 'A' }, { name: 'B', value: null }, { name: 'C', value: 'c' }] }] }),
    );

    expect(created.containers[0].env_vars).toEqual([
      { name: 'A', value: '' },
      { name: 'B', value: '' },
      { name: 'C', value: 'c' },
    ]);
  });

  it('create keeps every container field', async () => {
    const container = {
      name: 'trainer',
      image: 'ghcr.io/org/trainer:v1',
      command: ['python'],
      args: ['train.py', '--epochs', '3'],
      env_vars: [{ name: 'my.env-name', value: '1' }],
      working_dir: '/workspace',
      image_pull_policy: 'Always',
      resources: { requests: { cpu: '500m', memory: '1000Mi' }, limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '2' } },
    };
    const created = await t.create(projectTemplate('full-container', { containers: [container, { name: 'side', image: 'alpine' }] }));

    expect(created.containers).toEqual([container, { name: 'side', image: 'alpine' }]);
  });

  it('create writes timestamps in UTC with milliseconds', async () => {
    const live = await createTestApp();
    try {
      const before = Date.now();
      const created = await live.create(projectTemplate('timestamps'));
      const after = Date.now();

      expect(created.created_at).toMatch(RFC_3339_UTC_MILLIS);
      expect(created.updated_at).toBe(created.created_at);
      expect(Date.parse(created.created_at)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(created.created_at)).toBeLessThanOrEqual(after);
    } finally {
      await live.close();
    }
  });

  it('create records the token sub as created_by and updated_by', async () => {
    const created = await t.create(projectTemplate('by-member'), t.tokens.memberA);

    expect(created.created_by).toBe('user-a');
    expect(created.updated_by).toBe('user-a');
  });

  it('GET returns what create returned, with the same ETag', async () => {
    const response = await t.request('POST', COLLECTION, { body: projectTemplate('read-back') });
    const created = response.json();

    const fetched = await t.request('GET', `${COLLECTION}/${created.id}`);

    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(created);
    expect(fetched.headers.etag).toBe(response.headers.etag);
  });

  it('rename keeps the ID', async () => {
    const created = await t.create(projectTemplate('before-rename'));

    const renamed = await t.request('PUT', `${COLLECTION}/${created.id}`, { body: { name: 'after rename' } });

    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().id).toBe(created.id);
    expect(renamed.json().name).toBe('after rename');
    const fetched = await t.request('GET', `${COLLECTION}/${created.id}`);
    expect(fetched.json().name).toBe('after rename');
  });

  it('Chinese name gets an ID of 8 hex digits', async () => {
    const created = await t.create(projectTemplate('数据处理任务'));

    expect(created.id).toMatch(/^wf-tmpl-[0-9a-f]{8}$/);
    expect(created.name).toBe('数据处理任务');
    expect((await t.request('GET', `${COLLECTION}/${created.id}`)).statusCode).toBe(200);
  });

  it('name is stored in NFC', async () => {
    const created = await t.create(projectTemplate('cafe\u0301'));

    expect(created.name).toBe('caf\u00e9');
    expect((await t.request('GET', `${COLLECTION}/${created.id}`)).json().name).toBe('caf\u00e9');
  });

  it('name of 128 emoji is accepted and stored whole', async () => {
    const name = '\u{1F600}'.repeat(128);
    const created = await t.create(projectTemplate(name));

    expect((await t.request('GET', `${COLLECTION}/${created.id}`)).json().name).toBe(name);
  });
});

describe('POST /api/workflow/job-templates: validation problems', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('invalid body is a 422 problem document listing every failure', async () => {
    const response = await t.request('POST', COLLECTION, {
      body: { name: '', scope: 'project', containers: [{ name: 'Main', imagex: 'busybox' }], backoff_limit: -1 },
    });

    const problem = expectProblem(response, 422, 'validation_failed');
    expect(problem.type).toMatch(/validation_failed$/);
    expect(problem.title).toBe('Validation failed');
    expect(problem.detail).toContain('6 problem(s)');
    expect(new Set(fieldsOf(problem))).toEqual(
      new Set(['name', 'project_id', 'containers[0].name', 'containers[0].image', 'containers[0].imagex', 'backoff_limit']),
    );
    for (const error of problem.errors as Record<string, unknown>[]) {
      expect(error).toEqual({ field: expect.any(String), message: expect.any(String), code: expect.any(String) });
    }
  });

  it('problem request_id matches the X-Request-Id header', async () => {
    const response = await t.request('POST', COLLECTION, { body: { name: 'x' }, headers: { 'x-request-id': 'trace-123' } });

    const problem = expectProblem(response, 422, 'validation_failed');
    expect(problem.request_id).toBe('trace-123');
    expect(response.headers['x-request-id']).toBe('trace-123');
  });

  it('messages are in English by default', async () => {
    const response = await t.request('POST', COLLECTION, { body: projectTemplate('x', { containers: [] }) });

    const problem = expectProblem(response, 422, 'validation_failed');
    expect(problem.errors).toEqual([{ field: 'containers', message: 'containers must have at least 1 item(s).', code: 'too_few_items' }]);
  });

  it.each(['zh-CN', 'zh', 'zh-TW', 'zh-CN,zh;q=0.9,en;q=0.8', 'en;q=0.5, zh-Hans;q=0.9'])(
    'messages are in Chinese for Accept-Language %s',
    async (acceptLanguage) => {
      const response = await t.request('POST', COLLECTION, {
        body: projectTemplate('x', { containers: [{ name: 'main', imagex: 'busybox' }] }),
        headers: { 'accept-language': acceptLanguage },
      });

      const problem = expectProblem(response, 422, 'validation_failed');
      expect(problem.title).toBe('校验失败');
      expect(problem.detail).toMatch(/[\u4e00-\u9fff]/);
      expect(problem.errors).toHaveLength(2);
      expect(problem.errors).toEqual(
        expect.arrayContaining([
          { field: 'containers[0].imagex', message: expect.stringMatching(/[\u4e00-\u9fff]/), code: 'unknown_field' },
          { field: 'containers[0].image', message: expect.stringMatching(/[\u4e00-\u9fff]/), code: 'required' },
        ]),
      );
    },
  );

  it('Accept-Language preferring English keeps English messages', async () => {
    const response = await t.request('POST', COLLECTION, {
      body: projectTemplate('x', { containers: [] }),
      headers: { 'accept-language': 'en-US,zh;q=0.5' },
    });

    expect(expectProblem(response, 422, 'validation_failed').title).toBe('Validation failed');
  });

  it('health check field is rejected with its own message', async () => {
    const response = await t.request('POST', COLLECTION, {
      body: projectTemplate('probe', { containers: [{ ...CTR, liveness_probe: { httpGet: { path: '/' } } }] }),
    });

    const problem = expectProblem(response, 422, 'validation_failed');
    expect(problem.errors).toEqual([
      { field: 'containers[0].liveness_probe', message: expect.stringContaining('do not support health checks'), code: 'health_check_not_supported' },
    ]);
  });

  it('env var value never appears in the problem', async () => {
    const secret = 'p4ssw0rd-very-secret';
    const response = await t.request('POST', COLLECTION, {
      body: projectTemplate('secret', { containers: [{ ...CTR, env_vars: [{ name: '0BAD', value: secret }, { name: '0BAD', value: secret }] }] }),
    });

    expectProblem(response, 422, 'validation_failed');
    expect(response.body).not.toContain(secret);
  });

  it('unpaired surrogate escape in the JSON text is a 422', async () => {
    const response = await t.request('POST', COLLECTION, {
      body: '{"name":"job\\ud800","project_id":"proj-a","containers":[{"name":"main","image":"busybox","args":["\\udc00"]}]}',
    });

    const problem = expectProblem(response, 422, 'validation_failed');
    expect(fieldsOf(problem)).toEqual(['name', 'containers[0].args[0]']);
  });

  it.each(['null', '[]', '"job"', '42'])('non-object body %s is rejected', async (text) => {
    const problem = expectProblem(await t.request('POST', COLLECTION, { body: text }), 422, 'validation_failed');

    expect(problem.errors).toEqual([{ field: '', message: 'The body must be a JSON object.', code: 'invalid_type' }]);
  });

  it('read-only fields in the body are a 422', async () => {
    const response = await t.request('POST', COLLECTION, {
      body: projectTemplate('read-only', { id: 'wf-tmpl-mine-000000', created_by: 'someone', created_at: '2020-01-01T00:00:00.000Z' }),
    });

    const problem = expectProblem(response, 422, 'validation_failed');
    expect(problem.errors).toEqual(
      ['id', 'created_by', 'created_at'].map((field) => ({ field, message: expect.stringContaining('read-only'), code: 'read_only' })),
    );
  });

  it('invalid template stores nothing', async () => {
    await t.request('POST', COLLECTION, { body: projectTemplate('bad', { containers: [{ name: 'main' }] }) });

    const listed = await t.request('GET', COLLECTION);
    expect(listed.json()).toEqual({ total: 0, items: [] });
  });
});

describe('POST /api/workflow/job-templates: name uniqueness', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('same name in the same project is a 409 name conflict', async () => {
    await t.create(projectTemplate('etl'));

    const response = await t.request('POST', COLLECTION, { body: projectTemplate('etl') });

    const problem = expectProblem(response, 409, 'name_conflict');
    expect(problem.detail).toContain('"etl"');
    expect(problem.detail).toContain('proj-a');
  });

  it('same global name is a 409 name conflict', async () => {
    await t.create(globalTemplate('shared'));

    expectProblem(await t.request('POST', COLLECTION, { body: globalTemplate('shared') }), 409, 'name_conflict');
    expectProblem(await t.request('POST', COLLECTION, { body: globalTemplate('shared', { project_id: null }) }), 409, 'name_conflict');
  });

  it('global name given with project_id null conflicts with one given without', async () => {
    await t.create(globalTemplate('shared', { project_id: null }));

    expectProblem(await t.request('POST', COLLECTION, { body: globalTemplate('shared') }), 409, 'name_conflict');
  });

  it('same name is allowed in another project and in another scope', async () => {
    await t.create(projectTemplate('etl'));

    expect((await t.request('POST', COLLECTION, { body: projectTemplate('etl', { project_id: 'proj-b' }) })).statusCode).toBe(201);
    expect((await t.request('POST', COLLECTION, { body: globalTemplate('etl') })).statusCode).toBe(201);

    const listed = await t.request('GET', COLLECTION, { query: { name: 'etl' } });
    expect(listed.json().total).toBe(3);
  });

  it('rename into a taken name is a 409 name conflict', async () => {
    await t.create(projectTemplate('taken'));
    const other = await t.create(projectTemplate('other'));

    const response = await t.request('PUT', `${COLLECTION}/${other.id}`, { body: { name: 'taken' } });

    expectProblem(response, 409, 'name_conflict');
    expect((await t.request('GET', `${COLLECTION}/${other.id}`)).json().name).toBe('other');
  });

  it('rename into a taken global name is a 409 name conflict', async () => {
    await t.create(globalTemplate('taken'));
    const other = await t.create(globalTemplate('other'));

    expectProblem(await t.request('PUT', `${COLLECTION}/${other.id}`, { body: { name: 'taken' } }), 409, 'name_conflict');
  });

  it('move into a project that has the name is a 409 name conflict', async () => {
    await t.create(projectTemplate('taken', { project_id: 'proj-b' }));
    const moving = await t.create(projectTemplate('taken'));

    expectProblem(await t.request('PUT', `${COLLECTION}/${moving.id}`, { body: { project_id: 'proj-b' } }), 409, 'name_conflict');
  });

  it('update that keeps its own name is no conflict', async () => {
    const created = await t.create(projectTemplate('mine'));

    const response = await t.request('PUT', `${COLLECTION}/${created.id}`, { body: { name: 'mine', description: 'changed' } });

    expect(response.statusCode).toBe(200);
  });

  it('names are compared after NFC', async () => {
    await t.create(projectTemplate('caf\u00e9'));

    expectProblem(await t.request('POST', COLLECTION, { body: projectTemplate('cafe\u0301') }), 409, 'name_conflict');
  });

  it('decomposed name conflicts with a precomposed one created after it', async () => {
    await t.create(globalTemplate('Ame\u0301lie'));

    expectProblem(await t.request('POST', COLLECTION, { body: globalTemplate('Am\u00e9lie') }), 409, 'name_conflict');
  });

  it('names are compared case-sensitively', async () => {
    expect((await t.request('POST', COLLECTION, { body: projectTemplate('A') })).statusCode).toBe(201);
    expect((await t.request('POST', COLLECTION, { body: projectTemplate('a') })).statusCode).toBe(201);
    expect((await t.request('POST', COLLECTION, { body: globalTemplate('Report') })).statusCode).toBe(201);
    expect((await t.request('POST', COLLECTION, { body: globalTemplate('REPORT') })).statusCode).toBe(201);
  });

  it('names differing only in case are all found by one name search', async () => {
    for (const name of ['STRA\u1E9EE', 'Stra\u00dfe', 'strasse', '\u039f\u03a3\u0391', '\u03bf\u03c3\u03b1']) {
      expect((await t.request('POST', COLLECTION, { body: projectTemplate(name) })).statusCode).toBe(201);
    }

    for (const search of ['strasse', 'STRASSE', 'stra\u00dfe', 'STRA\u1E9EE']) {
      const listed = await t.request('GET', COLLECTION, { query: { name: search } });
      expect(listed.json().total, search).toBe(3);
    }
    for (const search of ['\u03bf\u03c3', '\u039f\u03a3', '\u03c3\u03b1']) {
      const listed = await t.request('GET', COLLECTION, { query: { name: search } });
      expect(listed.json().total, search).toBe(2);
    }
  });

  it('deleted template frees its name', async () => {
    const created = await t.create(projectTemplate('reuse'));
    await t.request('DELETE', `${COLLECTION}/${created.id}`);

    expect((await t.request('POST', COLLECTION, { body: projectTemplate('reuse') })).statusCode).toBe(201);
  });

  it('concurrent identical global creates have one winner', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => t.request('POST', COLLECTION, { body: globalTemplate('race') })),
    );
    const statuses = responses.map((response) => response.statusCode);

    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(9);
    for (const response of responses.filter((candidate) => candidate.statusCode === 409)) {
      expectProblem(response, 409, 'name_conflict');
    }
    const listed = await t.request('GET', COLLECTION, { query: { scope: 'global', name: 'race' } });
    expect(listed.json().total).toBe(1);
  });

  it('concurrent identical project creates have one winner', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => t.request('POST', COLLECTION, { body: projectTemplate('race') })),
    );
    const statuses = responses.map((response) => response.statusCode).sort();

    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
  });
});
