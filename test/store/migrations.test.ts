import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TemplateMigrationProvider } from '../../src/migrations/index.js';
import type { Database } from '../../src/store/database.js';
import { KyselyTemplateStore } from '../../src/store/kysely-template-store.js';
import { openPostgresStore, translatePostgresError } from '../../src/store/postgres-store.js';
import { openSqliteStore, translateSqliteError } from '../../src/store/sqlite-store.js';
import type { ListQuery, StoredTemplate, TemplateStore } from '../../src/store/template-store.js';
import { TEST_STORE_KIND } from '../helpers/test-store.js';

const FIRST_MIGRATION = '0001-create-job-templates';
const LABELS_MIGRATION = '0002-add-labels-and-revisions';
const BODY_MIGRATION = '0003-add-template-body';
const SEARCH_MIGRATION = '0004-add-search-index';
const COVERING_MIGRATION = '0005-cover-list-pages';
const COUNTS_MIGRATION = '0006-count-templates-per-project';
const TRIGRAMS_MIGRATION = '0007-index-name-trigrams';

/** A database of the run's kind, with a Kysely instance and migrator that the test drives by hand. */
interface MigratedDatabase {
  readonly db: Kysely<Database>;
  readonly migrator: Migrator;
  /** The PostgreSQL schema of this database; undefined on SQLite. */
  readonly schema?: string;
  /** A store on the same connection, for reading back after the migrations. */
  readonly store: TemplateStore;
  /** Opens the store as the server does, which migrates to the latest version. */
  openServerStore(): Promise<{ store: TemplateStore; applied: readonly string[] }>;
  drop(): Promise<void>;
}

async function createSqliteDatabase(): Promise<MigratedDatabase> {
  const folder = mkdtempSync(join(tmpdir(), 'job-templates-migration-'));
  const path = join(folder, 'test.db');
  const connection = new BetterSqlite3(path);
  connection.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  const opened: TemplateStore[] = [];
  return {
    db,
    migrator: new Migrator({ db, provider: new TemplateMigrationProvider('sqlite') }),
    store: new KyselyTemplateStore('sqlite', db, translateSqliteError),
    async openServerStore() {
      const { store, migrations } = await openSqliteStore({ path, busyTimeoutMs: 5000, synchronous: 'normal' });
      opened.push(store);
      return { store, applied: migrations.applied };
    },
    async drop() {
      for (const store of opened) {
        await store.close();
      }
      await db.destroy();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function createPostgresDatabase(): Promise<MigratedDatabase> {
  const url = process.env.TEST_DATABASE_URL ?? '';
  if (url === '') {
    throw new Error('TEST_STORE=postgres needs TEST_DATABASE_URL, for example postgres://postgres@127.0.0.1:5432/test.');
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  // A session time zone other than UTC checks that the backfill writes timestamps in UTC all the same.
  const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema} -c TimeZone=Asia/Shanghai` });
  await pool.query(`create schema ${schema}`);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const opened: TemplateStore[] = [];
  return {
    db,
    schema,
    // Kysely looks for its migration tables in every schema unless migrationTableSchema names one.
    migrator: new Migrator({ db, provider: new TemplateMigrationProvider('postgres'), migrationTableSchema: schema }),
    store: new KyselyTemplateStore('postgres', db, translatePostgresError),
    async openServerStore() {
      const { store, migrations } = await openPostgresStore({ url, schema, poolSize: 2, statementTimeoutMs: 10_000, connectionTimeoutMs: 5000 });
      opened.push(store);
      return { store, applied: migrations.applied };
    },
    async drop() {
      for (const store of opened) {
        await store.close();
      }
      await db.destroy();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs the migrator to `target` and fails the test when a migration fails. */
async function migrateTo(migrator: Migrator, target: string): Promise<string[]> {
  const { error, results } = await migrator.migrateTo(target);
  if (error !== undefined) {
    throw error;
  }
  return (results ?? []).map((result) => `${result.migrationName} ${result.status}`);
}

async function migrateToLatest(migrator: Migrator): Promise<string[]> {
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw error;
  }
  return (results ?? []).map((result) => `${result.migrationName} ${result.status}`);
}

/** A template as the API returned it before labels existed, less `labels`. */
type LegacyTemplate = Omit<StoredTemplate, 'labels'>;

const PROJECT_TEMPLATE: LegacyTemplate = {
  id: 'wf-tmpl-legacy-etl-a1b2c3',
  name: 'Legacy ETL',
  description: 'stored before labels existed',
  scope: 'project',
  project_id: 'proj-a',
  containers: [
    {
      name: 'main',
      image: 'busybox:1.36',
      command: ['sh', '-c'],
      args: ['echo "hi"'],
      env_vars: [
        { name: 'A', value: '' },
        { name: 'B', value: '中文' },
      ],
      working_dir: '/work',
      image_pull_policy: 'IfNotPresent',
      resources: { requests: { cpu: '500m', 'nvidia.com/gpu': '1' }, limits: { memory: '2Gi', 'nvidia.com/gpu': '1' } },
    },
    { name: 'sidecar', image: 'alpine:3' },
  ],
  ttl_seconds_after_finished: 7200,
  backoff_limit: 0,
  created_by: 'user-a',
  updated_by: 'user-b',
  created_at: '2026-01-02T03:04:05.678Z',
  updated_at: '2026-02-03T04:05:06.789Z',
  revision: 1,
};

const GLOBAL_TEMPLATE: LegacyTemplate = {
  id: 'wf-tmpl-0a1b2c3d',
  name: '全局模板',
  description: null,
  scope: 'global',
  project_id: null,
  containers: [{ name: 'main', image: 'busybox:1.36' }],
  ttl_seconds_after_finished: 2_147_483_647,
  backoff_limit: 3,
  created_by: 'user-admin',
  updated_by: 'user-admin',
  created_at: '2025-12-31T23:59:59.999Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  revision: 4,
};

/** Inserts a template row in the shape of the first migration, which has no labels column. */
async function insertLegacyRow(db: Kysely<Database>, template: LegacyTemplate): Promise<void> {
  await (db as Kysely<any>)
    .insertInto('job_templates')
    .values({
      id: template.id,
      name: template.name,
      name_folded: template.name.toLowerCase(),
      scope: template.scope,
      project_id: template.project_id,
      project_key: template.project_id ?? '',
      description: template.description,
      containers: JSON.stringify(template.containers),
      ttl_seconds_after_finished: template.ttl_seconds_after_finished,
      backoff_limit: template.backoff_limit,
      created_by: template.created_by,
      updated_by: template.updated_by,
      created_at: template.created_at,
      updated_at: template.updated_at,
      revision: template.revision,
    })
    .execute();
}

const ALL = { kind: 'all' } as const;
const BY_NAME = { field: 'name', descending: false } as const;

/** Returns the query for the first page of all templates, newest first. */
function newestFirstPage(): ListQuery {
  return { filter: { visibility: { kind: 'all' } }, sort: { field: 'created_at', descending: true }, limit: 100, offset: 0 };
}

describe(`migrations on ${TEST_STORE_KIND}`, () => {
  let database: MigratedDatabase;

  beforeEach(async () => {
    database = TEST_STORE_KIND === 'postgres' ? await createPostgresDatabase() : await createSqliteDatabase();
    expect(await migrateTo(database.migrator, FIRST_MIGRATION)).toEqual([`${FIRST_MIGRATION} Success`]);
  });
  afterEach(async () => {
    await database.drop();
  });

  /** Inserts both legacy templates and migrates to the latest version. */
  async function migrateLegacyTemplates(): Promise<void> {
    await insertLegacyRow(database.db, PROJECT_TEMPLATE);
    await insertLegacyRow(database.db, GLOBAL_TEMPLATE);
    expect(await migrateToLatest(database.migrator)).toEqual([`${LABELS_MIGRATION} Success`, `${BODY_MIGRATION} Success`, `${SEARCH_MIGRATION} Success`, `${COVERING_MIGRATION} Success`, `${COUNTS_MIGRATION} Success`, `${TRIGRAMS_MIGRATION} Success`]);
  }

  it('first migration has no labels or revisions', async () => {
    // PostgreSQL's introspection lists every schema, other test runs' included.
    const tables = (await database.db.introspection.getTables())
      .filter((table) => table.schema === database.schema)
      .map((table) => table.name);

    expect(tables).toContain('job_templates');
    expect(tables).not.toContain('job_template_labels');
    expect(tables).not.toContain('job_template_revisions');
  });

  it('existing template reads back with no labels', async () => {
    await migrateLegacyTemplates();

    expect(await database.store.getById(PROJECT_TEMPLATE.id)).toEqual({ ...PROJECT_TEMPLATE, labels: {} });
    expect(await database.store.getById(GLOBAL_TEMPLATE.id)).toEqual({ ...GLOBAL_TEMPLATE, labels: {} });
  });

  it('existing template gets revision 1', async () => {
    await migrateLegacyTemplates();

    const expected = { ...PROJECT_TEMPLATE, labels: {} };
    expect(await database.store.listRevisions(PROJECT_TEMPLATE.id, 100, 0)).toEqual({
      total: 1,
      items: [{ revision: 1, updated_by: 'user-b', updated_at: PROJECT_TEMPLATE.updated_at, template: expected }],
    });
    const revision = await database.store.getRevision(PROJECT_TEMPLATE.id, 1);
    expect(revision?.template).toEqual(expected);
    expect(revision?.template).toEqual(await database.store.getById(PROJECT_TEMPLATE.id));
  });

  it('backfilled revision has the current number', async () => {
    await migrateLegacyTemplates();

    const expected = { ...GLOBAL_TEMPLATE, labels: {} };
    expect(await database.store.listRevisions(GLOBAL_TEMPLATE.id, 100, 0)).toEqual({
      total: 1,
      items: [{ revision: 4, updated_by: 'user-admin', updated_at: GLOBAL_TEMPLATE.updated_at, template: expected }],
    });
    expect(await database.store.getRevision(GLOBAL_TEMPLATE.id, 1)).toBeUndefined();
  });

  it('backfill with no templates adds no revision', async () => {
    expect(await migrateToLatest(database.migrator)).toEqual([`${LABELS_MIGRATION} Success`, `${BODY_MIGRATION} Success`, `${SEARCH_MIGRATION} Success`, `${COVERING_MIGRATION} Success`, `${COUNTS_MIGRATION} Success`, `${TRIGRAMS_MIGRATION} Success`]);

    const count = await database.db
      .selectFrom('job_template_revisions')
      .select((eb) => eb.fn.countAll<number | string>().as('total'))
      .executeTakeFirstOrThrow();
    expect(Number(count.total)).toBe(0);
  });

  it('label selector sees migrated templates', async () => {
    await migrateLegacyTemplates();

    const lacking = await database.store.list({
      filter: { visibility: ALL, labelRequirements: [{ operator: 'not-exists', key: 'team' }] },
      sort: BY_NAME,
      limit: 10,
      offset: 0,
    });
    const having = await database.store.list({
      filter: { visibility: ALL, labelRequirements: [{ operator: 'exists', key: 'team' }] },
      sort: BY_NAME,
      limit: 10,
      offset: 0,
    });

    expect(lacking.total).toBe(2);
    expect(having.total).toBe(0);
  });

  it('migrated template takes updates and labels', async () => {
    await migrateLegacyTemplates();
    const next: StoredTemplate = {
      ...PROJECT_TEMPLATE,
      labels: { team: 'data' },
      updated_by: 'user-a',
      updated_at: '2026-03-01T00:00:00.000Z',
      revision: 2,
    };

    expect(await database.store.update(next, 1)).toBe(true);

    const revisions = await database.store.listRevisions(PROJECT_TEMPLATE.id, 100, 0);
    expect(revisions.items.map((item) => item.revision)).toEqual([2, 1]);
    expect(revisions.items[0]?.template).toEqual(next);
    expect(revisions.items[1]?.template).toEqual({ ...PROJECT_TEMPLATE, labels: {} });
    const selected = await database.store.list({
      filter: { visibility: ALL, labelRequirements: [{ operator: 'equals', key: 'team', value: 'data' }] },
      sort: BY_NAME,
      limit: 10,
      offset: 0,
    });
    expect(selected.items.map((item) => item.id)).toEqual([PROJECT_TEMPLATE.id]);
  });

  it('delete removes backfilled revisions', async () => {
    await migrateLegacyTemplates();

    expect(await database.store.delete(GLOBAL_TEMPLATE.id)).toBe(true);

    expect(await database.store.listRevisions(GLOBAL_TEMPLATE.id, 100, 0)).toEqual({ total: 0, items: [] });
    expect((await database.store.listRevisions(PROJECT_TEMPLATE.id, 100, 0)).total).toBe(1);
  });

  it('server start applies the second migration', async () => {
    await insertLegacyRow(database.db, PROJECT_TEMPLATE);

    const { store, applied } = await database.openServerStore();

    expect(applied).toEqual([LABELS_MIGRATION, BODY_MIGRATION, SEARCH_MIGRATION, COVERING_MIGRATION, COUNTS_MIGRATION, TRIGRAMS_MIGRATION]);
    expect(await store.getById(PROJECT_TEMPLATE.id)).toEqual({ ...PROJECT_TEMPLATE, labels: {} });
    expect((await store.getRevision(PROJECT_TEMPLATE.id, 1))?.template).toEqual({ ...PROJECT_TEMPLATE, labels: {} });
  });

  it('server start on a migrated database applies nothing', async () => {
    await migrateLegacyTemplates();

    const { store, applied } = await database.openServerStore();

    expect(applied).toEqual([]);
    expect((await store.listRevisions(PROJECT_TEMPLATE.id, 100, 0)).total).toBe(1);
  });

  it('list migrations go down and up again', async () => {
    await migrateLegacyTemplates();

    expect(await migrateTo(database.migrator, SEARCH_MIGRATION)).toEqual([`${TRIGRAMS_MIGRATION} Success`, `${COUNTS_MIGRATION} Success`, `${COVERING_MIGRATION} Success`]);
    expect((await database.store.list(newestFirstPage())).items.map((template) => template.id)).toEqual([PROJECT_TEMPLATE.id, GLOBAL_TEMPLATE.id]);
    expect(await migrateToLatest(database.migrator)).toEqual([`${COVERING_MIGRATION} Success`, `${COUNTS_MIGRATION} Success`, `${TRIGRAMS_MIGRATION} Success`]);
    expect((await database.store.list(newestFirstPage())).items.map((template) => template.id)).toEqual([PROJECT_TEMPLATE.id, GLOBAL_TEMPLATE.id]);
  });

  it.runIf(TEST_STORE_KIND === 'sqlite')('project page reads only a covering index', async () => {
    await migrateLegacyTemplates();

    const plan = await sql<{ detail: string }>`explain query plan
      select id, revision, created_at from job_templates where project_key = ${'proj-a'}
      order by created_at desc, id asc limit 100`.execute(database.db);

    expect(plan.rows.map((row) => row.detail)).toEqual([expect.stringContaining('USING COVERING INDEX job_templates_project_created_at_idx')]);
  });

  it('totals count templates from before migration', async () => {
    await migrateLegacyTemplates();
    const { store } = await database.openServerStore();
    const page = newestFirstPage();

    expect((await store.listJson({ ...page, filter: { ...page.filter, projectId: 'proj-a' } })).total).toBe(1);
    expect((await store.listJson({ ...page, filter: { ...page.filter, scope: 'global' } })).total).toBe(1);
    expect((await store.listJson(page)).total).toBe(2);
  });

  it.runIf(TEST_STORE_KIND === 'sqlite')('migration indexes existing names by trigrams', async () => {
    await migrateLegacyTemplates();

    const found = await sql<{ template_id: string }>`select template_id from job_template_search_keys
      where search_key in (select rowid from job_template_name_search where job_template_name_search match ${'"legacy"'})`.execute(database.db);

    expect(found.rows.map((row) => row.template_id)).toEqual([PROJECT_TEMPLATE.id]);
  });
});
