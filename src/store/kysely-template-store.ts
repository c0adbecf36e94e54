import { sql, type Kysely, type Selectable } from 'kysely';
import { foldCase } from '../domain/case-folding.js';
import type { ContainerConfig } from '../domain/template-schema.js';
import type { Database, JobTemplateRow } from './database.js';
import type { ListQuery, ListResult, StoredTemplate, TemplateFilter, TemplateStore } from './template-store.js';

/** How a dialect turns driver errors into the store's errors. */
export type ErrorTranslator = (error: unknown, template?: StoredTemplate) => unknown;

function toIsoString(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString();
}

function rowToTemplate(row: Selectable<JobTemplateRow>): StoredTemplate {
  const containers = (typeof row.containers === 'string' ? JSON.parse(row.containers) : row.containers) as ContainerConfig[];
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    scope: row.scope,
    project_id: row.project_id,
    containers,
    ttl_seconds_after_finished: Number(row.ttl_seconds_after_finished),
    backoff_limit: Number(row.backoff_limit),
    created_by: row.created_by,
    updated_by: row.updated_by,
    created_at: toIsoString(row.created_at),
    updated_at: toIsoString(row.updated_at),
    revision: row.revision,
  };
}

function templateToRow(template: StoredTemplate) {
  return {
    id: template.id,
    name: template.name,
    name_folded: foldCase(template.name),
    scope: template.scope,
    project_id: template.project_id,
    project_key: template.project_id ?? '',
    description: template.description,
    containers: JSON.stringify(template.containers),
    ttl_seconds_after_finished: template.ttl_seconds_after_finished,
    backoff_limit: template.backoff_limit,
    created_by: template.created_by,
    updated_by: template.updated_by,
    created_at: template.created_at,
    updated_at: template.updated_at,
    revision: template.revision,
  };
}

/** Escapes LIKE wildcards so that `%` and `_` in a search match themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * A {@link TemplateStore} over Kysely, shared by the SQLite and PostgreSQL
 * stores; each dialect supplies its connection and error translation.
 */
export class KyselyTemplateStore implements TemplateStore {
  readonly kind: string;
  readonly #db: Kysely<Database>;
  readonly #translateError: ErrorTranslator;

  constructor(kind: string, db: Kysely<Database>, translateError: ErrorTranslator) {
    this.kind = kind;
    this.#db = db;
    this.#translateError = translateError;
  }

  async #run<T>(operation: () => Promise<T>, template?: StoredTemplate): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw this.#translateError(error, template);
    }
  }

  async create(template: StoredTemplate): Promise<void> {
    await this.#run(() => this.#db.insertInto('job_templates').values(templateToRow(template)).execute(), template);
  }

  async getById(id: string): Promise<StoredTemplate | undefined> {
    const row = await this.#run(() => this.#db.selectFrom('job_templates').selectAll().where('id', '=', id).executeTakeFirst());
    return row === undefined ? undefined : rowToTemplate(row);
  }

  #filtered(filter: TemplateFilter) {
    let query = this.#db.selectFrom('job_templates');
    if (filter.scope !== undefined) {
      query = query.where('scope', '=', filter.scope);
    }
    if (filter.projectId !== undefined) {
      query = query.where('project_key', '=', filter.projectId);
    }
    if (filter.nameContains !== undefined && filter.nameContains !== '') {
      const pattern = `%${escapeLike(filter.nameContains)}%`;
      query = query.where(sql<boolean>`name_folded like ${pattern} escape '\\'`);
    }
    if (filter.visibility.kind === 'global-and-projects') {
      // Global templates have project_key '', so one IN list covers both kinds of visible template.
      query = query.where('project_key', 'in', ['', ...filter.visibility.projectIds]);
    }
    return query;
  }

  async list(query: ListQuery): Promise<ListResult> {
    return this.#run(async () => {
      const filtered = this.#filtered(query.filter);
      const direction = query.sort.descending ? 'desc' : 'asc';
      const [counted, rows] = await Promise.all([
        filtered.select((eb) => eb.fn.countAll<number | string>().as('total')).executeTakeFirstOrThrow(),
        filtered
          .selectAll()
          .orderBy(query.sort.field, direction)
          .orderBy('id', 'asc')
          .limit(query.limit)
          .offset(query.offset)
          .execute(),
      ]);
      return { total: Number(counted.total), items: rows.map(rowToTemplate) };
    });
  }

  async update(template: StoredTemplate, expectedRevision: number): Promise<boolean> {
    const row = templateToRow(template);
    const result = await this.#run(
      () =>
        this.#db
          .updateTable('job_templates')
          .set({
            name: row.name,
            name_folded: row.name_folded,
            scope: row.scope,
            project_id: row.project_id,
            project_key: row.project_key,
            description: row.description,
            containers: row.containers,
            ttl_seconds_after_finished: row.ttl_seconds_after_finished,
            backoff_limit: row.backoff_limit,
            updated_by: row.updated_by,
            updated_at: row.updated_at,
            revision: row.revision,
          })
          .where('id', '=', template.id)
          .where('revision', '=', expectedRevision)
          .executeTakeFirst(),
      template,
    );
    return result.numUpdatedRows > 0n;
  }

  async delete(id: string, expectedRevision?: number): Promise<boolean> {
    let query = this.#db.deleteFrom('job_templates').where('id', '=', id);
    if (expectedRevision !== undefined) {
      query = query.where('revision', '=', expectedRevision);
    }
    const result = await this.#run(() => query.executeTakeFirst());
    return result.numDeletedRows > 0n;
  }

  async count(): Promise<number> {
    const row = await this.#run(() =>
      this.#db
        .selectFrom('job_templates')
        .select((eb) => eb.fn.countAll<number | string>().as('total'))
        .executeTakeFirstOrThrow(),
    );
    return Number(row.total);
  }

  async ping(): Promise<void> {
    await this.#run(() => sql`select 1`.execute(this.#db));
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }
}
