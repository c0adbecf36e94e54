/**
 * Create requests converted from public Kubernetes Job, CronJob, training
 * operator, Argo, Tekton and Airflow definitions: each must be accepted and
 * read back exactly as sent, with defaults filled in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION, createTestApp, type TestApp } from '../helpers/test-app.js';

const FIXTURE_FOLDER = new URL('../fixtures/real-templates/', import.meta.url);

interface Fixture {
  readonly file: string;
  readonly body: Record<string, any>;
}

const FIXTURES: Fixture[] = readdirSync(FIXTURE_FOLDER)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({ file, body: JSON.parse(readFileSync(new URL(file, FIXTURE_FOLDER), 'utf8')) as Record<string, any> }));

/** The request field as the API returns it: env var values default to "". */
function withDefaults(field: string, value: unknown): unknown {
  if (field !== 'containers') {
    return value;
  }
  return (value as Record<string, any>[]).map((container) =>
    container.env_vars === undefined
      ? container
      : { ...container, env_vars: (container.env_vars as Record<string, unknown>[]).map((envVar) => ({ value: '', ...envVar })) },
  );
}

describe('real job templates', () => {
  let t: TestApp;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('fixture folder holds templates', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(28);
  });

  it.each(FIXTURES)('$file is accepted and read back as sent', async ({ file, body }) => {
    const created = await t.request('POST', COLLECTION, { body });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    ids.set(file, id);

    const fetched = await t.request('GET', `${COLLECTION}/${id}`);
    expect(fetched.statusCode).toBe(200);
    const template = fetched.json();
    expect(template).toEqual(created.json());

    for (const [field, value] of Object.entries(body)) {
      expect(template[field], field).toEqual(withDefaults(field, value));
    }
    expect(template.description).toBe(body.description ?? null);
    expect(template.scope).toBe(body.scope ?? 'project');
    expect(template.project_id).toBe(body.project_id ?? null);
    expect(template.ttl_seconds_after_finished).toBe(body.ttl_seconds_after_finished ?? 3600);
    expect(template.backoff_limit).toBe(body.backoff_limit ?? 3);
    expect(template.created_by).toBe('user-admin');
    expect(template.id).toMatch(/^wf-tmpl-[a-z0-9-]+$/);
  });

  it('list includes every template', async () => {
    const listed = await t.request('GET', COLLECTION, { query: { limit: '1000' } });

    expect(listed.statusCode).toBe(200);
    expect(listed.json().total).toBe(FIXTURES.length);
    const listedIds = new Set((listed.json().items as { id: string }[]).map((item) => item.id));
    for (const fixture of FIXTURES) {
      expect(listedIds.has(ids.get(fixture.file) ?? ''), fixture.file).toBe(true);
    }
  });

  it('list by project and by scope includes the matching templates', async () => {
    const projects = new Set(FIXTURES.map((fixture) => fixture.body.project_id as string | undefined).filter((id) => id !== undefined));

    for (const projectId of projects) {
      const expected = FIXTURES.filter((fixture) => fixture.body.project_id === projectId).map((fixture) => ids.get(fixture.file));
      const listed = await t.request('GET', COLLECTION, { query: { project_id: projectId as string, limit: '1000' } });

      expect(listed.statusCode).toBe(200);
      expect((listed.json().items as { id: string }[]).map((item) => item.id).sort()).toEqual(expected.sort());
    }

    const globals = FIXTURES.filter((fixture) => fixture.body.scope === 'global').map((fixture) => ids.get(fixture.file));
    const listedGlobals = await t.request('GET', COLLECTION, { query: { scope: 'global', limit: '1000' } });
    expect((listedGlobals.json().items as { id: string }[]).map((item) => item.id).sort()).toEqual(globals.sort());
  });

  it('listed templates equal the templates read one by one', async () => {
    const listed = await t.request('GET', COLLECTION, { query: { limit: '1000' } });

    for (const item of listed.json().items as { id: string }[]) {
      const fetched = await t.request('GET', `${COLLECTION}/${item.id}`);
      expect(item).toEqual(fetched.json());
    }
  });
});
