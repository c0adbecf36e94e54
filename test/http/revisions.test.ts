import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTION, createTestApp, globalTemplate, projectTemplate, type TestApp } from '../helpers/test-app.js';

const START = Date.parse('2026-03-01T10:00:00.000Z');

describe('job template revisions', () => {
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
  const revisionsUrl = (id: string) => `${COLLECTION}/${id}/revisions`;

  /** Advances the test clock so that each changing update gets a later updated_at. */
  const tick = (seconds = 60) => {
    clock += seconds * 1000;
  };

  function fieldsOf(response: { json(): any }): string[] {
    return (response.json().errors as { field: string }[]).map((error) => error.field);
  }

  function codesOf(response: { json(): any }): string[] {
    return (response.json().errors as { code: string }[]).map((error) => error.code);
  }

  /** Sends a changing update and returns the new template; fails the test unless it is 200. */
  async function update(id: string, body: Record<string, unknown>, token?: string): Promise<Record<string, any>> {
    tick();
    const response = await t.request('PUT', url(id), { body, ...(token === undefined ? {} : { token }) });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  /** Lists the revisions as the admin and returns the body; fails the test unless it is 200. */
  async function listRevisions(id: string, query = ''): Promise<{ total: number; items: Record<string, any>[] }> {
    const response = await t.request('GET', `${revisionsUrl(id)}${query === '' ? '' : `?${query}`}`);
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  async function revisionNumbers(id: string, query = ''): Promise<number[]> {
    return (await listRevisions(id, query)).items.map((item) => item.revision as number);
  }

  describe('numbering', () => {
    it('create starts at revision 1', async () => {
      const response = await t.request('POST', COLLECTION, { body: projectTemplate('first') });

      expect(response.statusCode).toBe(201);
      expect(response.json().revision).toBe(1);
      expect(response.headers.etag).toBe('"1"');
    });

    it('each changing update adds one', async () => {
      const created = await t.create(projectTemplate('counting'));

      const second = await t.request('PUT', url(created.id), { body: { description: 'two' } });
      const third = await t.request('PUT', url(created.id), { body: { backoff_limit: 0 } });

      expect(second.json().revision).toBe(2);
      expect(second.headers.etag).toBe('"2"');
      expect(third.json().revision).toBe(3);
      expect(third.headers.etag).toBe('"3"');
      expect(await revisionNumbers(created.id)).toEqual([3, 2, 1]);
    });

    it('unchanged update adds none', async () => {
      const created = await t.create(projectTemplate('unchanged', { description: 'same', labels: { team: 'data' } }));

      const empty = await t.request('PUT', url(created.id), { body: {} });
      const same = await t.request('PUT', url(created.id), { body: { description: 'same', labels: { team: 'data' } } });

      expect(empty.json().revision).toBe(1);
      expect(same.json().revision).toBe(1);
      expect(same.headers.etag).toBe('"1"');
      expect(await revisionNumbers(created.id)).toEqual([1]);
    });

    it('failed update adds none', async () => {
      const created = await t.create(projectTemplate('failing'));
      await t.create(projectTemplate('taken'));

      const invalid = await t.request('PUT', url(created.id), { body: { backoff_limit: -1 } });
      const stale = await t.request('PUT', url(created.id), { body: { description: 'x' }, headers: { 'if-match': '"7"' } });
      const conflict = await t.request('PUT', url(created.id), { body: { name: 'taken' } });

      expect(invalid.statusCode).toBe(422);
      expect(stale.statusCode).toBe(412);
      expect(conflict.statusCode).toBe(409);
      expect(await revisionNumbers(created.id)).toEqual([1]);
    });
  });

  describe('list', () => {
    it('create stores the whole template', async () => {
      const created = await t.create(projectTemplate('snapshot', { description: 'd', labels: { team: 'data' } }));

      const body = await listRevisions(created.id);

      expect(body).toEqual({
        total: 1,
        items: [{ revision: 1, updated_by: 'user-admin', updated_at: '2026-03-01T10:00:00.000Z', template: created }],
      });
    });

    it('lists newest first with each template as it was', async () => {
      const created = await t.create(projectTemplate('history'));
      const second = await update(created.id, { description: 'second', labels: { stage: 'two' } });
      const third = await update(created.id, { name: 'history-renamed', containers: [{ name: 'other', image: 'alpine:3' }] });

      const body = await listRevisions(created.id);

      expect(body.total).toBe(3);
      expect(body.items).toEqual([
        { revision: 3, updated_by: 'user-admin', updated_at: '2026-03-01T10:02:00.000Z', template: third },
        { revision: 2, updated_by: 'user-admin', updated_at: '2026-03-01T10:01:00.000Z', template: second },
        { revision: 1, updated_by: 'user-admin', updated_at: '2026-03-01T10:00:00.000Z', template: created },
      ]);
    });

    it('template carries its own revision', async () => {
      const created = await t.create(projectTemplate('own-revision'));
      await update(created.id, { description: 'two' });
      await update(created.id, { description: 'three' });

      const body = await listRevisions(created.id);

      for (const item of body.items) {
        expect(item.template.revision).toBe(item.revision);
        expect(item.template.id).toBe(created.id);
      }
    });

    it('belongs to one template', async () => {
      const first = await t.create(projectTemplate('first'));
      const second = await t.create(projectTemplate('second'));
      await update(first.id, { description: 'changed' });

      expect(await revisionNumbers(first.id)).toEqual([2, 1]);
      expect(await listRevisions(second.id)).toEqual({
        total: 1,
        items: [{ revision: 1, updated_by: 'user-admin', updated_at: second.updated_at, template: second }],
      });
    });
  });

  describe('paging', () => {
    let id: string;

    beforeEach(async () => {
      id = (await t.create(projectTemplate('paged'))).id;
      for (const description of ['two', 'three', 'four', 'five']) {
        await update(id, { description });
      }
    });

    it('limit takes the newest', async () => {
      const body = await listRevisions(id, 'limit=2');

      expect(body.total).toBe(5);
      expect(body.items.map((item) => item.revision)).toEqual([5, 4]);
    });

    it('offset skips revisions', async () => {
      expect(await revisionNumbers(id, 'limit=2&offset=2')).toEqual([3, 2]);
      expect(await revisionNumbers(id, 'offset=4')).toEqual([1]);
    });

    it('offset past the end is empty', async () => {
      expect(await listRevisions(id, 'offset=5')).toEqual({ total: 5, items: [] });
    });

    it('limit of 1000 is accepted', async () => {
      expect(await revisionNumbers(id, 'limit=1000&offset=0')).toEqual([5, 4, 3, 2, 1]);
    });

    it.each([
      ['limit=0', 'query.limit', 'out_of_range'],
      ['limit=1001', 'query.limit', 'out_of_range'],
      ['limit=abc', 'query.limit', 'invalid_format'],
      ['limit=1e3', 'query.limit', 'invalid_format'],
      ['limit=%2B5', 'query.limit', 'invalid_format'],
      ['limit=', 'query.limit', 'invalid_format'],
      ['offset=-1', 'query.offset', 'invalid_format'],
      ['offset=2147483648', 'query.offset', 'out_of_range'],
      ['limit=1&limit=2', 'query.limit', 'repeated_parameter'],
      ['foo=1', 'query.foo', 'unknown_field'],
      ['sort=name', 'query.sort', 'unknown_field'],
      ['dry_run=true', 'query.dry_run', 'unknown_field'],
    ])('%s is 422', async (query, field, code) => {
      const response = await t.request('GET', `${revisionsUrl(id)}?${query}`);

      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe('validation_failed');
      expect(fieldsOf(response)).toEqual([field]);
      expect(codesOf(response)).toEqual([code]);
    });

    it('reports every invalid parameter at once', async () => {
      const response = await t.request('GET', `${revisionsUrl(id)}?limit=0&offset=x&foo=1`);

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response).sort()).toEqual(['query.foo', 'query.limit', 'query.offset']);
    });
  });

  describe('one revision', () => {
    it('returns the revision', async () => {
      const created = await t.create(projectTemplate('single'));
      const second = await update(created.id, { description: 'second' }, t.tokens.memberA);
      await update(created.id, { description: 'third' });

      const response = await t.request('GET', `${revisionsUrl(created.id)}/2`);

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        revision: 2,
        updated_by: 'user-a',
        updated_at: '2026-03-01T10:01:00.000Z',
        template: second,
      });
    });

    it('matches the list entry', async () => {
      const created = await t.create(projectTemplate('single-list'));
      await update(created.id, { description: 'second' });

      const listed = await listRevisions(created.id);
      for (const item of listed.items) {
        const response = await t.request('GET', `${revisionsUrl(created.id)}/${item.revision}`);
        expect(response.json()).toEqual(item);
      }
    });

    it.each(['3', '0', 'abc', '01', '-1', '1.0', '1e0', '%201', '2147483647', '2147483648', '9999999999', '99999999999'])(
      'revision %s is 404',
      async (revision) => {
        const created = await t.create(projectTemplate('unknown-revision'));
        await update(created.id, { description: 'second' });

        const response = await t.request('GET', `${revisionsUrl(created.id)}/${revision}`);

        expect(response.statusCode).toBe(404);
        expect(response.json().code).toBe('revision_not_found');
      },
    );
  });

  describe('unknown template', () => {
    it.each(['wf-tmpl-missing-000000', 'not-an-id'])('revisions of %s are 404', async (id) => {
      const list = await t.request('GET', revisionsUrl(id));
      const one = await t.request('GET', `${revisionsUrl(id)}/1`);

      expect(list.statusCode).toBe(404);
      expect(list.json().code).toBe('not_found');
      expect(one.statusCode).toBe(404);
      expect(one.json().code).toBe('not_found');
    });

    it('404 comes before invalid paging', async () => {
      const response = await t.request('GET', `${revisionsUrl('wf-tmpl-missing-000000')}?limit=0`);

      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('not_found');
    });
  });

  describe('permissions', () => {
    it('project members read a project template', async () => {
      const created = await t.create(projectTemplate('members'));

      const list = await t.request('GET', revisionsUrl(created.id), { token: t.tokens.memberA });
      const one = await t.request('GET', `${revisionsUrl(created.id)}/1`, { token: t.tokens.memberA });

      expect(list.statusCode).toBe(200);
      expect(list.json().total).toBe(1);
      expect(one.statusCode).toBe(200);
      expect(one.json().template).toEqual(created);
    });

    it.each(['memberB', 'outsider'] as const)('%s gets 404 for a project template', async (user) => {
      const created = await t.create(projectTemplate('hidden'));

      const list = await t.request('GET', revisionsUrl(created.id), { token: t.tokens[user] });
      const one = await t.request('GET', `${revisionsUrl(created.id)}/1`, { token: t.tokens[user] });
      const invalid = await t.request('GET', `${revisionsUrl(created.id)}?limit=0`, { token: t.tokens[user] });

      expect(list.statusCode).toBe(404);
      expect(list.json().code).toBe('not_found');
      expect(one.statusCode).toBe(404);
      expect(one.json().code).toBe('not_found');
      expect(invalid.statusCode).toBe(404);
    });

    it.each(['memberA', 'memberB', 'outsider'] as const)('%s reads a global template', async (user) => {
      const created = await t.create(globalTemplate('shared'));

      const list = await t.request('GET', revisionsUrl(created.id), { token: t.tokens[user] });
      const one = await t.request('GET', `${revisionsUrl(created.id)}/1`, { token: t.tokens[user] });

      expect(list.statusCode).toBe(200);
      expect(list.json().items[0].template).toEqual(created);
      expect(one.statusCode).toBe(200);
      expect(one.json().template).toEqual(created);
    });

    it('without token is 401', async () => {
      const created = await t.create(globalTemplate('no-token'));

      const list = await t.request('GET', revisionsUrl(created.id), { token: null });
      const one = await t.request('GET', `${revisionsUrl(created.id)}/1`, { token: null });

      expect(list.statusCode).toBe(401);
      expect(one.statusCode).toBe(401);
    });
  });

  describe('delete', () => {
    it('removes the revisions', async () => {
      const created = await t.create(projectTemplate('deleted'));
      await update(created.id, { description: 'second' });
      const kept = await t.create(projectTemplate('kept'));

      const deleted = await t.request('DELETE', url(created.id));

      expect(deleted.statusCode).toBe(200);
      const list = await t.request('GET', revisionsUrl(created.id));
      expect(list.statusCode).toBe(404);
      expect(list.json().code).toBe('not_found');
      const one = await t.request('GET', `${revisionsUrl(created.id)}/1`);
      expect(one.statusCode).toBe(404);
      expect(await t.store.listRevisions(created.id, 100, 0)).toEqual({ total: 0, items: [] });
      expect(await t.store.getRevision(created.id, 1)).toBeUndefined();
      expect(await t.store.getRevision(created.id, 2)).toBeUndefined();
      expect((await listRevisions(kept.id)).total).toBe(1);
    });

    it('second store sees no revision rows', async () => {
      const created = await t.create(projectTemplate('deleted-elsewhere'));
      await update(created.id, { description: 'second' });
      await t.request('DELETE', url(created.id));

      const other = await t.database.openStore();

      expect(await other.listRevisions(created.id, 100, 0)).toEqual({ total: 0, items: [] });
    });

    it('new template with the same name starts again at 1', async () => {
      const created = await t.create(projectTemplate('reborn'));
      await update(created.id, { description: 'second' });
      await t.request('DELETE', url(created.id));

      const again = await t.create(projectTemplate('reborn'));

      expect(again.revision).toBe(1);
      expect(await revisionNumbers(again.id)).toEqual([1]);
    });
  });

  describe('author', () => {
    it('updated_by is the caller of each change', async () => {
      const created = await t.create(projectTemplate('authors'), t.tokens.memberA);
      await update(created.id, { description: 'by admin' });
      await update(created.id, { description: 'by member' }, t.tokens.memberA);

      const body = await listRevisions(created.id);

      expect(body.items.map((item) => item.updated_by)).toEqual(['user-a', 'user-admin', 'user-a']);
      expect(body.items.map((item) => item.template.updated_by)).toEqual(['user-a', 'user-admin', 'user-a']);
      expect(body.items.map((item) => item.template.created_by)).toEqual(['user-a', 'user-a', 'user-a']);
      expect(body.items.map((item) => item.updated_at)).toEqual([
        '2026-03-01T10:02:00.000Z',
        '2026-03-01T10:01:00.000Z',
        '2026-03-01T10:00:00.000Z',
      ]);
    });
  });

  describe('immutability', () => {
    it('later updates keep earlier revisions', async () => {
      const created = await t.create(
        projectTemplate('immutable', {
          description: 'original',
          labels: { team: 'data' },
          containers: [{ name: 'main', image: 'busybox:1.36', env_vars: [{ name: 'A', value: '1' }] }],
        }),
      );
      const firstRevision = (await t.request('GET', `${revisionsUrl(created.id)}/1`)).json();
      const second = await update(created.id, { labels: { team: 'web' } });

      await update(created.id, {
        name: 'immutable-renamed',
        description: null,
        labels: null,
        scope: 'global',
        project_id: null,
        containers: [{ name: 'other', image: 'alpine:3' }],
      });
      await update(created.id, { backoff_limit: 0 });

      expect(firstRevision.template).toEqual(created);
      expect((await t.request('GET', `${revisionsUrl(created.id)}/1`)).json()).toEqual(firstRevision);
      expect((await t.request('GET', `${revisionsUrl(created.id)}/2`)).json().template).toEqual(second);
      expect(await revisionNumbers(created.id)).toEqual([4, 3, 2, 1]);
    });
  });
});
