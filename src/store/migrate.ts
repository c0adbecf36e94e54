import { Migrator, type Kysely } from 'kysely';
import { TemplateMigrationProvider, type MigrationDialect } from '../migrations/index.js';

/** Outcome of a migration run, for the startup log. */
export interface MigrationReport {
  readonly applied: readonly string[];
}

/**
 * Brings the database to the latest migration. Raises with the failing
 * migration's name when one fails, because Kysely's migrator reports failures
 * in its result instead of throwing.
 */
export async function migrateToLatest(db: Kysely<any>, dialect: MigrationDialect, schema?: string): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: new TemplateMigrationProvider(dialect),
    // Kysely looks for its own tables in every schema unless it is given one, so a schema of our own must be named.
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    const subject = failed === undefined ? 'Database migration failed before any migration ran' : `Database migration ${failed} failed`;
    throw new Error(`${subject}: ${reason}`, { cause: error });
  }
  return { applied: (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName) };
}
