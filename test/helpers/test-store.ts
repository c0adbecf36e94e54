import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { TemplateStore } from '../../src/store/template-store.js';

/** The store kind this test run uses: `TEST_STORE=postgres` selects PostgreSQL at TEST_DATABASE_URL. */
export const TEST_STORE_KIND: 'sqlite' | 'postgres' = process.env.TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** An isolated database: its own SQLite file, or its own PostgreSQL schema. */
export interface TestDatabase {
  readonly kind: 'sqlite' | 'postgres';
  /** The SQLite file; undefined on PostgreSQL. */
  readonly sqlitePath?: string;
  /** Opens a store on this database; call it again for a second store, as a second server instance would have. */
  openStore(): Promise<TemplateStore>;
  /** Closes every store opened here and removes the database. */
  drop(): Promise<void>;
}

function postgresUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (url === undefined || url === '') {
    throw new Error('TEST_STORE=postgres needs TEST_DATABASE_URL, for example postgres://postgres@127.0.0.1:5432/test.');
  }
  return url;
}

/** Creates an isolated database of the kind this test run uses. */
export async function createTestDatabase(kind: 'sqlite' | 'postgres' = TEST_STORE_KIND): Promise<TestDatabase> {
  const stores: TemplateStore[] = [];
  const closeStores = async () => {
    for (const store of stores.splice(0)) {
      await store.close();
    }
  };

  if (kind === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'job-templates-test-'));
    const sqlitePath = join(folder, 'test.db');
    return {
      kind,
      sqlitePath,
      async openStore() {
        const { store } = await openSqliteStore({ path: sqlitePath, busyTimeoutMs: 5000, synchronous: 'normal' });
        stores.push(store);
        return store;
      },
      async drop() {
        await closeStores();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }

  const url = postgresUrl();
  const schema = `test_${randomBytes(6).toString('hex')}`;
  return {
    kind,
    async openStore() {
      const { store } = await openPostgresStore({ url, schema, poolSize: 10, statementTimeoutMs: 10_000, connectionTimeoutMs: 5000 });
      stores.push(store);
      return store;
    },
    async drop() {
      await closeStores();
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
