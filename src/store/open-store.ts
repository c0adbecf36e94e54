import type { StoreConfig } from '../config.js';
import type { MigrationReport } from './migrate.js';
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
  // Loaded only when needed: pg and its modules add about 5 MiB to the memory of a SQLite service.
  const { openPostgresStore } = await import('./postgres-store.js');
  return openPostgresStore({ ...config, onConnectionError });
}
