import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { translatePostgresError } from '../../src/store/postgres-store.js';
import { translateSqliteError } from '../../src/store/sqlite-store.js';
import { IdConflictError, NameConflictError, StoreUnavailableError, type StoredTemplate } from '../../src/store/template-store.js';

const TEMPLATE: StoredTemplate = {
  id: 'wf-tmpl-a-000001',
  name: 'a',
  description: null,
  scope: 'global',
  project_id: null,
  containers: [{ name: 'main', image: 'busybox' }],
  ttl_seconds_after_finished: 3600,
  backoff_limit: 3,
  labels: {},
  created_by: 'u',
  updated_by: 'u',
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  revision: 1,
};

function sqliteError(code: string, message: string): Error {
  return new BetterSqlite3.SqliteError(message, code);
}

function postgresError(fields: { code?: string; constraint?: string; message?: string }): Error {
  return Object.assign(new Error(fields.message ?? 'failed'), fields);
}

describe('translateSqliteError', () => {
  it('maps the primary key to IdConflictError', () => {
    const error = sqliteError('SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed: job_templates.id');
    expect(translateSqliteError(error, TEMPLATE)).toBeInstanceOf(IdConflictError);
  });

  it('maps the name index to NameConflictError', () => {
    const error = sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: job_templates.scope, job_templates.project_key, job_templates.name');
    expect(translateSqliteError(error, TEMPLATE)).toBeInstanceOf(NameConflictError);
  });

  it.each(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_READONLY'])(
    'maps %s to StoreUnavailableError',
    (code) => {
      expect(translateSqliteError(sqliteError(code, 'database is locked'))).toBeInstanceOf(StoreUnavailableError);
    },
  );

  it('passes other errors through', () => {
    const other = sqliteError('SQLITE_ERROR', 'no such table');
    expect(translateSqliteError(other)).toBe(other);
    const plain = new Error('x');
    expect(translateSqliteError(plain)).toBe(plain);
  });
});

describe('translatePostgresError', () => {
  it('maps the primary key to IdConflictError', () => {
    expect(translatePostgresError(postgresError({ code: '23505', constraint: 'job_templates_pkey' }), TEMPLATE)).toBeInstanceOf(IdConflictError);
  });

  it('maps the name index to NameConflictError', () => {
    const error = postgresError({ code: '23505', constraint: 'job_templates_scope_project_name_key' });
    expect(translatePostgresError(error, TEMPLATE)).toBeInstanceOf(NameConflictError);
  });

  it.each([
    { code: '57014', message: 'canceling statement due to statement timeout' },
    { code: '57P01', message: 'terminating connection due to administrator command' },
    { code: '08006', message: 'connection failure' },
    { code: '53300', message: 'too many connections' },
    { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' },
    { message: 'Connection terminated unexpectedly' },
    { message: 'timeout exceeded when trying to connect' },
    { message: 'Query read timeout' },
  ])('maps $message to StoreUnavailableError', (fields) => {
    expect(translatePostgresError(postgresError(fields))).toBeInstanceOf(StoreUnavailableError);
  });

  it('passes other errors through', () => {
    const syntax = postgresError({ code: '42601', message: 'syntax error' });
    expect(translatePostgresError(syntax)).toBe(syntax);
    expect(translatePostgresError('not an error')).toBe('not an error');
  });
});
