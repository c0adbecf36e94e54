import type { StoreConfig } from '../config.js';
import type { MigrationReport } from './migrate.js';
import { openSqliteStore } from './sqlite-store.js';
import type { TemplateStore } from './template-store.js';

/** Opens the configured store and brings its schema up to date. */
export async function openStore(config: StoreConfig): Promise<{ store: TemplateStore; migrations: MigrationReport }> {
  if (config.kind === 'sqlite') {
    return openSqliteStore(config);
  }
  throw new Error('DATABASE_URL selects PostgreSQL, which this build does not support yet; use a sqlite: URL.');
}
