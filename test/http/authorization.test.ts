import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTION, createTestApp, globalTemplate, projectTemplate, type TestApp } from '../helpers/test-app.js';
import { signToken, type TestTokens } from '../helpers/tokens.js';

type User = keyof TestTokens;
type Owner = 'global' | 'proj-a' | 'proj-b';

const USERS: readonly User[] = ['admin', 'memberA', 'memberB', 'outsider'];

/** Returns the body of a new template owned by `owner`, or by proj-c, which no test user belongs to. */
function templateOf(owner: Owner | 'proj-c', name: string): Record<string, unknown> {
  return owner === 'global' ? globalTemplate(name) : projectTemplate(name, { project_id: owner });
}

/** Returns whether `user` may see templates of `owner`. Invisible templates are reported as 404. */
function canSee(user: User, owner: Owner): boolean {
  return owner === 'global' || user === 'admin' || (user === 'memberA' && owner === 'proj-a') || (user === 'memberB' && owner === 'proj-b');
}

/** Returns whether `user` may create, change or delete templates of `owner`. */
function canWrite(user: User, owner: Owner): boolean {
  return user === 'admin' || (owner !== 'global' && canSee(user, owner));
}

/** Returns the expected status of a change to an existing template: 404 when invisible, 403 when visible but not writable. */
function changeStatus(user: User, owner: Owner, success: number): number {
  if (!canSee(user, owner)) {
    return 404;
  }
  return canWrite(user, owner) ? success : 403;
}

const CASES: [User, Owner][] = USERS.flatMap((user) => (['global', 'proj-a', 'proj-b'] as const).map((owner): [User, Owner] => [user, owner]));

describe('authorization', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const url = (id: string) => `${COLLECTION}/${id}`;

  describe('single template', () => {
    it.each(CASES)('%s reads a %s template', async (user, owner) => {
      const created = await t.create(templateOf(owner, 'readable'));

      const response = await t.request('GET', url(created.id), { token: t.tokens[user] });

      expect(response.statusCode).toBe(canSee(user, owner) ? 200 : 404);
    });

    it.each(CASES)('%s updates a %s template', async (user, owner) => {
      const created = await t.create(templateOf(owner, 'updatable'));

      const response = await t.request('PUT', url(created.id), { body: { description: 'changed' }, token: t.tokens[user] });

      expect(response.statusCode).toBe(changeStatus(user, owner, 200));
      const stored = await t.request('GET', url(created.id));
      expect(stored.json().description).toBe(response.statusCode === 200 ? 'changed' : null);
    });

    it.each(CASES)('%s deletes a %s template', async (user, owner) => {
      const created = await t.create(templateOf(owner, 'deletable'));

      const response = await t.request('DELETE', url(created.id), { token: t.tokens[user] });

      expect(response.statusCode).toBe(changeStatus(user, owner, 200));
      const stored = await t.request('GET', url(created.id));
      expect(stored.statusCode).toBe(response.statusCode === 200 ? 404 : 200);
    });

    it.each(CASES)('%s creates a %s template', async (user, owner) => {
      const response = await t.request('POST', COLLECTION, { body: templateOf(owner, 'creatable'), token: t.tokens[user] });

      expect(response.statusCode).toBe(canWrite(user, owner) ? 201 : 403);
      if (response.statusCode === 403) {
        expect(response.json().code).toBe('forbidden');
        expect((await t.request('GET', COLLECTION)).json().total).toBe(0);
      }
    });

    it('invisible and missing templates look alike', async () => {
      const hidden = await t.create(templateOf('proj-a', 'hidden'));
      const missingId = hidden.id.replace(/[0-9a-f]{6}$/, (suffix: string) => (suffix === '000000' ? '000001' : '000000'));

      for (const method of ['GET', 'PUT', 'DELETE'] as const) {
        const body = method === 'PUT' ? { body: { description: 'x' } } : {};
        const invisible = await t.request(method, url(hidden.id), { ...body, token: t.tokens.memberB });
        const missing = await t.request(method, url(missingId), { ...body, token: t.tokens.memberB });

        expect(invisible.statusCode, method).toBe(404);
        expect(missing.statusCode, method).toBe(404);
        const { request_id: _a, detail: invisibleDetail, ...invisibleRest } = invisible.json();
        const { request_id: _b, detail: missingDetail, ...missingRest } = missing.json();
        expect(invisibleRest).toEqual(missingRest);
        expect(String(invisibleDetail).replace(hidden.id, 'ID')).toBe(String(missingDetail).replace(missingId, 'ID'));
      }
    });

    it('roles without admin grant nothing extra', async () => {
      const viewer = await signToken({ sub: 'user-v', roles: ['viewer', 'Admin'], projects: [] });

      const response = await t.request('POST', COLLECTION, { body: globalTemplate('not-admin'), token: viewer });

      expect(response.statusCode).toBe(403);
    });
  });

  describe('moving a template', () => {
    it('member moves into a foreign project is 403', async () => {
      const created = await t.create(templateOf('proj-a', 'move-foreign'));

      const response = await t.request('PUT', url(created.id), { body: { project_id: 'proj-b' }, token: t.tokens.memberA });

      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('forbidden');
      expect((await t.request('GET', url(created.id))).json().project_id).toBe('proj-a');
    });

    it('member moves to global is 403', async () => {
      const created = await t.create(templateOf('proj-a', 'move-global'));

      const response = await t.request('PUT', url(created.id), {
        body: { scope: 'global', project_id: null },
        token: t.tokens.memberA,
      });

      expect(response.statusCode).toBe(403);
      expect((await t.request('GET', url(created.id))).json().scope).toBe('project');
    });

    it('member of both projects moves between them', async () => {
      const both = await signToken({ sub: 'user-ab', roles: [], projects: ['proj-a', 'proj-b'] });
      const created = await t.create(templateOf('proj-a', 'move-both'));

      const response = await t.request('PUT', url(created.id), { body: { project_id: 'proj-b' }, token: both });

      expect(response.statusCode).toBe(200);
      expect(response.json().project_id).toBe('proj-b');
    });

    it('admin moves a project template to global', async () => {
      const created = await t.create(templateOf('proj-a', 'admin-move'));

      const response = await t.request('PUT', url(created.id), { body: { scope: 'global', project_id: null } });

      expect(response.statusCode).toBe(200);
      expect(response.json().scope).toBe('global');
    });

    it('admin moves a global template into a project', async () => {
      const created = await t.create(templateOf('global', 'admin-move-in'));

      const response = await t.request('PUT', url(created.id), { body: { scope: 'project', project_id: 'proj-z' } });

      expect(response.statusCode).toBe(200);
      expect(response.json().project_id).toBe('proj-z');
    });
  });

  describe('list', () => {
    beforeEach(async () => {
      await t.create(templateOf('global', 'g-1'));
      await t.create(templateOf('global', 'g-2'));
      await t.create(templateOf('proj-a', 'a-1'));
      await t.create(templateOf('proj-a', 'a-2'));
      await t.create(templateOf('proj-a', 'a-3'));
      await t.create(templateOf('proj-b', 'b-1'));
      await t.create(templateOf('proj-c', 'c-1'));
    });

    async function listAs(user: User, query = ''): Promise<{ status: number; total?: number; names?: string[] }> {
      const response = await t.request('GET', `${COLLECTION}?sort=name${query}`, { token: t.tokens[user] });
      if (response.statusCode !== 200) {
        return { status: response.statusCode };
      }
      const body = response.json();
      return { status: 200, total: body.total, names: body.items.map((item: { name: string }) => item.name) };
    }

    it.each([
      ['admin', ['a-1', 'a-2', 'a-3', 'b-1', 'c-1', 'g-1', 'g-2']],
      ['memberA', ['a-1', 'a-2', 'a-3', 'g-1', 'g-2']],
      ['memberB', ['b-1', 'g-1', 'g-2']],
      ['outsider', ['g-1', 'g-2']],
    ] as [User, string[]][])('%s unfiltered sees global and own projects', async (user, expected) => {
      expect(await listAs(user)).toEqual({ status: 200, total: expected.length, names: expected });
    });

    it.each([
      ['admin', 5],
      ['memberA', 3],
      ['memberB', 1],
      ['outsider', 0],
    ] as [User, number][])('%s total with scope project respects visibility', async (user, total) => {
      expect((await listAs(user, '&scope=project')).total).toBe(total);
    });

    it.each(USERS)('%s lists global templates', async (user) => {
      expect(await listAs(user, '&scope=global')).toEqual({ status: 200, total: 2, names: ['g-1', 'g-2'] });
    });

    it.each([
      ['admin', 'proj-a', 200],
      ['admin', 'proj-c', 200],
      ['memberA', 'proj-a', 200],
      ['memberA', 'proj-b', 403],
      ['memberB', 'proj-a', 403],
      ['memberB', 'proj-b', 200],
      ['outsider', 'proj-a', 403],
      ['outsider', 'proj-unknown', 403],
    ] as [User, string, number][])('%s filters by %s', async (user, projectId, status) => {
      const result = await listAs(user, `&project_id=${projectId}`);

      expect(result.status).toBe(status);
    });

    it('foreign project filter is 403 forbidden', async () => {
      const response = await t.request('GET', `${COLLECTION}?project_id=proj-a`, { token: t.tokens.memberB });

      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('forbidden');
    });

    it('total with paging respects visibility', async () => {
      expect(await listAs('memberA', '&limit=2&offset=1')).toEqual({ status: 200, total: 5, names: ['a-2', 'a-3'] });
    });

    it('name search does not reveal hidden templates', async () => {
      expect(await listAs('memberB', '&name=a-')).toEqual({ status: 200, total: 0, names: [] });
    });
  });
});
