import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTION, CTR, createTestApp, projectTemplate, type TestApp } from '../helpers/test-app.js';

const START = Date.parse('2026-03-01T10:00:00.000Z');

describe('PUT job template', () => {
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

  /** Advances the test clock so that a changing update gets a later updated_at. */
  const tick = (seconds = 60) => {
    clock += seconds * 1000;
  };

  function fieldsOf(response: { json(): any }): string[] {
    return (response.json().errors as { field: string }[]).map((error) => error.field);
  }

  function codesOf(response: { json(): any }): string[] {
    return (response.json().errors as { code: string }[]).map((error) => error.code);
  }

  describe('partial update', () => {
    it('keeps absent fields', async () => {
      const created = await t.create(
        projectTemplate('keep-fields', { description: 'first', ttl_seconds_after_finished: 100, backoff_limit: 7 }),
      );
      tick();

      const response = await t.request('PUT', url(created.id), { body: { backoff_limit: 9 } });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        ...created,
        backoff_limit: 9,
        revision: 2,
        updated_at: '2026-03-01T10:01:00.000Z',
      });
    });

    it('replaces the whole containers list', async () => {
      const created = await t.create(
        projectTemplate('replace-containers', {
          containers: [
            { name: 'first', image: 'busybox:1', env_vars: [{ name: 'A', value: '1' }] },
            { name: 'second', image: 'busybox:2' },
          ],
        }),
      );

      const response = await t.request('PUT', url(created.id), {
        body: { containers: [{ name: 'third', image: 'alpine:3' }] },
      });

      expect(response.statusCode).toBe(200);
      expect(response.json().containers).toEqual([{ name: 'third', image: 'alpine:3' }]);
      const fetched = await t.request('GET', url(created.id));
      expect(fetched.json().containers).toEqual([{ name: 'third', image: 'alpine:3' }]);
    });

    it('renames without changing the id', async () => {
      const created = await t.create(projectTemplate('old-name'));

      const response = await t.request('PUT', url(created.id), { body: { name: 'new-name' } });

      expect(response.statusCode).toBe(200);
      expect(response.json().id).toBe(created.id);
      expect(response.json().name).toBe('new-name');
    });

    it('validates the merged template', async () => {
      const created = await t.create(projectTemplate('merged'));

      const response = await t.request('PUT', url(created.id), { body: { scope: 'global' } });

      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe('validation_failed');
      expect(fieldsOf(response)).toEqual(['project_id']);
      expect(codesOf(response)).toEqual(['global_forbids_project']);
      const fetched = await t.request('GET', url(created.id));
      expect(fetched.json()).toEqual(created);
    });

    it('moves to global with project_id null', async () => {
      const created = await t.create(projectTemplate('to-global'));

      const response = await t.request('PUT', url(created.id), { body: { scope: 'global', project_id: null } });

      expect(response.statusCode).toBe(200);
      expect(response.json().scope).toBe('global');
      expect(response.json().project_id).toBeNull();
    });

    it('moves to project with project_id', async () => {
      const created = await t.create({ name: 'to-project', scope: 'global', containers: [CTR] });

      const response = await t.request('PUT', url(created.id), { body: { scope: 'project', project_id: 'proj-b' } });

      expect(response.statusCode).toBe(200);
      expect(response.json().scope).toBe('project');
      expect(response.json().project_id).toBe('proj-b');
    });

    it('rejects moving to project without project_id', async () => {
      const created = await t.create({ name: 'no-project', scope: 'global', containers: [CTR] });

      const response = await t.request('PUT', url(created.id), { body: { scope: 'project' } });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual(['project_id']);
      expect(codesOf(response)).toEqual(['scope_requires_project']);
    });

    it('rejects an invalid field in the update', async () => {
      const created = await t.create(projectTemplate('invalid-update'));

      const response = await t.request('PUT', url(created.id), {
        body: { backoff_limit: -1, containers: [], env: 'typo' },
      });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response).sort()).toEqual(['backoff_limit', 'containers', 'env']);
    });
  });

  describe('null values', () => {
    it('null clears description', async () => {
      const created = await t.create(projectTemplate('clear-description', { description: 'something' }));

      const response = await t.request('PUT', url(created.id), { body: { description: null } });

      expect(response.statusCode).toBe(200);
      expect(response.json().description).toBeNull();
    });

    it('null resets ttl and backoff to defaults', async () => {
      const created = await t.create(
        projectTemplate('reset-defaults', { ttl_seconds_after_finished: 60, backoff_limit: 0 }),
      );

      const response = await t.request('PUT', url(created.id), {
        body: { ttl_seconds_after_finished: null, backoff_limit: null },
      });

      expect(response.statusCode).toBe(200);
      expect(response.json().ttl_seconds_after_finished).toBe(3600);
      expect(response.json().backoff_limit).toBe(3);
    });

    it.each(['name', 'scope', 'containers'])('null %s is rejected', async (field) => {
      const created = await t.create(projectTemplate(`null-${field}`));

      const response = await t.request('PUT', url(created.id), { body: { [field]: null } });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual([field]);
      expect(codesOf(response)).toEqual(['not_nullable']);
    });

    it('null inside a container means not given', async () => {
      const created = await t.create(projectTemplate('null-in-container'));

      const response = await t.request('PUT', url(created.id), {
        body: { containers: [{ name: 'main', image: 'busybox:1.36', command: null, resources: null }] },
      });

      expect(response.statusCode).toBe(200);
      expect(response.json().containers).toEqual([{ name: 'main', image: 'busybox:1.36' }]);
    });
  });

  describe('update that changes nothing', () => {
    it('empty object changes nothing', async () => {
      const created = await t.create(projectTemplate('empty-update'));
      const before = await t.request('GET', url(created.id));
      tick();

      const response = await t.request('PUT', url(created.id), { body: {}, token: t.tokens.memberA });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(created);
      expect(response.headers.etag).toBe(before.headers.etag);
      const after = await t.request('GET', url(created.id));
      expect(after.json().updated_at).toBe(created.updated_at);
      expect(after.json().updated_by).toBe('user-admin');
      expect(after.headers.etag).toBe(before.headers.etag);
    });

    it('identical body changes nothing', async () => {
      const body = projectTemplate('identical', {
        description: 'same',
        ttl_seconds_after_finished: 10,
        backoff_limit: 1,
        containers: [{ name: 'main', image: 'busybox:1.36', env_vars: [{ name: 'A' }], command: ['run'] }],
      });
      const created = await t.create(body);
      const before = await t.request('GET', url(created.id));
      tick();

      const response = await t.request('PUT', url(created.id), { body, token: t.tokens.memberA });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(created);
      expect(response.headers.etag).toBe(before.headers.etag);
      const after = await t.request('GET', url(created.id));
      expect(after.json()).toEqual(created);
      expect(after.headers.etag).toBe(before.headers.etag);
    });

    it('changing update sets updated_at and updated_by', async () => {
      const created = await t.create(projectTemplate('changing'));
      tick();

      const response = await t.request('PUT', url(created.id), {
        body: { description: 'new' },
        token: t.tokens.memberA,
      });

      expect(response.statusCode).toBe(200);
      expect(response.json().updated_by).toBe('user-a');
      expect(response.json().created_by).toBe('user-admin');
      expect(response.json().updated_at).toBe('2026-03-01T10:01:00.000Z');
      expect(response.json().created_at).toBe(created.created_at);
      expect(response.headers.etag).not.toBe('"1"');
    });
  });

  describe('request body', () => {
    it('missing body is 400', async () => {
      const created = await t.create(projectTemplate('no-body'));

      const response = await t.request('PUT', url(created.id));

      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('body_missing');
    });

    it('empty JSON body is 400', async () => {
      const created = await t.create(projectTemplate('empty-json-body'));

      const response = await t.request('PUT', url(created.id), { headers: { 'content-type': 'application/json' } });

      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('body_missing');
    });

    it.each([
      ['id', 'wf-tmpl-other-000000'],
      ['created_by', 'someone'],
      ['created_at', '2020-01-01T00:00:00.000Z'],
    ])('read-only %s is 422', async (field, value) => {
      const created = await t.create(projectTemplate(`read-only-${field.replace('_', '-')}`));

      const response = await t.request('PUT', url(created.id), { body: { [field]: value } });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual([field]);
      expect(codesOf(response)).toEqual(['read_only']);
    });

    it.each([[[]], ['text'], [42], [true]])('body %j that is not an object is 422', async (body) => {
      const created = await t.create(projectTemplate('not-object'));

      const response = await t.request('PUT', url(created.id), { body: JSON.stringify(body) });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual(['']);
    });
  });

  describe('ETag', () => {
    it('strong quoted ETag on POST, GET and PUT', async () => {
      const created = await t.request('POST', COLLECTION, { body: projectTemplate('etags') });
      const id = created.json().id as string;
      const fetched = await t.request('GET', url(id));
      const updated = await t.request('PUT', url(id), { body: { description: 'x' } });

      for (const response of [created, fetched, updated]) {
        expect(response.headers.etag).toMatch(/^"[\x21\x23-\x7e]+"$/);
      }
      expect(fetched.headers.etag).toBe(created.headers.etag);
      expect(updated.headers.etag).not.toBe(created.headers.etag);
    });

    it('no ETag on the list', async () => {
      await t.create(projectTemplate('list-etag'));

      const response = await t.request('GET', COLLECTION);

      expect(response.headers.etag).toBeUndefined();
    });
  });

  describe('If-Match on PUT', () => {
    async function createWithTag(name: string): Promise<{ id: string; etag: string; body: Record<string, unknown> }> {
      const response = await t.request('POST', COLLECTION, { body: projectTemplate(name) });
      expect(response.statusCode).toBe(201);
      return { id: response.json().id, etag: String(response.headers.etag), body: response.json() };
    }

    it('matching tag applies the update', async () => {
      const { id, etag } = await createWithTag('if-match-current');

      const response = await t.request('PUT', url(id), { body: { description: 'x' }, headers: { 'if-match': etag } });

      expect(response.statusCode).toBe(200);
      expect(response.json().description).toBe('x');
    });

    it('stale tag is 412 and changes nothing', async () => {
      const { id, etag, body } = await createWithTag('if-match-stale');
      const first = await t.request('PUT', url(id), { body: { description: 'first' }, headers: { 'if-match': etag } });
      expect(first.statusCode).toBe(200);

      const second = await t.request('PUT', url(id), { body: { description: 'second' }, headers: { 'if-match': etag } });

      expect(second.statusCode).toBe(412);
      expect(second.json().code).toBe('precondition_failed');
      const fetched = await t.request('GET', url(id));
      expect(fetched.json()).toEqual({ ...body, description: 'first', revision: 2 });
      expect(fetched.headers.etag).toBe(first.headers.etag);
    });

    it('star matches an existing template', async () => {
      const { id } = await createWithTag('if-match-star');

      const response = await t.request('PUT', url(id), { body: { description: 'x' }, headers: { 'if-match': '*' } });

      expect(response.statusCode).toBe(200);
    });

    it('weak tag does not match', async () => {
      const { id, etag } = await createWithTag('if-match-weak');

      const response = await t.request('PUT', url(id), {
        body: { description: 'x' },
        headers: { 'if-match': `W/${etag}` },
      });

      expect(response.statusCode).toBe(412);
    });

    it('list containing the tag matches', async () => {
      const { id, etag } = await createWithTag('if-match-list');

      const response = await t.request('PUT', url(id), {
        body: { description: 'x' },
        headers: { 'if-match': `"x", ${etag}` },
      });

      expect(response.statusCode).toBe(200);
    });

    it('unquoted tag does not match', async () => {
      const { id, etag } = await createWithTag('if-match-unquoted');

      const response = await t.request('PUT', url(id), {
        body: { description: 'x' },
        headers: { 'if-match': etag.replaceAll('"', '') },
      });

      expect(response.statusCode).toBe(412);
    });

    it('unknown id is 404 without If-Match', async () => {
      const response = await t.request('PUT', url('wf-tmpl-missing-000000'), { body: { description: 'x' } });

      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('not_found');
    });

    it.each(['"1"', '*'])('unknown id is 404 with If-Match %s', async (ifMatch) => {
      const response = await t.request('PUT', url('wf-tmpl-missing-000000'), {
        body: { description: 'x' },
        headers: { 'if-match': ifMatch },
      });

      expect(response.statusCode).toBe(404);
    });
  });

  describe('If-Match on DELETE', () => {
    async function createWithTag(name: string): Promise<{ id: string; etag: string }> {
      const response = await t.request('POST', COLLECTION, { body: projectTemplate(name) });
      return { id: response.json().id, etag: String(response.headers.etag) };
    }

    it('matching tag deletes', async () => {
      const { id, etag } = await createWithTag('delete-current');

      const response = await t.request('DELETE', url(id), { headers: { 'if-match': etag } });

      expect(response.statusCode).toBe(200);
      expect((await t.request('GET', url(id))).statusCode).toBe(404);
    });

    it('stale tag is 412 and keeps the template', async () => {
      const { id, etag } = await createWithTag('delete-stale');
      await t.request('PUT', url(id), { body: { description: 'changed' } });

      const response = await t.request('DELETE', url(id), { headers: { 'if-match': etag } });

      expect(response.statusCode).toBe(412);
      expect(response.json().code).toBe('precondition_failed');
      expect((await t.request('GET', url(id))).statusCode).toBe(200);
    });

    it('star deletes', async () => {
      const { id } = await createWithTag('delete-star');

      const response = await t.request('DELETE', url(id), { headers: { 'if-match': '*' } });

      expect(response.statusCode).toBe(200);
    });

    it('weak tag does not match', async () => {
      const { id, etag } = await createWithTag('delete-weak');

      const response = await t.request('DELETE', url(id), { headers: { 'if-match': `W/${etag}` } });

      expect(response.statusCode).toBe(412);
      expect((await t.request('GET', url(id))).statusCode).toBe(200);
    });

    it('list containing the tag deletes', async () => {
      const { id, etag } = await createWithTag('delete-list');

      const response = await t.request('DELETE', url(id), { headers: { 'if-match': `"x", ${etag}` } });

      expect(response.statusCode).toBe(200);
    });

    it.each([undefined, '"1"', '*'])('unknown id is 404 with If-Match %s', async (ifMatch) => {
      const response = await t.request('DELETE', url('wf-tmpl-missing-000000'), {
        ...(ifMatch === undefined ? {} : { headers: { 'if-match': ifMatch } }),
      });

      expect(response.statusCode).toBe(404);
    });

    it('second delete is 404', async () => {
      const { id } = await createWithTag('delete-twice');
      await t.request('DELETE', url(id));

      const response = await t.request('DELETE', url(id));

      expect(response.statusCode).toBe(404);
    });
  });

  describe('concurrent updates', () => {
    it('parallel updates without If-Match all apply', async () => {
      const created = await t.create(projectTemplate('parallel'));
      const descriptions = Array.from({ length: 20 }, (_, index) => `writer ${index}`);

      const responses = await Promise.all(
        descriptions.map((description) => t.request('PUT', url(created.id), { body: { description } })),
      );

      expect(responses.map((response) => response.statusCode)).toEqual(descriptions.map(() => 200));
      expect(new Set(responses.map((response) => response.headers.etag)).size).toBe(20);
      const final = await t.request('GET', url(created.id));
      const winner = responses.find((response) => response.json().description === final.json().description);
      expect(winner).toBeDefined();
      expect(final.json()).toEqual(winner?.json());
      expect(final.headers.etag).toBe(winner?.headers.etag);
    });

    it('parallel updates with one If-Match have one winner', async () => {
      const response = await t.request('POST', COLLECTION, { body: projectTemplate('one-winner') });
      const id = response.json().id as string;
      const etag = String(response.headers.etag);

      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          t.request('PUT', url(id), { body: { description: `writer ${index}` }, headers: { 'if-match': etag } }),
        ),
      );

      const statuses = responses.map((result) => result.statusCode).sort();
      expect(statuses).toEqual([200, ...Array.from({ length: 9 }, () => 412)]);
      const winner = responses.find((result) => result.statusCode === 200);
      const final = await t.request('GET', url(id));
      expect(final.json()).toEqual(winner?.json());
      expect(final.headers.etag).toBe(winner?.headers.etag);
    });
  });
});

describe('If-Match failure messages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it.each([
    ['2', 'not a quoted entity tag'],
    ['W/"1"', 'Weak entity tags'],
    ['"7"', 'changed since you read it'],
  ])('If-Match %s says what to fix', async (ifMatch, expected) => {
    const created = await t.create(projectTemplate('if-match-message'));
    const response = await t.request('PUT', `${COLLECTION}/${created.id}`, { body: { description: 'x' }, headers: { 'if-match': ifMatch } });
    expect(response.statusCode).toBe(412);
    expect(response.json().detail).toContain(expected);
  });

  it('DELETE with a JSON content type and no body is accepted', async () => {
    const created = await t.create(projectTemplate('delete-empty-json'));
    const response = await t.app.inject({
      method: 'DELETE',
      url: `${COLLECTION}/${created.id}`,
      headers: { authorization: `Bearer ${t.tokens.admin}`, 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(200);
  });
});
