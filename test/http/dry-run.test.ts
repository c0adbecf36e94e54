import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTION, CTR, createTestApp, globalTemplate, projectTemplate, type TestApp } from '../helpers/test-app.js';

const START = Date.parse('2026-03-01T10:00:00.000Z');
const DRY_RUN = `${COLLECTION}?dry_run=true`;

describe('dry run', () => {
  let t: TestApp;
  let clock: number;

  beforeEach(async () => {
    clock = START;
    t = await createTestApp({ now: () => new Date(clock) });
  });
  afterEach(async () => {
    await t.close();
  });

  const url = (id: string) => `${COLLECTION}/${id}`;
  const dryRunUrl = (id: string) => `${COLLECTION}/${id}?dry_run=true`;

  const tick = (seconds = 60) => {
    clock += seconds * 1000;
  };

  function fieldsOf(response: { json(): any }): string[] {
    return (response.json().errors as { field: string }[]).map((error) => error.field);
  }

  function codesOf(response: { json(): any }): string[] {
    return (response.json().errors as { code: string }[]).map((error) => error.code);
  }

  async function total(): Promise<number> {
    const response = await t.request('GET', COLLECTION);
    expect(response.statusCode).toBe(200);
    return response.json().total;
  }

  async function revisionCount(id: string): Promise<number> {
    const response = await t.request('GET', `${url(id)}/revisions`);
    expect(response.statusCode).toBe(200);
    return response.json().total;
  }

  describe('POST', () => {
    it('returns the template without storing it', async () => {
      const response = await t.request('POST', DRY_RUN, { body: projectTemplate('Nightly Backup') });

      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body.id).toMatch(/^wf-tmpl-nightly-backup-[0-9a-f]{6}$/);
      expect(body).toEqual({
        id: body.id,
        name: 'Nightly Backup',
        description: null,
        scope: 'project',
        project_id: 'proj-a',
        containers: [CTR],
        ttl_seconds_after_finished: 3600,
        backoff_limit: 3,
        labels: {},
        created_by: 'user-admin',
        updated_by: 'user-admin',
        created_at: '2026-03-01T10:00:00.000Z',
        updated_at: '2026-03-01T10:00:00.000Z',
        revision: 1,
      });
      expect(response.headers.etag).toBe('"1"');
      expect(response.headers.location).toBeUndefined();
      expect(await total()).toBe(0);
      const fetched = await t.request('GET', url(body.id));
      expect(fetched.statusCode).toBe(404);
      expect(fetched.json().code).toBe('not_found');
    });

    it('keeps the given fields', async () => {
      const body = globalTemplate('全局模板', {
        description: 'text',
        ttl_seconds_after_finished: 0,
        backoff_limit: 9,
        labels: { team: 'data' },
        containers: [{ name: 'main', image: 'busybox:1.36', env_vars: [{ name: 'A' }] }],
      });

      const response = await t.request('POST', DRY_RUN, { body });

      expect(response.statusCode).toBe(201);
      expect(response.json().id).toMatch(/^wf-tmpl-[0-9a-f]{8}$/);
      expect(response.json()).toMatchObject({
        ...body,
        project_id: null,
        containers: [{ name: 'main', image: 'busybox:1.36', env_vars: [{ name: 'A', value: '' }] }],
      });
    });

    it('leaves the name free', async () => {
      await t.request('POST', DRY_RUN, { body: projectTemplate('reserved') });

      const real = await t.request('POST', COLLECTION, { body: projectTemplate('reserved') });

      expect(real.statusCode).toBe(201);
      expect(await total()).toBe(1);
    });

    it('member may dry-run in own project', async () => {
      const response = await t.request('POST', DRY_RUN, { body: projectTemplate('member'), token: t.tokens.memberA });

      expect(response.statusCode).toBe(201);
      expect(response.json().created_by).toBe('user-a');
      expect(await total()).toBe(0);
    });

    it('returns the same 422 as the real call', async () => {
      const body = {
        name: ' padded',
        scope: 'project',
        containers: [{ name: 'Bad_Name', image: 'busybox', env: [] }],
        backoff_limit: -1,
        labels: { 'bad key': 'x' },
      };

      const dry = await t.request('POST', DRY_RUN, { body });
      const real = await t.request('POST', COLLECTION, { body });

      expect(dry.statusCode).toBe(422);
      expect(real.statusCode).toBe(422);
      expect(dry.json().errors).toEqual(real.json().errors);
      expect(dry.json().detail).toBe(real.json().detail);
      expect(fieldsOf(dry).sort()).toEqual([
        'backoff_limit',
        'containers[0].env',
        'containers[0].name',
        'labels["bad key"]',
        'name',
        'project_id',
      ]);
    });

    it('foreign project is 403', async () => {
      const response = await t.request('POST', DRY_RUN, {
        body: projectTemplate('foreign', { project_id: 'proj-b' }),
        token: t.tokens.memberA,
      });

      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('forbidden');
    });

    it('global template by a member is 403', async () => {
      const response = await t.request('POST', DRY_RUN, { body: globalTemplate('not-admin'), token: t.tokens.memberA });

      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('forbidden');
    });

    it('without token is 401', async () => {
      const response = await t.request('POST', DRY_RUN, { body: projectTemplate('anonymous'), token: null });

      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('unauthorized');
    });

    it('taken project name is 409', async () => {
      await t.create(projectTemplate('taken'));

      const response = await t.request('POST', DRY_RUN, { body: projectTemplate('taken') });

      expect(response.statusCode).toBe(409);
      expect(response.json().code).toBe('name_conflict');
      expect(await total()).toBe(1);
    });

    it('taken global name is 409', async () => {
      await t.create(globalTemplate('taken-global'));

      const response = await t.request('POST', DRY_RUN, { body: globalTemplate('taken-global') });

      expect(response.statusCode).toBe(409);
      expect(response.json().code).toBe('name_conflict');
    });

    it('same name elsewhere is free', async () => {
      await t.create(projectTemplate('elsewhere'));

      const otherProject = await t.request('POST', DRY_RUN, { body: projectTemplate('elsewhere', { project_id: 'proj-b' }) });
      const global = await t.request('POST', DRY_RUN, { body: globalTemplate('elsewhere') });

      expect(otherProject.statusCode).toBe(201);
      expect(global.statusCode).toBe(201);
    });

    it('dry_run=false stores', async () => {
      const response = await t.request('POST', `${COLLECTION}?dry_run=false`, { body: projectTemplate('stored') });

      expect(response.statusCode).toBe(201);
      expect(response.headers.location).toBe(`${COLLECTION}/${response.json().id}`);
      const fetched = await t.request('GET', url(response.json().id));
      expect(fetched.statusCode).toBe(200);
      expect(fetched.json()).toEqual(response.json());
    });
  });

  describe('PUT', () => {
    it('returns the changed template without storing it', async () => {
      const created = await t.create(projectTemplate('update-me', { description: 'before' }));
      tick();

      const response = await t.request('PUT', dryRunUrl(created.id), {
        body: { description: 'after', labels: { team: 'data' } },
        token: t.tokens.memberA,
      });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        ...created,
        description: 'after',
        labels: { team: 'data' },
        updated_by: 'user-a',
        updated_at: '2026-03-01T10:01:00.000Z',
        revision: 2,
      });
      expect(response.headers.etag).toBe('"2"');
      const fetched = await t.request('GET', url(created.id));
      expect(fetched.json()).toEqual(created);
      expect(fetched.headers.etag).toBe('"1"');
      expect(await revisionCount(created.id)).toBe(1);
      const byLabel = await t.request('GET', `${COLLECTION}?label_selector=team`);
      expect(byLabel.json().total).toBe(0);
    });

    it('unchanged body returns the stored template', async () => {
      const created = await t.create(projectTemplate('unchanged', { description: 'same' }));
      tick();

      const response = await t.request('PUT', dryRunUrl(created.id), { body: { description: 'same' } });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(created);
      expect(response.headers.etag).toBe('"1"');
    });

    it('honours a matching If-Match', async () => {
      const created = await t.create(projectTemplate('if-match'));

      const response = await t.request('PUT', dryRunUrl(created.id), { body: { backoff_limit: 1 }, headers: { 'if-match': '"1"' } });

      expect(response.statusCode).toBe(200);
      expect(response.json().revision).toBe(2);
    });

    it('stale If-Match is 412', async () => {
      const created = await t.create(projectTemplate('stale'));

      const response = await t.request('PUT', dryRunUrl(created.id), { body: { backoff_limit: 1 }, headers: { 'if-match': '"9"' } });

      expect(response.statusCode).toBe(412);
      expect(response.json().code).toBe('precondition_failed');
    });

    it('unknown template is 404', async () => {
      const response = await t.request('PUT', dryRunUrl('wf-tmpl-missing-000000'), { body: { backoff_limit: 1 } });

      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('not_found');
    });

    it('invisible template is 404', async () => {
      const created = await t.create(projectTemplate('invisible'));

      const response = await t.request('PUT', dryRunUrl(created.id), { body: { backoff_limit: 1 }, token: t.tokens.memberB });

      expect(response.statusCode).toBe(404);
    });

    it('move into a foreign project is 403', async () => {
      const created = await t.create(projectTemplate('move'));

      const response = await t.request('PUT', dryRunUrl(created.id), { body: { project_id: 'proj-b' }, token: t.tokens.memberA });

      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('forbidden');
    });

    it('rename into a taken name is 409', async () => {
      await t.create(projectTemplate('occupied'));
      const created = await t.create(projectTemplate('renamed'));

      const response = await t.request('PUT', dryRunUrl(created.id), { body: { name: 'occupied' } });

      expect(response.statusCode).toBe(409);
      expect(response.json().code).toBe('name_conflict');
    });

    it('move into a taken global name is 409', async () => {
      await t.create(globalTemplate('occupied-global'));
      const created = await t.create(projectTemplate('occupied-global'));

      const response = await t.request('PUT', dryRunUrl(created.id), { body: { scope: 'global', project_id: null } });

      expect(response.statusCode).toBe(409);
      expect(response.json().code).toBe('name_conflict');
    });

    it('returns the same 422 as the real call', async () => {
      const created = await t.create(projectTemplate('invalid'));
      const body = { backoff_limit: -1, containers: [], labels: { team: 'a b' }, env: 'typo' };

      const dry = await t.request('PUT', dryRunUrl(created.id), { body });
      const real = await t.request('PUT', url(created.id), { body });

      expect(dry.statusCode).toBe(422);
      expect(real.statusCode).toBe(422);
      expect(dry.json().errors).toEqual(real.json().errors);
      expect(fieldsOf(dry).sort()).toEqual(['backoff_limit', 'containers', 'env', 'labels.team']);
    });

    it('dry_run=false stores', async () => {
      const created = await t.create(projectTemplate('stored-update'));

      const response = await t.request('PUT', `${url(created.id)}?dry_run=false`, { body: { description: 'saved' } });

      expect(response.statusCode).toBe(200);
      expect(response.json().revision).toBe(2);
      const fetched = await t.request('GET', url(created.id));
      expect(fetched.json()).toEqual(response.json());
      expect(await revisionCount(created.id)).toBe(2);
    });
  });

  describe('query parameters', () => {
    it.each([
      ['dry_run=yes', 'query.dry_run', 'invalid_value'],
      ['dry_run=TRUE', 'query.dry_run', 'invalid_value'],
      ['dry_run=1', 'query.dry_run', 'invalid_value'],
      ['dry_run=', 'query.dry_run', 'invalid_value'],
      ['dry_run=true&dry_run=true', 'query.dry_run', 'repeated_parameter'],
      ['dryRun=true', 'query.dryRun', 'unknown_field'],
      ['foo=1', 'query.foo', 'unknown_field'],
      ['limit=10', 'query.limit', 'unknown_field'],
    ])('POST with %s is 422', async (query, field, code) => {
      const response = await t.request('POST', `${COLLECTION}?${query}`, { body: projectTemplate('query') });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual([field]);
      expect(codesOf(response)).toEqual([code]);
      expect(await total()).toBe(0);
    });

    it.each([
      ['dry_run=yes', 'query.dry_run', 'invalid_value'],
      ['dry_run=false&dry_run=true', 'query.dry_run', 'repeated_parameter'],
      ['foo=1', 'query.foo', 'unknown_field'],
    ])('PUT with %s is 422', async (query, field, code) => {
      const created = await t.create(projectTemplate('query-update'));

      const response = await t.request('PUT', `${url(created.id)}?${query}`, { body: { description: 'changed' } });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual([field]);
      expect(codesOf(response)).toEqual([code]);
      expect((await t.request('GET', url(created.id))).json()).toEqual(created);
    });

    it('POST reports query and body errors together', async () => {
      const response = await t.request('POST', `${COLLECTION}?dry_run=yes&foo=1`, {
        body: { name: 'both', scope: 'project', project_id: 'proj-a', containers: [] },
      });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response).sort()).toEqual(['containers', 'query.dry_run', 'query.foo']);
    });

    it('PUT reports query and body errors together', async () => {
      const created = await t.create(projectTemplate('both-update'));

      const response = await t.request('PUT', `${url(created.id)}?dry_run=yes`, { body: { backoff_limit: -1 } });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response).sort()).toEqual(['backoff_limit', 'query.dry_run']);
    });

    it('invalid query comes after 404 and 412', async () => {
      const created = await t.create(projectTemplate('order'));

      const missing = await t.request('PUT', `${url('wf-tmpl-missing-000000')}?dry_run=yes`, { body: {} });
      const stale = await t.request('PUT', `${url(created.id)}?dry_run=yes`, { body: {}, headers: { 'if-match': '"9"' } });

      expect(missing.statusCode).toBe(404);
      expect(stale.statusCode).toBe(412);
    });

    it('invalid query comes before 409', async () => {
      await t.create(projectTemplate('conflict-order'));

      const response = await t.request('POST', `${COLLECTION}?dry_run=yes`, { body: projectTemplate('conflict-order') });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual(['query.dry_run']);
    });

    it('invalid query without token is 401', async () => {
      const response = await t.request('POST', `${COLLECTION}?dry_run=yes`, { body: projectTemplate('no-token'), token: null });

      expect(response.statusCode).toBe(401);
    });
  });
});

describe('dry run on DELETE', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('checks and deletes nothing', async () => {
    const created = await t.create(projectTemplate('delete-dry-run'));
    const response = await t.request('DELETE', `${COLLECTION}/${created.id}?dry_run=true`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ message: `Job template ${created.id} deleted successfully` });
    expect((await t.request('GET', `${COLLECTION}/${created.id}`)).statusCode).toBe(200);
  });

  it('still answers 404 and 412', async () => {
    const created = await t.create(projectTemplate('delete-dry-run-checks'));
    expect((await t.request('DELETE', `${COLLECTION}/wf-tmpl-missing-000000?dry_run=true`)).statusCode).toBe(404);
    const stale = await t.request('DELETE', `${COLLECTION}/${created.id}?dry_run=true`, { headers: { 'if-match': '"9"' } });
    expect(stale.statusCode).toBe(412);
  });

  it('rejects other query parameters', async () => {
    const created = await t.create(projectTemplate('delete-dry-run-query'));
    const response = await t.request('DELETE', `${COLLECTION}/${created.id}?dry_run=yes&force=1`);
    expect(response.statusCode).toBe(422);
    expect(response.json().errors.map((error: { field: string }) => error.field).sort()).toEqual(['query.dry_run', 'query.force']);
    expect((await t.request('GET', `${COLLECTION}/${created.id}`)).statusCode).toBe(200);
  });
});
