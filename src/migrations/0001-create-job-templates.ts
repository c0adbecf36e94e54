import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationDialect } from './index.js';

/** Creates the job_templates table and the indexes behind name uniqueness, list filters and sorts. */
export function createJobTemplates(dialect: MigrationDialect): Migration {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  const timestamp = dialect === 'postgres' ? 'timestamptz(3)' : 'text';
  // Names sort by code point on both stores: SQLite's BINARY collation compares UTF-8 bytes, which
  // orders like code points; PostgreSQL needs the "C" collation for the same order.
  const nameType = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;

  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('job_templates')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', nameType, (column) => column.notNull())
        .addColumn('name_folded', 'text', (column) => column.notNull())
        .addColumn('scope', 'text', (column) => column.notNull())
        .addColumn('project_id', 'text')
        // '' for global templates. Unlike the nullable project_id it makes the unique index below
        // hold for global templates too, because SQL treats NULLs in a unique index as distinct.
        .addColumn('project_key', 'text', (column) => column.notNull())
        .addColumn('description', 'text')
        .addColumn('containers', sql.raw(json), (column) => column.notNull())
        .addColumn('ttl_seconds_after_finished', 'bigint', (column) => column.notNull())
        .addColumn('backoff_limit', 'bigint', (column) => column.notNull())
        .addColumn('created_by', 'text', (column) => column.notNull())
        .addColumn('updated_by', 'text', (column) => column.notNull())
        .addColumn('created_at', sql.raw(timestamp), (column) => column.notNull())
        .addColumn('updated_at', sql.raw(timestamp), (column) => column.notNull())
        .addColumn('revision', 'integer', (column) => column.notNull())
        .execute();

      await db.schema
        .createIndex('job_templates_scope_project_name_key')
        .on('job_templates')
        .columns(['scope', 'project_key', 'name'])
        .unique()
        .execute();
      await db.schema.createIndex('job_templates_created_at_idx').on('job_templates').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('job_templates_updated_at_idx').on('job_templates').columns(['updated_at', 'id']).execute();
      await db.schema.createIndex('job_templates_name_idx').on('job_templates').columns(['name', 'id']).execute();
      await db.schema
        .createIndex('job_templates_project_created_at_idx')
        .on('job_templates')
        .columns(['project_key', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('job_templates_project_updated_at_idx')
        .on('job_templates')
        .columns(['project_key', 'updated_at', 'id'])
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('job_templates').execute();
    },
  };
}
