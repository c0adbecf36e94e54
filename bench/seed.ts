/**
 * Seeding of a fresh database before the service starts: a SQLite file in a
 * temporary folder, or a new PostgreSQL schema. Up to
 * STORE_CREATE_LIMIT templates go through TemplateStore.create. Larger seeds
 * use batched multi-row inserts through Kysely and are checked against the
 * store afterwards.
 */
import { templateToRow } from '../src/store/kysely-template-store.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { generateTemplateId } from '../src/domain/template-id.js';
import { validateCreateBody } from '../src/domain/validation.js';
import type { Database } from '../src/store/database.js';
import { openPostgresStore } from '../src/store/postgres-store.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { StoredTemplate, TemplateStore } from '../src/store/template-store.js';
import { track } from './cleanup.js';
import { loadRealTemplates, seedBody, seededRandom, type CreateRequestBody } from './fixtures.js';

/** Largest seed that goes through TemplateStore.create. On the 2-core machine this was written on, SQLite took 4 s for 10,000. */
export const STORE_CREATE_LIMIT = 20_000;
/** Templates per generated chunk and per multi-row INSERT. 500 rows of 16 columns stay under both databases' parameter limits. */
const CHUNK_SIZE = 500;
/** Concurrent store.create calls on PostgreSQL. SQLite's driver is synchronous, so it gets one. */
const POSTGRES_SEED_CONCURRENCY = 8;
/** created_at values are spread over the year before seeding. */
const CREATED_AT_SPAN_MS = 365 * 24 * 3600 * 1000;
const SEED_USER = 'bench-seed';
/** Templates read back through the store after batched inserts. */
const VERIFIED_SAMPLE_SIZE = 20;

export type DatabaseTarget = { readonly kind: 'sqlite' } | { readonly kind: 'postgres'; readonly url: string };

/** A seeded database that a service process can open. */
export interface SeededDatabase {
  readonly kind: 'sqlite' | 'postgres';
  /** DATABASE_URL and, on PostgreSQL, PG_SCHEMA for the service. */
  readonly serviceEnv: Readonly<Record<string, string>>;
  /** The SQLite file or the PostgreSQL schema, for the report. */
  readonly location: string;
  readonly ids: readonly string[];
  readonly names: readonly string[];
  readonly method: 'store.create' | 'batched inserts';
  readonly seconds: number;
  /** Removes the SQLite folder or drops the schema. */
  drop(): Promise<void>;
}

/** A seed's target database, with the ways to open it through the store or through Kysely for batched inserts. */
interface SeedLocation {
  readonly kind: 'sqlite' | 'postgres';
  readonly location: string;
  readonly serviceEnv: Readonly<Record<string, string>>;
  openStore(): Promise<TemplateStore>;
  openKysely(): Kysely<Database>;
  drop(): Promise<void>;
}

function createSqliteLocation(): SeedLocation {
  const folder = mkdtempSync(join(tmpdir(), 'job-templates-bench-'));
  const path = join(folder, 'bench.db');
  const drop = track(
    `temporary folder ${folder}`,
    () => rm(folder, { recursive: true, force: true }),
    () => rmSync(folder, { recursive: true, force: true }),
  );
  return {
    kind: 'sqlite',
    location: path,
    serviceEnv: { DATABASE_URL: `sqlite:${path}` },
    // `normal` skips the fsync of every commit, for seeding speed. The service opens the file with its own setting.
    openStore: async () => (await openSqliteStore({ path, busyTimeoutMs: 5000, synchronous: 'normal' })).store,
    openKysely: () => {
      const database = new BetterSqlite3(path, { timeout: 5000 });
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
      database.pragma('foreign_keys = ON');
      // A 256 MiB page cache instead of the default 2 MiB keeps the indexes in memory while rows arrive in random key order.
      database.pragma('cache_size = -262144');
      return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    },
    drop,
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

function createPostgresLocation(url: string): SeedLocation {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const drop = track(`PostgreSQL schema ${schema}`, () => dropSchema(url, schema));
  return {
    kind: 'postgres',
    location: `schema ${schema}`,
    serviceEnv: { DATABASE_URL: url, PG_SCHEMA: schema },
    openStore: async () =>
      (await openPostgresStore({ url, schema, poolSize: POSTGRES_SEED_CONCURRENCY, statementTimeoutMs: 120_000, connectionTimeoutMs: 10_000 }))
        .store,
    openKysely: () => {
      const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
      return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    },
    drop,
  };
}

/** Builds seeded templates `start` to `end - 1` the way TemplateService.create builds a new one. */
function buildTemplates(fixtures: readonly CreateRequestBody[], start: number, end: number, createdAt: () => string): StoredTemplate[] {
  const templates: StoredTemplate[] = [];
  for (let index = start; index < end; index += 1) {
    const body = seedBody(fixtures, index);
    const result = validateCreateBody(body);
    if (!result.ok) {
      throw new Error(`Seed template ${index} (${body.name}) is invalid: ${JSON.stringify(result.errors)}`);
    }
    const timestamp = createdAt();
    templates.push({
      id: generateTemplateId(result.content.name),
      ...result.content,
      created_by: SEED_USER,
      updated_by: SEED_USER,
      created_at: timestamp,
      updated_at: timestamp,
      revision: 1,
    });
  }
  return templates;
}

async function createThroughStore(store: TemplateStore, templates: readonly StoredTemplate[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < templates.length) {
      const template = templates[next]!;
      next += 1;
      await store.create(template);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Inserts templates with their labels and first revisions, with one
 * multi-row INSERT per table.
 * Rows come from the store's own templateToRow, so the layout cannot drift.
 */
async function insertRows(trx: Transaction<Database>, templates: readonly StoredTemplate[]): Promise<void> {
  await trx
    .insertInto('job_templates')
    .values(
      templates.map(templateToRow),
    )
    .execute();
  const labels = templates.flatMap((template) =>
    Object.entries(template.labels).map(([key, value]) => ({ template_id: template.id, key, value })),
  );
  if (labels.length > 0) {
    await trx.insertInto('job_template_labels').values(labels).execute();
  }
  await trx
    .insertInto('job_template_revisions')
    .values(
      templates.map((template) => ({
        template_id: template.id,
        revision: template.revision,
        updated_by: template.updated_by,
        updated_at: template.updated_at,
        template: JSON.stringify(template),
      })),
    )
    .execute();
}

/** Checks the template count and that sampled templates read back through the store equal what was inserted. */
async function verifyThroughStore(store: TemplateStore, count: number, sample: readonly StoredTemplate[]): Promise<void> {
  const stored = await store.count();
  if (stored !== count) {
    throw new Error(`Seeding stored ${stored} templates instead of ${count}.`);
  }
  for (const expected of sample) {
    const actual = await store.getById(expected.id);
    if (!isDeepStrictEqual(actual, expected)) {
      throw new Error(
        `Seeded template ${expected.id} reads back differently through the store, so the batched row layout in bench/seed.ts no longer matches the store's:\n` +
          `expected ${JSON.stringify(expected)}\nactual   ${JSON.stringify(actual)}`,
      );
    }
  }
}

/**
 * Collects PostgreSQL planner statistics of the seeded tables. Autovacuum
 * would do so on a running database soon after such a load, and doing it now
 * keeps the first runs from planning without statistics. SQLite gets no
 * ANALYZE because the service never runs it there.
 */
async function analyzeTables(location: SeedLocation): Promise<void> {
  const db = location.openKysely();
  try {
    await sql`analyze job_templates, job_template_labels, job_template_revisions`.execute(db);
  } finally {
    await db.destroy();
  }
}

/**
 * Creates a fresh database with `count` templates cycling through the real
 * templates. The database is registered for cleanup until `drop` is called.
 */
export async function seedDatabase(target: DatabaseTarget, count: number): Promise<SeededDatabase> {
  const started = performance.now();
  const location = target.kind === 'sqlite' ? createSqliteLocation() : createPostgresLocation(target.url);
  const fixtures = loadRealTemplates();
  const random = seededRandom(count);
  const spanStart = Date.now() - CREATED_AT_SPAN_MS;
  const createdAt = () => new Date(spanStart + Math.floor(random() * CREATED_AT_SPAN_MS)).toISOString();
  const ids: string[] = [];
  const names: string[] = [];
  const sample: StoredTemplate[] = [];
  const sampleEvery = Math.max(1, Math.floor(count / VERIFIED_SAMPLE_SIZE));
  const batched = count > STORE_CREATE_LIMIT;

  const seedChunks = async (insert: (templates: readonly StoredTemplate[]) => Promise<void>) => {
    for (let start = 0; start < count; start += CHUNK_SIZE) {
      const templates = buildTemplates(fixtures, start, Math.min(start + CHUNK_SIZE, count), createdAt);
      await insert(templates);
      templates.forEach((template, offset) => {
        ids.push(template.id);
        names.push(template.name);
        if ((start + offset) % sampleEvery === 0) {
          sample.push(template);
        }
      });
    }
  };

  // Opening the store first creates the tables, also for the batched inserts.
  let store = await location.openStore();
  if (batched) {
    const db = location.openKysely();
    try {
      // One transaction for the whole seed: with the keys arriving in random order, every
      // transaction rewrites most index pages, so one large transaction writes each page once.
      await db.transaction().execute((trx) => seedChunks((templates) => insertRows(trx, templates)));
    } finally {
      await db.destroy();
    }
  } else {
    const concurrency = location.kind === 'postgres' ? POSTGRES_SEED_CONCURRENCY : 1;
    await seedChunks((templates) => createThroughStore(store, templates, concurrency));
  }
  if (location.kind === 'postgres') {
    await analyzeTables(location);
  }
  await store.close();
  store = await location.openStore();
  try {
    await verifyThroughStore(store, count, batched ? sample : []);
  } finally {
    await store.close();
  }

  return {
    kind: location.kind,
    serviceEnv: location.serviceEnv,
    location: location.location,
    ids,
    names,
    method: batched ? 'batched inserts' : 'store.create',
    seconds: (performance.now() - started) / 1000,
    drop: location.drop,
  };
}
