import type { StoreConfig } from '../config.js';
import type { MigrationReport } from './migrate.js';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { TemplateStore } from './template-store.js';

/** Opens the configured store and brings its schema up to date. */
export async function openStore(
  config: StoreConfig,
  onConnectionError: (error: Error) => void,
): Promise<{ store: TemplateStore; migrations: MigrationReport }> {
  if (config.kind === 'sqlite') {
    return openSqliteStore(config);
  }
  return openPostgresStore({ ...config, onConnectionError });
}
