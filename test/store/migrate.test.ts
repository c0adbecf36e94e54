import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/migrate.js';

describe('migrateToLatest', () => {
  it('names the migration that failed', async () => {
    const database = new BetterSqlite3(':memory:');
    database.exec('create table job_templates (id text)');
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database }) });
    try {
      await expect(migrateToLatest(db, 'sqlite')).rejects.toThrow(/^Database migration 0001-create-job-templates failed: .*already exists/);
    } finally {
      await db.destroy();
    }
  });

  it('says when no migration ran', async () => {
    const database = new BetterSqlite3(':memory:');
    // A migration table of the wrong shape makes the migrator fail before it runs any migration.
    database.exec('create table kysely_migration (unexpected text)');
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database }) });
    try {
      await expect(migrateToLatest(db, 'sqlite')).rejects.toThrow(/^Database migration failed before any migration ran: /);
    } finally {
      await db.destroy();
    }
  });
});
