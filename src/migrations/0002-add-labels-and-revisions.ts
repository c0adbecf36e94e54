import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationDialect } from './index.js';

/**
 * Adds template labels, with a key-value table that the label selector
 * filters through an index, and the immutable revision history. Existing
 * templates get their current state as a revision, so that every template
 * has the revision its `revision` field names.
 */
export function addLabelsAndRevisions(dialect: MigrationDialect): Migration {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  const timestamp = dialect === 'postgres' ? 'timestamptz(3)' : 'text';

  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable('job_templates')
        .addColumn('labels', sql.raw(json), (column) => column.notNull().defaultTo(sql.lit('{}')))
        .execute();

      await db.schema
        .createTable('job_template_labels')
        .addColumn('template_id', 'text', (column) => column.notNull().references('job_templates.id').onDelete('cascade'))
        .addColumn('key', 'text', (column) => column.notNull())
        .addColumn('value', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('job_template_labels_pkey', ['template_id', 'key'])
        .execute();
      // Serves key=value and key lookups of the label selector, returning template IDs from the index alone.
      await db.schema
        .createIndex('job_template_labels_key_value_idx')
        .on('job_template_labels')
        .columns(['key', 'value', 'template_id'])
        .execute();

      await db.schema
        .createTable('job_template_revisions')
        .addColumn('template_id', 'text', (column) => column.notNull().references('job_templates.id').onDelete('cascade'))
        .addColumn('revision', 'integer', (column) => column.notNull())
        .addColumn('updated_by', 'text', (column) => column.notNull())
        .addColumn('updated_at', sql.raw(timestamp), (column) => column.notNull())
        .addColumn('template', sql.raw(json), (column) => column.notNull())
        .addPrimaryKeyConstraint('job_template_revisions_pkey', ['template_id', 'revision'])
        .execute();

      const snapshot =
        dialect === 'postgres'
          ? sql`jsonb_build_object(
              'id', id, 'name', name, 'description', description, 'scope', scope, 'project_id', project_id,
              'containers', containers, 'ttl_seconds_after_finished', ttl_seconds_after_finished,
              'backoff_limit', backoff_limit, 'labels', labels, 'revision', revision,
              'created_by', created_by, 'updated_by', updated_by,
              'created_at', to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              'updated_at', to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`
          : sql`json_object(
              'id', id, 'name', name, 'description', description, 'scope', scope, 'project_id', project_id,
              'containers', json(containers), 'ttl_seconds_after_finished', ttl_seconds_after_finished,
              'backoff_limit', backoff_limit, 'labels', json(labels), 'revision', revision,
              'created_by', created_by, 'updated_by', updated_by, 'created_at', created_at, 'updated_at', updated_at)`;
      await sql`insert into job_template_revisions (template_id, revision, updated_by, updated_at, template)
        select id, revision, updated_by, updated_at, ${snapshot} from job_templates`.execute(db);
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('job_template_revisions').execute();
      await db.schema.dropTable('job_template_labels').execute();
      await db.schema.alterTable('job_templates').dropColumn('labels').execute();
    },
  };
}
