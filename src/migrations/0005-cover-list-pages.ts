import type { Kysely, Migration } from 'kysely';
import type { MigrationDialect } from './index.js';

/** Each sort index: its name, the columns it had before, and the columns that cover a list page. */
const SORT_INDEXES = [
  { name: 'job_templates_created_at_idx', before: ['created_at', 'id'], after: ['created_at desc', 'id', 'revision'] },
  { name: 'job_templates_updated_at_idx', before: ['updated_at', 'id'], after: ['updated_at desc', 'id', 'revision', 'created_at'] },
  { name: 'job_templates_name_idx', before: ['name', 'id'], after: ['name', 'id', 'revision', 'created_at'] },
  {
    name: 'job_templates_project_created_at_idx',
    before: ['project_key', 'created_at', 'id'],
    after: ['project_key', 'created_at desc', 'id', 'revision'],
  },
  {
    name: 'job_templates_project_updated_at_idx',
    before: ['project_key', 'updated_at', 'id'],
    after: ['project_key', 'updated_at desc', 'id', 'revision', 'created_at'],
  },
] as const;

/**
 * Makes the sort indexes cover a list page. A page is chosen by ID, revision
 * and creation time alone (the JSON comes from the cache), and with these
 * columns in the index the database no longer reads each row of the page from
 * the table: on SQLite a page of 100 templates of one project went from about
 * 140 to 50 microseconds. The time columns are descending because the default
 * order, newest first with ties by ascending ID, can then be read straight
 * from the index without a sort.
 */
export function coverListPages(_dialect: MigrationDialect): Migration {
  const rebuild = async (db: Kysely<any>, columns: (index: (typeof SORT_INDEXES)[number]) => readonly string[]) => {
    for (const index of SORT_INDEXES) {
      await db.schema.dropIndex(index.name).execute();
      await db.schema
        .createIndex(index.name)
        .on('job_templates')
        .columns([...columns(index)])
        .execute();
    }
  };
  return {
    async up(db: Kysely<any>): Promise<void> {
      await rebuild(db, (index) => index.after);
    },

    async down(db: Kysely<any>): Promise<void> {
      await rebuild(db, (index) => index.before);
    },
  };
}
