import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { KyselyTemplateStore } from './kysely-template-store.js';
import { migrateToLatest, type MigrationReport } from './migrate.js';
import { IdConflictError, NameConflictError, StoreUnavailableError, type StoredTemplate } from './template-store.js';

/** Settings of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** Connection URL, `postgres://user@host:port/database`. */
  readonly url: string;
  /** Maximum connections in the pool. */
  readonly poolSize: number;
  /** Maximum time a statement may run before PostgreSQL cancels it, in milliseconds. */
  readonly statementTimeoutMs: number;
  /** Maximum time to wait for a new connection, in milliseconds. */
  readonly connectionTimeoutMs: number;
  /** Schema for the tables; `public` unless set. Tests use one schema each. */
  readonly schema?: string;
  /** Called when an idle pooled connection fails, for logging. */
  readonly onConnectionError?: (error: Error) => void;
}

/** SQLSTATE classes and codes for which the API responds 503, because the database is down, restarting, overloaded or too slow. */
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58)|^40001$|^40P01$/;

/** Node.js network error codes of a lost or refused connection. */
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function isConnectionFailure(error: Error & { code?: unknown }): boolean {
  if (typeof error.code === 'string' && (NETWORK_ERRORS.has(error.code) || UNAVAILABLE_SQLSTATE.test(error.code))) {
    return true;
  }
  // pg reports lost connections and pool timeouts with plain messages and no code.
  return /Connection terminated|Query read timeout|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Connection ended/i.test(
    error.message,
  );
}

/** Turns pg errors into the store's errors; others pass through. */
export function translatePostgresError(error: unknown, template?: StoredTemplate): unknown {
  if (!(error instanceof Error)) {
    return error;
  }
  const { code, constraint } = error as Error & { code?: string; constraint?: string };
  if (code === '23505' && template !== undefined) {
    if (constraint === 'job_templates_pkey') {
      return new IdConflictError(template.id);
    }
    if (constraint === 'job_templates_scope_project_name_key') {
      return new NameConflictError(template.name, template.scope, template.project_id);
    }
  }
  if (isConnectionFailure(error)) {
    return new StoreUnavailableError(`PostgreSQL is unavailable: ${error.message}`, { cause: error });
  }
  return error;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens the PostgreSQL store and migrates it. Several instances may start at
 * once: Kysely's migrator holds an advisory lock while it migrates, and a
 * start-up that races on creating the migration tables retries.
 */
export async function openPostgresStore(
  options: PostgresStoreOptions,
): Promise<{ store: KyselyTemplateStore; migrations: MigrationReport; pool: pg.Pool }> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`Invalid PostgreSQL schema name ${JSON.stringify(options.schema)}: use lowercase letters, digits and "_".`);
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    // Bounds a hang on a connection whose peer vanished without closing it.
    query_timeout: options.statementTimeoutMs + 1000,
    keepAlive: true,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // A client that loses its connection emits 'error': on the pool while idle, on the client while in
  // use. An 'error' event without a listener would end the process, so both get one. The failed
  // query rejects on its own, and the pool discards the broken client when it is released.
  const reportConnectionError = (error: Error) => options.onConnectionError?.(error);
  pool.on('error', reportConnectionError);
  pool.on('connect', (client) => client.on('error', reportConnectionError));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

  let migrations: MigrationReport | undefined;
  for (let attempt = 1; migrations === undefined; attempt += 1) {
    try {
      if (options.schema !== undefined) {
        await pool.query(`create schema if not exists ${options.schema}`);
      }
      migrations = await migrateToLatest(db, 'postgres', options.schema);
    } catch (error) {
      if (attempt >= 5) {
        await db.destroy();
        throw error;
      }
      await sleep(100 * attempt);
    }
  }
  return { store: new KyselyTemplateStore('postgres', db, translatePostgresError), migrations, pool };
}
