import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { Database } from './database.js';
import { ChangeTracker } from './change-tracker.js';
import { WriteBatcher } from './write-batcher.js';
import { KyselyTemplateStore } from './kysely-template-store.js';
import { migrateToLatest, type MigrationReport } from './migrate.js';
import { IdConflictError, NameConflictError, StoreUnavailableError, type StoredTemplate } from './template-store.js';

/** Settings of the embedded SQLite store. */
export interface SqliteStoreOptions {
  /** Database file path, or ":memory:". */
  readonly path: string;
  /** How long a write waits for another process's lock before failing, in milliseconds. */
  readonly busyTimeoutMs: number;
  /** SQLite's synchronous setting: "full" syncs every commit to disk; "normal" survives a process crash but may lose the last commits on power loss. */
  readonly synchronous: 'full' | 'normal';
  /** List pages kept while the database is unchanged; 0 turns the page cache off. Default 1000. */
  readonly cachedPages?: number;
}

/** Result codes for which the API responds 503 rather than 500, because the database is busy or its storage failed. */
const UNAVAILABLE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_READONLY']);

function sqliteCode(error: unknown): string | undefined {
  return error instanceof BetterSqlite3.SqliteError ? error.code : undefined;
}

/** Turns better-sqlite3 errors into the store's errors; others pass through. */
export function translateSqliteError(error: unknown, template?: StoredTemplate): unknown {
  const code = sqliteCode(error);
  if (code === undefined) {
    return error;
  }
  if (code.startsWith('SQLITE_CONSTRAINT') && template !== undefined) {
    const message = (error as Error).message;
    if (message.includes('job_templates.id')) {
      return new IdConflictError(template.id);
    }
    if (message.includes('job_templates.name')) {
      return new NameConflictError(template.name, template.scope, template.project_id);
    }
  }
  const base = code.split('_').slice(0, 2).join('_');
  if (UNAVAILABLE_CODES.has(base)) {
    return new StoreUnavailableError(`SQLite is unavailable (${code}).`, { cause: error });
  }
  return error;
}

/**
 * SQLite's page cache of the connection, in KiB. better-sqlite3 sets 16 MiB,
 * which fills up at 100,000 templates. Reads that miss the service's own caches
 * find the rest of the pages in the operating system's file cache.
 */
const PAGE_CACHE_KIB = 4096;

/**
 * Pages of write-ahead log after which a commit copies them into the database
 * file (SQLite's default is 1,000). A checkpoint blocks the event loop, and a
 * longer log gathers more changes of the same index pages into one copy: with
 * 10,000 pages (about 40 MiB) creates rose by about 15 % in the benchmark.
 */
const WAL_CHECKPOINT_PAGES = 10_000;

/** Prepared statements kept per connection; queries differ mostly by the length of IN lists, so few are needed. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Wraps a database so that each SQL text is prepared once and its statement
 * reused. Kysely prepares every query again, which profiling showed to cost
 * about a tenth of a simple read. better-sqlite3 runs a statement to its end
 * in one synchronous call, so reusing it between queries is safe.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sqlText: string) {
      let statement = statements.get(sqlText);
      if (statement === undefined) {
        statement = database.prepare(sqlText);
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) {
            statements.delete(oldest);
          }
        }
        statements.set(sqlText, statement);
      }
      return statement;
    },
  };
}

/** Opens the SQLite store, creating the file and its folder when missing, and migrates it. */
export async function openSqliteStore(
  options: SqliteStoreOptions,
): Promise<{ store: KyselyTemplateStore; migrations: MigrationReport }> {
  if (options.path !== ':memory:') {
    mkdirSync(dirname(options.path), { recursive: true });
  }
  const database = new BetterSqlite3(options.path, { timeout: options.busyTimeoutMs });
  try {
    database.pragma('journal_mode = WAL');
    database.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    database.pragma('foreign_keys = ON');
    database.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    database.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
  } catch (error) {
    database.close();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });

  let migrations: MigrationReport | undefined;
  // Several processes may open one file at once. Kysely takes no migration lock on SQLite,
  // so a process whose migration lost the race retries and then finds the schema in place.
  for (let attempt = 1; migrations === undefined; attempt += 1) {
    try {
      migrations = await migrateToLatest(db, 'sqlite');
    } catch (error) {
      if (attempt >= 5) {
        await db.destroy();
        throw error;
      }
      await sleep(100 * attempt);
    }
  }
  // data_version changes with every commit of another connection, and the tracker counts this connection's own.
  const dataVersion = database.prepare('pragma data_version').pluck();
  const changes = new ChangeTracker(() => dataVersion.get() as number);
  const store = new KyselyTemplateStore('sqlite', db, translateSqliteError, {
    changes,
    batcher: new WriteBatcher(db),
    projectCounts: true,
    nameTrigrams: true,
    ...(options.cachedPages === undefined ? {} : { cachedPages: options.cachedPages }),
  });
  return { store, migrations };
}
