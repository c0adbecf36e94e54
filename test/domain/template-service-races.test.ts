import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/token-verifier.js';
import { ApiError } from '../../src/errors/api-error.js';
import { TemplateService } from '../../src/domain/template-service.js';
import type { TemplateStore } from '../../src/store/template-store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-store.js';

const ADMIN: Principal = { userId: 'admin', isAdmin: true, projects: new Set(), expiresAt: 4_000_000_000 };
const MEMBER_A: Principal = { userId: 'a', isAdmin: false, projects: new Set(['proj-a']), expiresAt: 4_000_000_000 };

/** Wraps a store so that `before` runs once, just before its first delete. */
function withActionBeforeDelete(store: TemplateStore, before: (id: string) => Promise<void>): TemplateStore {
  let done = false;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'delete') {
        return async (id: string, expectedRevision?: number) => {
          if (!done) {
            done = true;
            await before(id);
          }
          return target.delete(id, expectedRevision);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('TemplateService.delete races', () => {
  let database: TestDatabase;
  let store: TemplateStore;

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    store = await database.openStore();
  });
  afterEach(async () => {
    await database.drop();
  });

  it('a template moved away meanwhile is not deleted', async () => {
    const service = new TemplateService(store);
    const created = await service.create(ADMIN, { name: 'moving', project_id: 'proj-a', containers: [{ name: 'main', image: 'busybox' }] });
    // Moves the template into proj-b between the permission check and the delete, as a concurrent admin would.
    const racing = withActionBeforeDelete(store, async (id) => {
      await service.update(ADMIN, id, { project_id: 'proj-b' });
    });

    const error = await new TemplateService(racing).delete(MEMBER_A, created.id).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((await store.getById(created.id))?.project_id).toBe('proj-b');
  });

  it('a template changed meanwhile is deleted after a fresh check', async () => {
    const service = new TemplateService(store);
    const created = await service.create(ADMIN, { name: 'changing', project_id: 'proj-a', containers: [{ name: 'main', image: 'busybox' }] });
    const racing = withActionBeforeDelete(store, async (id) => {
      await service.update(ADMIN, id, { description: 'changed' });
    });

    await new TemplateService(racing).delete(MEMBER_A, created.id);

    expect(await store.getById(created.id)).toBeUndefined();
  });
});

describe('TemplateService.update revision limit', () => {
  let database: TestDatabase;
  let store: TemplateStore;

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    store = await database.openStore();
  });
  afterEach(async () => {
    await database.drop();
  });

  it('template at the largest revision is 409', async () => {
    const service = new TemplateService(store);
    const created = await service.create(ADMIN, { name: 'old', scope: 'global', containers: [{ name: 'main', image: 'busybox' }] });
    await store.delete(created.id);
    await store.create({ ...created, revision: 2_147_483_647 });

    const error = await service.update(ADMIN, created.id, { description: 'x' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('revision_limit_reached');
    expect((error as ApiError).status).toBe(409);
  });
});
