import { sql, type CompiledQuery, type Kysely, type Selectable, type Transaction } from 'kysely';
import { foldCase } from '../domain/case-folding.js';
import { rememberTemplateJson, serializeTemplate } from '../domain/template-json.js';
import type { ContainerConfig } from '../domain/template-schema.js';
import type { ChangeTracker } from './change-tracker.js';
import { ListPageCache } from './list-page-cache.js';
import { TemplateJsonCache } from './template-json-cache.js';
import type { BatchedWrite, WriteBatcher } from './write-batcher.js';
import type { Database, JobTemplateRevisionRow, JobTemplateRow } from './database.js';
import type { ListJson, ListQuery, ListResult, StoredTemplate, TemplateFilter, TemplateJsonView, TemplateRevision, TemplateStore } from './template-store.js';
import type { TemplateScope } from '../domain/template-schema.js';

/** A dialect's translation of driver errors into the store's errors. */
export type ErrorTranslator = (error: unknown, template?: StoredTemplate) => unknown;

function toIsoString(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString();
}

/** Reads a JSON column: text on SQLite, already parsed from jsonb on PostgreSQL. */
function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function rowToTemplate(row: Selectable<JobTemplateRow>): StoredTemplate {
  if (row.body !== null) {
    const template = JSON.parse(row.body) as StoredTemplate;
    rememberTemplateJson(template, row.body);
    return template;
  }
  const containers = parseJson(row.containers) as ContainerConfig[];
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    scope: row.scope,
    project_id: row.project_id,
    containers,
    ttl_seconds_after_finished: Number(row.ttl_seconds_after_finished),
    backoff_limit: Number(row.backoff_limit),
    labels: parseJson(row.labels) as Record<string, string>,
    created_by: row.created_by,
    updated_by: row.updated_by,
    created_at: toIsoString(row.created_at),
    updated_at: toIsoString(row.updated_at),
    revision: row.revision,
  };
}

/** Returns the job_templates row of a template, derived columns included. */
export function templateToRow(template: StoredTemplate) {
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
    labels: JSON.stringify(template.labels),
    body: serializeTemplate(template),
    created_by: template.created_by,
    updated_by: template.updated_by,
    created_at: template.created_at,
    updated_at: template.updated_at,
    revision: template.revision,
  };
}

function rowToRevision(row: Selectable<JobTemplateRevisionRow>): TemplateRevision {
  return {
    revision: row.revision,
    updated_by: row.updated_by,
    updated_at: toIsoString(row.updated_at),
    template: parseJson(row.template) as StoredTemplate,
  };
}

/** The columns of a template row that decide who may read it and which JSON text is current. */
type HeadRow = Pick<Selectable<JobTemplateRow>, 'id' | 'scope' | 'project_id' | 'revision' | 'created_at' | 'body'>;

/**
 * Returns the FTS5 phrase that finds names containing `term` in the trigram
 * index, or undefined when the index cannot help: a term of fewer than three
 * characters has no trigram, and control characters are left to the LIKE scan.
 */
function trigramPhrase(term: string): string | undefined {
  if ([...term].length < 3 || /[\u0000-\u001f\u007f]/.test(term)) {
    return undefined;
  }
  return `"${term.replaceAll('"', '""')}"`;
}

/** Tells whether a filter searches names. */
function searchesName(filter: TemplateFilter): filter is TemplateFilter & { nameContains: string } {
  return filter.nameContains !== undefined && filter.nameContains !== '';
}

/** Escapes LIKE wildcards so that `%` and `_` in a search match themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** Options of a {@link KyselyTemplateStore}. */
export interface KyselyStoreOptions {
  readonly jsonCache?: TemplateJsonCache;
  /** Detects changes of the database, which lets reads by ID and whole list pages skip their queries while nothing changed. */
  readonly changes?: ChangeTracker;
  /** Bound on the cached list pages; 0 turns the page cache off. */
  readonly cachedPages?: number;
  /** Commits concurrent writes together (SQLite); without it each write has its own transaction. */
  readonly batcher?: WriteBatcher;
  /** The database keeps `job_template_counts` (SQLite), so totals filtered only by project and scope need no COUNT. */
  readonly projectCounts?: boolean;
  /** The database keeps the trigram name index `job_template_name_search` (SQLite). */
  readonly nameTrigrams?: boolean;
}

/**
 * A {@link TemplateStore} over Kysely, shared by the SQLite and PostgreSQL
 * stores; each dialect supplies its connection and error translation.
 */
export class KyselyTemplateStore implements TemplateStore {
  readonly kind: string;
  readonly #db: Kysely<Database>;
  readonly #translateError: ErrorTranslator;
  readonly #jsonCache: TemplateJsonCache;
  /**
   * The query of {@link getJsonById}, compiled once: building and compiling it cost more than running it on SQLite.
   * It reads the body too, because a second query on a cache miss cost more than the text on a hit.
   */
  readonly #selectHead: CompiledQuery<HeadRow>;

  /** Set where the dialect can tell cheaply whether the database changed (SQLite); the read caches need it. */
  readonly #changes: ChangeTracker | undefined;
  readonly #pages: ListPageCache;
  readonly #batcher: WriteBatcher | undefined;
  readonly #projectCounts: boolean;
  readonly #nameTrigrams: boolean;

  constructor(kind: string, db: Kysely<Database>, translateError: ErrorTranslator, options: KyselyStoreOptions = {}) {
    this.kind = kind;
    this.#db = db;
    this.#translateError = translateError;
    this.#jsonCache = options.jsonCache ?? new TemplateJsonCache();
    this.#changes = options.changes;
    this.#pages = new ListPageCache(options.cachedPages);
    this.#batcher = options.batcher;
    this.#projectCounts = options.projectCounts ?? false;
    this.#nameTrigrams = options.nameTrigrams ?? false;
    this.#selectHead = db
      .selectFrom('job_templates')
      .select(['id', 'scope', 'project_id', 'revision', 'created_at', 'body'])
      .where('id', '=', '')
      .compile();
  }

  async #run<T>(operation: () => Promise<T>, template?: StoredTemplate): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw this.#translateError(error, template);
    }
  }

  /** Runs reads in one transaction, so that they read one snapshot: SQLite's deferred transaction, PostgreSQL's repeatable read. */
  #readSnapshot<T>(work: (db: Transaction<Database>) => Promise<T>): Promise<T> {
    const transaction = this.#db.transaction();
    return (this.kind === 'postgres' ? transaction.setIsolationLevel('repeatable read') : transaction).execute(work);
  }

  /** Runs `work` in a transaction of its own, or in the next batch when the store batches writes. */
  #transaction<T>(work: BatchedWrite<T>): Promise<T> {
    return this.#batcher === undefined ? this.#db.transaction().execute(work) : this.#batcher.run(work);
  }

  /** Runs a write and then moves the change generation on, whether the write committed or failed. */
  async #write<T>(operation: () => Promise<T>, template?: StoredTemplate): Promise<T> {
    try {
      return await this.#run(operation, template);
    } finally {
      this.#changes?.recordWrite();
    }
  }

  /** Writes a template's labels and its current revision; the template row must exist. */
  async #writeLabelsAndRevision(trx: Transaction<Database>, template: StoredTemplate, replaceLabels: boolean): Promise<void> {
    if (replaceLabels) {
      await trx.deleteFrom('job_template_labels').where('template_id', '=', template.id).execute();
    }
    const labels = Object.entries(template.labels).map(([key, value]) => ({ template_id: template.id, key, value }));
    if (labels.length > 0) {
      await trx.insertInto('job_template_labels').values(labels).execute();
    }
    await trx
      .insertInto('job_template_revisions')
      .values({
        template_id: template.id,
        revision: template.revision,
        updated_by: template.updated_by,
        updated_at: template.updated_at,
        template: JSON.stringify(template),
      })
      .execute();
  }

  async create(template: StoredTemplate): Promise<void> {
    await this.#write(
      () =>
        this.#transaction(async (trx) => {
          await trx.insertInto('job_templates').values(templateToRow(template)).execute();
          await this.#writeLabelsAndRevision(trx, template, false);
        }),
      template,
    );
  }

  /**
   * Returns the JSON texts of templates, given with their revisions and
   * creation times as a query returned them: from the cache, from the row's
   * body when the query read it, and in one query for the rest. A template
   * deleted meanwhile is left out.
   */
  async #jsonOf(
    rows: readonly { id: string; revision: number; created_at: string | Date; body?: string | null }[],
    db: Kysely<Database> = this.#db,
  ): Promise<string[]> {
    const texts: (string | undefined)[] = new Array(rows.length);
    let missing: string[] | undefined;
    for (let index = 0; index < rows.length; index += 1) {
      const row = rows[index]!;
      const createdAt = toIsoString(row.created_at);
      let text = this.#jsonCache.get(row.id, row.revision, createdAt);
      if (text === undefined && typeof row.body === 'string') {
        text = row.body;
        this.#jsonCache.set(row.id, row.revision, createdAt, text);
      }
      if (text === undefined) {
        (missing ??= []).push(row.id);
      }
      texts[index] = text;
    }
    if (missing === undefined) {
      return texts as string[];
    }
    const fetched = new Map<string, string>();
    for (const row of await db.selectFrom('job_templates').selectAll().where('id', 'in', missing).execute()) {
      const json = row.body ?? serializeTemplate(rowToTemplate(row));
      this.#jsonCache.set(row.id, row.revision, toIsoString(row.created_at), json);
      fetched.set(row.id, json);
    }
    return rows.flatMap((row, index) => {
      const json = texts[index] ?? fetched.get(row.id);
      return json === undefined ? [] : [json];
    });
  }

  async getJsonById(id: string): Promise<TemplateJsonView | undefined> {
    const generation = this.#changes?.current();
    if (generation !== undefined) {
      const confirmed = this.#jsonCache.getConfirmed(id, generation);
      if (confirmed !== undefined) {
        return confirmed;
      }
    }
    return this.#run(async () => {
      const { rows } = await this.#db.executeQuery<HeadRow>({ ...this.#selectHead, parameters: [id] });
      const row = rows[0];
      if (row === undefined) {
        return undefined;
      }
      const [json] = await this.#jsonOf(rows);
      if (json === undefined) {
        return undefined;
      }
      const view = { scope: row.scope, project_id: row.project_id, revision: row.revision, json };
      if (generation !== undefined) {
        this.#jsonCache.confirm(id, generation, view);
      }
      return view;
    });
  }

  async getById(id: string): Promise<StoredTemplate | undefined> {
    const row = await this.#run(() => this.#db.selectFrom('job_templates').selectAll().where('id', '=', id).executeTakeFirst());
    return row === undefined ? undefined : rowToTemplate(row);
  }

  #filtered(filter: TemplateFilter, db: Kysely<Database> = this.#db) {
    let query = db.selectFrom('job_templates');
    if (filter.scope !== undefined) {
      query = query.where('scope', '=', filter.scope);
    }
    if (filter.projectId !== undefined) {
      query = query.where('project_key', '=', filter.projectId);
    }
    if (searchesName(filter)) {
      const phrase = this.#nameTrigrams ? trigramPhrase(filter.nameContains) : undefined;
      if (phrase !== undefined) {
        // The trigram index narrows the rows to those whose names contain the term's trigrams in order.
        const keys = sql<number>`(select rowid from job_template_name_search where job_template_name_search match ${phrase})`;
        query = query.where('id', 'in', db.selectFrom('job_template_search_keys').select('template_id').where('search_key', 'in', keys));
      }
      const pattern = `%${escapeLike(filter.nameContains)}%`;
      query = query.where(sql<boolean>`name_folded like ${pattern} escape '\\'`);
    }
    for (const requirement of filter.labelRequirements ?? []) {
      const withKey = db.selectFrom('job_template_labels').select('template_id').where('key', '=', requirement.key);
      switch (requirement.operator) {
        case 'equals':
          query = query.where('id', 'in', withKey.where('value', '=', requirement.value));
          break;
        case 'not-equals':
          query = query.where('id', 'not in', withKey.where('value', '=', requirement.value));
          break;
        case 'exists':
          query = query.where('id', 'in', withKey);
          break;
        case 'not-exists':
          query = query.where('id', 'not in', withKey);
          break;
      }
    }
    if (filter.visibility.kind === 'global-and-projects') {
      // Global templates have project_key '', so one IN list covers both kinds of visible template.
      query = query.where('project_key', 'in', ['', ...filter.visibility.projectIds]);
    }
    return query;
  }

  /**
   * Returns the number of templates that match a filter. A filter of scope,
   * project and visibility alone is summed from the per-project counts where
   * the database keeps them. Global templates have the project key ''.
   */
  async #countMatches(filter: TemplateFilter, db: Kysely<Database>): Promise<number> {
    const byProjectOnly = !searchesName(filter) && (filter.labelRequirements ?? []).length === 0;
    if (!this.#projectCounts || !byProjectOnly) {
      const counted = await this.#filtered(filter, db).select((eb) => eb.fn.countAll<number | string>().as('total')).executeTakeFirstOrThrow();
      return Number(counted.total);
    }
    let query = db.selectFrom('job_template_counts').select((eb) => eb.fn.sum<number | string | null>('templates').as('total'));
    if (filter.scope === 'global') {
      query = query.where('project_key', '=', '');
    } else if (filter.scope === 'project') {
      query = query.where('project_key', '<>', '');
    }
    if (filter.projectId !== undefined) {
      query = query.where('project_key', '=', filter.projectId);
    }
    if (filter.visibility.kind === 'global-and-projects') {
      query = query.where('project_key', 'in', ['', ...filter.visibility.projectIds]);
    }
    const counted = await query.executeTakeFirstOrThrow();
    return Number(counted.total ?? 0);
  }

  async listJson(query: ListQuery): Promise<ListJson> {
    const generation = this.#changes?.current();
    const key = generation === undefined ? undefined : ListPageCache.keyOf(query);
    if (key !== undefined) {
      const cached = this.#pages.get(key, generation!);
      if (cached !== undefined) {
        return cached;
      }
    }
    // The total, the page and the texts come from one snapshot, so that another process's commit cannot
    // land between them and make the total disagree with the items.
    const page = await this.#run(() => this.#readSnapshot(async (db) => {
      const filtered = this.#filtered(query.filter, db);
      const direction = query.sort.descending ? 'desc' : 'asc';
      // The page is chosen from the indexed columns alone; the large bodies come from the cache or one lookup.
      // With a name search, SQLite would walk the sort column's index and read every row to test the name.
      // A unary plus keeps it from using that index for the order, so it scans the covering search index and
      // sorts the matches instead: about 10 times faster for a selective search. PostgreSQL has no unary plus
      // for timestamps and plans this well by itself.
      const sortColumn =
        this.kind === 'sqlite' && searchesName(query.filter)
          ? sql<string>`+${sql.ref(query.sort.field)}`
          : query.sort.field;
      const [total, rows] = await Promise.all([
        this.#countMatches(query.filter, db),
        filtered
          .select(['id', 'revision', 'created_at'])
          .orderBy(sortColumn, direction)
          .orderBy('id', 'asc')
          .limit(query.limit)
          .offset(query.offset)
          .execute(),
      ]);
      return { total, items: await this.#jsonOf(rows, db) };
    }));
    if (key !== undefined) {
      this.#pages.set(key, generation!, page);
    }
    return page;
  }

  async list(query: ListQuery): Promise<ListResult> {
    const { total, items } = await this.listJson(query);
    return {
      total,
      items: items.map((json) => {
        const template = JSON.parse(json) as StoredTemplate;
        rememberTemplateJson(template, json);
        return template;
      }),
    };
  }

  async update(template: StoredTemplate, expectedRevision: number): Promise<boolean> {
    const row = templateToRow(template);
    return this.#write(
      () =>
        this.#transaction(async (trx) => {
          const result = await trx
            .updateTable('job_templates')
            .set({
              body: row.body,
              name: row.name,
              name_folded: row.name_folded,
              scope: row.scope,
              project_id: row.project_id,
              project_key: row.project_key,
              description: row.description,
              containers: row.containers,
              ttl_seconds_after_finished: row.ttl_seconds_after_finished,
              backoff_limit: row.backoff_limit,
              labels: row.labels,
              updated_by: row.updated_by,
              updated_at: row.updated_at,
              revision: row.revision,
            })
            .where('id', '=', template.id)
            .where('revision', '=', expectedRevision)
            .executeTakeFirst();
          if (result.numUpdatedRows === 0n) {
            return false;
          }
          await this.#writeLabelsAndRevision(trx, template, true);
          return true;
        }),
      template,
    );
  }

  async delete(id: string, expectedRevision?: number): Promise<boolean> {
    const result = await this.#write(() =>
      this.#transaction(async (trx) => {
        let query = trx.deleteFrom('job_templates').where('id', '=', id);
        if (expectedRevision !== undefined) {
          query = query.where('revision', '=', expectedRevision);
        }
        return query.executeTakeFirst();
      }),
    );
    return result.numDeletedRows > 0n;
  }

  async isNameTaken(name: string, scope: TemplateScope, projectId: string | null, exceptId?: string): Promise<boolean> {
    let query = this.#db
      .selectFrom('job_templates')
      .select('id')
      .where('scope', '=', scope)
      .where('project_key', '=', projectId ?? '')
      .where('name', '=', name);
    if (exceptId !== undefined) {
      query = query.where('id', '!=', exceptId);
    }
    const row = await this.#run(() => query.executeTakeFirst());
    return row !== undefined;
  }

  async listRevisions(id: string, limit: number, offset: number): Promise<{ total: number; items: TemplateRevision[] }> {
    return this.#run(async () => {
      const revisions = this.#db.selectFrom('job_template_revisions').where('template_id', '=', id);
      const [counted, rows] = await Promise.all([
        revisions.select((eb) => eb.fn.countAll<number | string>().as('total')).executeTakeFirstOrThrow(),
        revisions.selectAll().orderBy('revision', 'desc').limit(limit).offset(offset).execute(),
      ]);
      return { total: Number(counted.total), items: rows.map(rowToRevision) };
    });
  }

  async getRevision(id: string, revision: number): Promise<TemplateRevision | undefined> {
    const row = await this.#run(() =>
      this.#db
        .selectFrom('job_template_revisions')
        .selectAll()
        .where('template_id', '=', id)
        .where('revision', '=', revision)
        .executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToRevision(row);
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

  async scan(afterId: string | undefined, limit: number): Promise<StoredTemplate[]> {
    let query = this.#db.selectFrom('job_templates').selectAll();
    if (afterId !== undefined) {
      query = query.where('id', '>', afterId);
    }
    const rows = await this.#run(() => query.orderBy('id', 'asc').limit(limit).execute());
    return rows.map(rowToTemplate);
  }

  async ping(): Promise<void> {
    await this.#run(() => sql`select 1`.execute(this.#db));
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }
}
