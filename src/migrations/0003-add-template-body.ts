import type { Kysely, Migration } from 'kysely';
import { serializeTemplate } from '../domain/template-json.js';
import type { JobTemplate } from '../domain/template-schema.js';
import type { MigrationDialect } from './index.js';

/** Rows backfilled per statement batch. */
const BATCH_SIZE = 500;

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function toIsoString(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/**
 * Adds `body`: each template's API representation as JSON text, written with
 * the template, so that reads send it without building it again. Existing
 * templates are backfilled here, in batches ordered by ID.
 */
export function addTemplateBody(_dialect: MigrationDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('job_templates').addColumn('body', 'text').execute();

      let afterId = '';
      for (;;) {
        const rows = await db.selectFrom('job_templates').selectAll().where('id', '>', afterId).orderBy('id').limit(BATCH_SIZE).execute();
        if (rows.length === 0) {
          break;
        }
        for (const row of rows) {
          const template: JobTemplate = {
            id: row.id,
            name: row.name,
            description: row.description,
            scope: row.scope,
            project_id: row.project_id,
            containers: parseJson(row.containers) as JobTemplate['containers'],
            ttl_seconds_after_finished: Number(row.ttl_seconds_after_finished),
            backoff_limit: Number(row.backoff_limit),
            labels: parseJson(row.labels) as Record<string, string>,
            revision: Number(row.revision),
            created_by: row.created_by,
            updated_by: row.updated_by,
            created_at: toIsoString(row.created_at),
            updated_at: toIsoString(row.updated_at),
          };
          await db.updateTable('job_templates').set({ body: serializeTemplate(template) }).where('id', '=', row.id).execute();
        }
        afterId = rows[rows.length - 1]!.id;
      }
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('job_templates').dropColumn('body').execute();
    },
  };
}
