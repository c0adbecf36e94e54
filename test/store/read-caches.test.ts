import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangeTracker } from '../../src/store/change-tracker.js';
import { ListPageCache, MAX_CACHED_PAGE_CHARACTERS } from '../../src/store/list-page-cache.js';
import { TemplateJsonCache } from '../../src/store/template-json-cache.js';
import type { ListQuery, TemplateStore } from '../../src/store/template-store.js';
import { storedTemplate } from '../helpers/stored-template.js';
import { createTestDatabase, TEST_STORE_KIND, type TestDatabase } from '../helpers/test-store.js';

const PROJECT_PAGE: ListQuery = {
  filter: { projectId: 'proj-a', visibility: { kind: 'all' } },
  sort: { field: 'created_at', descending: true },
  limit: 100,
  offset: 0,
};

function page(total: number, ...items: string[]) {
  return { total, items };
}

describe('ChangeTracker', () => {
  it('generation stays while data_version stays', () => {
    const tracker = new ChangeTracker(() => 7);
    expect(tracker.current()).toBe(tracker.current());
  });

  it('generation moves with data_version', () => {
    let version = 1;
    const tracker = new ChangeTracker(() => version);
    const before = tracker.current();
    version = 2;
    expect(tracker.current()).toBeGreaterThan(before);
  });

  it('generation moves with a local write', () => {
    const tracker = new ChangeTracker(() => 1);
    const before = tracker.current();
    tracker.recordWrite();
    expect(tracker.current()).toBeGreaterThan(before);
  });
});

describe('ListPageCache', () => {
  it('returns a page only at its generation', () => {
    const cache = new ListPageCache();
    const cached = page(1, '{"a":1}');
    cache.set('k', 3, cached);
    expect(cache.get('k', 3)).toBe(cached);
    expect(cache.get('k', 4)).toBeUndefined();
    expect(cache.get('other', 3)).toBeUndefined();
  });

  it('newer generation empties the cache', () => {
    const cache = new ListPageCache();
    cache.set('a', 1, page(0));
    cache.set('b', 2, page(0));
    expect(cache.size).toBe(1);
    expect(cache.get('a', 2)).toBeUndefined();
  });

  it('page of an older generation is not kept', () => {
    const cache = new ListPageCache();
    cache.set('a', 2, page(0));
    cache.set('b', 1, page(0));
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('evicts the oldest page past the page bound', () => {
    const cache = new ListPageCache(2);
    cache.set('a', 1, page(0));
    cache.set('b', 1, page(0));
    cache.set('c', 1, page(0));
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('evicts pages past the character bound', () => {
    const cache = new ListPageCache();
    const half = 'x'.repeat(MAX_CACHED_PAGE_CHARACTERS / 2);
    cache.set('a', 1, page(1, half));
    cache.set('b', 1, page(1, half));
    cache.set('c', 1, page(1, half));
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('c', 1)).toBeDefined();
    cache.set('huge', 1, page(1, `${half}${half}x`));
    expect(cache.get('huge', 1)).toBeUndefined();
  });

  it('bound of 0 keeps nothing', () => {
    const cache = new ListPageCache(0);
    cache.set('a', 1, page(0));
    expect(cache.get('a', 1)).toBeUndefined();
  });

  it('equal queries give equal keys', () => {
    expect(ListPageCache.keyOf({ ...PROJECT_PAGE })).toBe(ListPageCache.keyOf(PROJECT_PAGE));
    expect(ListPageCache.keyOf({ ...PROJECT_PAGE, offset: 1 })).not.toBe(ListPageCache.keyOf(PROJECT_PAGE));
  });
});

describe('TemplateJsonCache confirmed views', () => {
  const view = { scope: 'global' as const, project_id: null, revision: 2, json: '{"v":2}' };

  it('view only at its confirmed generation', () => {
    const cache = new TemplateJsonCache();
    cache.set('a', 2, 't', view.json);
    cache.confirm('a', 5, view);
    expect(cache.getConfirmed('a', 5)).toBe(view);
    expect(cache.getConfirmed('a', 6)).toBeUndefined();
  });

  it('other revision is not confirmed', () => {
    const cache = new TemplateJsonCache();
    cache.set('a', 1, 't', '{"v":1}');
    cache.confirm('a', 5, view);
    expect(cache.getConfirmed('a', 5)).toBeUndefined();
  });

  it('new text drops the confirmation', () => {
    const cache = new TemplateJsonCache();
    cache.set('a', 2, 't', view.json);
    cache.confirm('a', 5, view);
    cache.set('a', 3, 't', '{"v":3}');
    expect(cache.getConfirmed('a', 5)).toBeUndefined();
  });
});

describe(`read caches against a second store on ${TEST_STORE_KIND}`, () => {
  let database: TestDatabase;
  let reader: TemplateStore;
  let writer: TemplateStore;

  beforeEach(async () => {
    database = await createTestDatabase();
    reader = await database.openStore();
    writer = await database.openStore();
    await writer.create(storedTemplate('wf-tmpl-a-000001'));
  });
  afterEach(async () => {
    await database.drop();
  });

  /** Reads the template and the list twice, so that both come from the caches where a store has them. */
  async function readTwice(): Promise<void> {
    for (let round = 0; round < 2; round += 1) {
      await reader.getJsonById('wf-tmpl-a-000001');
      await reader.listJson(PROJECT_PAGE);
    }
  }

  it('read by ID sees another store update', async () => {
    await readTwice();
    await writer.update(storedTemplate('wf-tmpl-a-000001', { description: 'changed', revision: 2 }), 1);

    const view = await reader.getJsonById('wf-tmpl-a-000001');

    expect(view?.revision).toBe(2);
    expect(JSON.parse(view!.json).description).toBe('changed');
  });

  it('read by ID sees another store delete', async () => {
    await readTwice();
    await writer.delete('wf-tmpl-a-000001');

    expect(await reader.getJsonById('wf-tmpl-a-000001')).toBeUndefined();
  });

  it('list sees another store create', async () => {
    await readTwice();
    await writer.create(storedTemplate('wf-tmpl-a-000002', { created_at: '2026-02-01T00:00:00.000Z' }));

    const listed = await reader.listJson(PROJECT_PAGE);

    expect(listed.total).toBe(2);
    expect(listed.items.map((json) => JSON.parse(json).id)).toEqual(['wf-tmpl-a-000002', 'wf-tmpl-a-000001']);
  });

  it('list sees another store update', async () => {
    await readTwice();
    await writer.update(storedTemplate('wf-tmpl-a-000001', { description: 'changed', revision: 2 }), 1);

    const listed = await reader.listJson(PROJECT_PAGE);

    expect(JSON.parse(listed.items[0]!).description).toBe('changed');
  });

  it('list sees another store delete', async () => {
    await readTwice();
    await writer.delete('wf-tmpl-a-000001');

    expect(await reader.listJson(PROJECT_PAGE)).toEqual({ total: 0, items: [] });
  });

  it('list sees its own store write', async () => {
    await readTwice();
    await reader.create(storedTemplate('wf-tmpl-a-000002', { created_at: '2026-02-01T00:00:00.000Z' }));

    expect((await reader.listJson(PROJECT_PAGE)).total).toBe(2);
  });

  it('read by ID sees its own store delete', async () => {
    await readTwice();
    await reader.delete('wf-tmpl-a-000001');

    expect(await reader.getJsonById('wf-tmpl-a-000001')).toBeUndefined();
  });

  it('repeated list returns the same page', async () => {
    const first = await reader.listJson(PROJECT_PAGE);

    expect(await reader.listJson(PROJECT_PAGE)).toEqual(first);
  });
});
