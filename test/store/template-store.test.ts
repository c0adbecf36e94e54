import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdConflictError, NameConflictError, type ListQuery, type StoredTemplate, type TemplateStore } from '../../src/store/template-store.js';
import { storedTemplate } from '../helpers/stored-template.js';
import { createTestDatabase, TEST_STORE_KIND, type TestDatabase } from '../helpers/test-store.js';

const ALL = { kind: 'all' } as const;
const BY_CREATED = { field: 'created_at', descending: false } as const;

describe(`template store on ${TEST_STORE_KIND}`, () => {
  let database: TestDatabase;
  let store: TemplateStore;

  beforeEach(async () => {
    database = await createTestDatabase();
    store = await database.openStore();
  });
  afterEach(async () => {
    await database.drop();
  });

  it('create then getById returns the same template', async () => {
    const stored = storedTemplate('wf-tmpl-a-000001', { description: '描述', ttl_seconds_after_finished: 2_147_483_647 });
    await store.create(stored);
    expect(await store.getById(stored.id)).toEqual(stored);
  });

  it('getById of a missing ID is undefined', async () => {
    expect(await store.getById('wf-tmpl-missing-000000')).toBeUndefined();
  });

  it('create rejects a taken ID', async () => {
    await store.create(storedTemplate('wf-tmpl-a-000001'));
    await expect(store.create(storedTemplate('wf-tmpl-a-000001', { name: 'other' }))).rejects.toBeInstanceOf(IdConflictError);
  });

  it('name is unique per project', async () => {
    await store.create(storedTemplate('wf-tmpl-a-000001', { name: 'etl' }));
    await expect(store.create(storedTemplate('wf-tmpl-a-000002', { name: 'etl' }))).rejects.toBeInstanceOf(NameConflictError);
    await store.create(storedTemplate('wf-tmpl-a-000003', { name: 'etl', project_id: 'proj-b' }));
  });

  it('name is unique among global templates despite null project_id', async () => {
    await store.create(storedTemplate('wf-tmpl-g-000001', { name: 'etl', scope: 'global', project_id: null }));
    await expect(
      store.create(storedTemplate('wf-tmpl-g-000002', { name: 'etl', scope: 'global', project_id: null })),
    ).rejects.toBeInstanceOf(NameConflictError);
  });

  it('concurrent creates of one name have one winner', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) =>
        store.create(storedTemplate(`wf-tmpl-r-${String(index).padStart(6, '0')}`, { name: 'race', scope: 'global', project_id: null })),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((item) => item.status === 'rejected')) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(NameConflictError);
    }
  });

  it('update applies only at the expected revision', async () => {
    await store.create(storedTemplate('wf-tmpl-a-000001'));
    const next = storedTemplate('wf-tmpl-a-000001', { description: 'v2', revision: 2, updated_at: '2026-01-02T00:00:00.000Z' });
    expect(await store.update(next, 2)).toBe(false);
    expect(await store.update(next, 1)).toBe(true);
    expect(await store.getById(next.id)).toEqual(next);
    expect(await store.update(storedTemplate('wf-tmpl-missing-000000'), 1)).toBe(false);
  });

  it('update into a taken name raises NameConflictError', async () => {
    await store.create(storedTemplate('wf-tmpl-a-000001', { name: 'one' }));
    await store.create(storedTemplate('wf-tmpl-a-000002', { name: 'two' }));
    await expect(store.update(storedTemplate('wf-tmpl-a-000002', { name: 'one', revision: 2 }), 1)).rejects.toBeInstanceOf(
      NameConflictError,
    );
  });

  it('delete honours the expected revision', async () => {
    await store.create(storedTemplate('wf-tmpl-a-000001'));
    expect(await store.delete('wf-tmpl-a-000001', 2)).toBe(false);
    expect(await store.delete('wf-tmpl-a-000001', 1)).toBe(true);
    expect(await store.delete('wf-tmpl-a-000001')).toBe(false);
  });

  it('list filters, sorts, pages and counts', async () => {
    await store.create(storedTemplate('wf-tmpl-b-000001', { name: 'Beta', created_at: '2026-01-01T00:00:01.000Z' }));
    await store.create(storedTemplate('wf-tmpl-a-000001', { name: 'alpha_1%', created_at: '2026-01-01T00:00:02.000Z' }));
    await store.create(storedTemplate('wf-tmpl-c-000001', { name: 'gamma', scope: 'global', project_id: null, created_at: '2026-01-01T00:00:03.000Z' }));
    await store.create(storedTemplate('wf-tmpl-d-000001', { name: 'delta', project_id: 'proj-b', created_at: '2026-01-01T00:00:03.000Z' }));

    const byName = await store.list({ filter: { visibility: ALL }, sort: { field: 'name', descending: false }, limit: 10, offset: 0 });
    expect(byName.items.map((item) => item.name)).toEqual(['Beta', 'alpha_1%', 'delta', 'gamma']);
    expect(byName.total).toBe(4);

    const page = await store.list({ filter: { visibility: ALL }, sort: { field: 'created_at', descending: true }, limit: 2, offset: 1 });
    // Equal created_at values are ordered by id ascending.
    expect(page.items.map((item) => item.id)).toEqual(['wf-tmpl-d-000001', 'wf-tmpl-a-000001']);
    expect(page.total).toBe(4);

    const project = await store.list({ filter: { projectId: 'proj-a', visibility: ALL }, sort: BY_CREATED, limit: 10, offset: 0 });
    expect(project.items.map((item) => item.id)).toEqual(['wf-tmpl-b-000001', 'wf-tmpl-a-000001']);

    const global = await store.list({ filter: { scope: 'global', visibility: ALL }, sort: BY_CREATED, limit: 10, offset: 0 });
    expect(global.items.map((item) => item.id)).toEqual(['wf-tmpl-c-000001']);

    const literal = await store.list({ filter: { nameContains: '_1%', visibility: ALL }, sort: BY_CREATED, limit: 10, offset: 0 });
    expect(literal.items.map((item) => item.id)).toEqual(['wf-tmpl-a-000001']);
    const wildcard = await store.list({ filter: { nameContains: '%', visibility: ALL }, sort: BY_CREATED, limit: 10, offset: 0 });
    expect(wildcard.total).toBe(1);

    const visible = await store.list({
      filter: { visibility: { kind: 'global-and-projects', projectIds: ['proj-b'] } },
      sort: BY_CREATED,
      limit: 10,
      offset: 0,
    });
    expect(visible.items.map((item) => item.id).sort()).toEqual(['wf-tmpl-c-000001', 'wf-tmpl-d-000001']);
    expect(visible.total).toBe(2);
  });

  it('count and ping answer', async () => {
    await store.create(storedTemplate('wf-tmpl-a-000001'));
    expect(await store.count()).toBe(1);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('a second store on the same database sees writes', async () => {
    const other = await database.openStore();
    await store.create(storedTemplate('wf-tmpl-a-000001'));
    expect((await other.getById('wf-tmpl-a-000001'))?.name).toBe('wf-tmpl-a-000001');
  });

  /** Returns the totals of the lists whose total can come from per-project counts. */
  async function totals() {
    const total = async (filter: Partial<ListQuery['filter']>) => (await store.listJson({ sort: BY_CREATED, limit: 100, offset: 0, filter: { visibility: ALL, ...filter } })).total;
    return {
      all: await total({}),
      projectA: await total({ projectId: 'proj-a' }),
      projectB: await total({ projectId: 'proj-b' }),
      global: await total({ scope: 'global' }),
      projects: await total({ scope: 'project' }),
      visibleToMemberOfA: await total({ visibility: { kind: 'global-and-projects', projectIds: ['proj-a'] } }),
    };
  }

  it('totals follow creates, moves and deletes', async () => {
    await store.create(storedTemplate('wf-tmpl-a-000001'));
    await store.create(storedTemplate('wf-tmpl-a-000002'));
    await store.create(storedTemplate('wf-tmpl-g-000001', { scope: 'global', project_id: null }));
    expect(await totals()).toEqual({ all: 3, projectA: 2, projectB: 0, global: 1, projects: 2, visibleToMemberOfA: 3 });

    await store.update(storedTemplate('wf-tmpl-a-000002', { project_id: 'proj-b', revision: 2 }), 1);
    expect(await totals()).toEqual({ all: 3, projectA: 1, projectB: 1, global: 1, projects: 2, visibleToMemberOfA: 2 });

    await store.update(storedTemplate('wf-tmpl-a-000001', { scope: 'global', project_id: null, revision: 2 }), 1);
    expect(await totals()).toEqual({ all: 3, projectA: 0, projectB: 1, global: 2, projects: 1, visibleToMemberOfA: 2 });

    await store.delete('wf-tmpl-g-000001');
    await store.delete('wf-tmpl-a-000002');
    expect(await totals()).toEqual({ all: 1, projectA: 0, projectB: 0, global: 1, projects: 0, visibleToMemberOfA: 1 });
  });

  it('rejected create leaves the totals', async () => {
    await store.create(storedTemplate('wf-tmpl-a-000001', { name: 'etl' }));

    await expect(store.create(storedTemplate('wf-tmpl-a-000002', { name: 'etl' }))).rejects.toThrow();

    expect((await totals()).projectA).toBe(1);
  });
});
