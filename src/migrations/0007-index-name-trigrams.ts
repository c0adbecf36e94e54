import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationDialect } from './index.js';

/**
 * On SQLite, indexes the trigrams of each case-folded name in an FTS5 table,
 * so that a name search reads only the templates that contain the term's
 * trigrams instead of scanning every name. The FTS5 row of a template is its
 * key in `job_template_search_keys`, an integer primary key that VACUUM keeps.
 * Triggers keep both tables in step with `job_templates` in the same
 * transaction. PostgreSQL keeps scanning its covering search index: its
 * trigram index needs the pg_trgm extension, which a database user may not be
 * allowed to create.
 */
export function indexNameTrigrams(dialect: MigrationDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      if (dialect !== 'sqlite') {
        return;
      }
      await sql`create table job_template_search_keys (
        search_key integer primary key,
        template_id text not null unique
      )`.execute(db);
      await sql`create virtual table job_template_name_search using fts5(
        name_folded, content='', contentless_delete=1, tokenize='trigram case_sensitive 1'
      )`.execute(db);
      await sql`insert into job_template_search_keys (template_id) select id from job_templates order by id`.execute(db);
      await sql`insert into job_template_name_search (rowid, name_folded)
        select keys.search_key, templates.name_folded
        from job_template_search_keys keys join job_templates templates on templates.id = keys.template_id`.execute(db);
      await sql`create trigger job_template_name_search_insert after insert on job_templates begin
        insert into job_template_search_keys (template_id) values (new.id);
        insert into job_template_name_search (rowid, name_folded)
          values ((select search_key from job_template_search_keys where template_id = new.id), new.name_folded);
      end`.execute(db);
      await sql`create trigger job_template_name_search_delete after delete on job_templates begin
        delete from job_template_name_search
          where rowid = (select search_key from job_template_search_keys where template_id = old.id);
        delete from job_template_search_keys where template_id = old.id;
      end`.execute(db);
      await sql`create trigger job_template_name_search_rename after update of name_folded on job_templates
        when old.name_folded is not new.name_folded begin
        delete from job_template_name_search
          where rowid = (select search_key from job_template_search_keys where template_id = old.id);
        insert into job_template_name_search (rowid, name_folded)
          values ((select search_key from job_template_search_keys where template_id = new.id), new.name_folded);
      end`.execute(db);
    },

    async down(db: Kysely<any>): Promise<void> {
      if (dialect !== 'sqlite') {
        return;
      }
      for (const trigger of ['job_template_name_search_insert', 'job_template_name_search_delete', 'job_template_name_search_rename']) {
        await sql`drop trigger ${sql.ref(trigger)}`.execute(db);
      }
      await sql`drop table job_template_name_search`.execute(db);
      await sql`drop table job_template_search_keys`.execute(db);
    },
  };
}
