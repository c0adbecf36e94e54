import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTION, createTestApp, projectTemplate, type TestApp } from '../helpers/test-app.js';

describe('job template CRUD', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('create, get, list, update and delete round trip', async () => {
    const created = await t.create(projectTemplate('round-trip'));
    expect(created.id).toMatch(/^wf-tmpl-round-trip-[0-9a-f]{6}$/);

    const fetched = await t.request('GET', `${COLLECTION}/${created.id}`);
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(created);

    const listed = await t.request('GET', COLLECTION);
    expect(listed.json()).toEqual({ total: 1, items: [created] });

    const updated = await t.request('PUT', `${COLLECTION}/${created.id}`, { body: { description: 'changed' } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().description).toBe('changed');

    const deleted = await t.request('DELETE', `${COLLECTION}/${created.id}`);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ message: `Job template ${created.id} deleted successfully` });

    const gone = await t.request('GET', `${COLLECTION}/${created.id}`);
    expect(gone.statusCode).toBe(404);
  });
});
