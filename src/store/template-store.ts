import type { LabelRequirement } from '../domain/label-selector.js';
import type { JobTemplate, TemplateScope } from '../domain/template-schema.js';

/** A template as stored, which is its API representation. */
export type StoredTemplate = JobTemplate;

/** One immutable revision of a template: its whole state after a create or a changing update. */
export interface TemplateRevision {
  readonly revision: number;
  readonly updated_by: string;
  readonly updated_at: string;
  readonly template: StoredTemplate;
}

/** A template as its JSON text, with the fields that decide who may read it and its ETag. */
export interface TemplateJsonView {
  readonly scope: TemplateScope;
  readonly project_id: string | null;
  readonly revision: number;
  /** The API representation, ready to send. */
  readonly json: string;
}

/** The set of templates a caller may see. */
export type Visibility =
  | { readonly kind: 'all' }
  | { readonly kind: 'global-and-projects'; readonly projectIds: readonly string[] };

/** Filters of a list request; every given filter must hold. */
export interface TemplateFilter {
  readonly scope?: TemplateScope;
  readonly projectId?: string;
  /** Case-folded text that the case-folded name must contain. */
  readonly nameContains?: string;
  /** Label requirements that must all hold. */
  readonly labelRequirements?: readonly LabelRequirement[];
  readonly visibility: Visibility;
}

export type SortField = 'created_at' | 'updated_at' | 'name';

export interface ListQuery {
  readonly filter: TemplateFilter;
  readonly sort: { readonly field: SortField; readonly descending: boolean };
  readonly limit: number;
  readonly offset: number;
}

/** A list result as JSON texts: the total and each template's text, ready to send. */
export interface ListJson {
  readonly total: number;
  readonly items: readonly string[];
}

export interface ListResult {
  /** Number of templates matching the filter, before limit and offset. */
  readonly total: number;
  readonly items: StoredTemplate[];
}

/** Raised when a write would give a second template the same name in one scope and project. */
export class NameConflictError extends Error {
  constructor(readonly templateName: string, readonly scope: TemplateScope, readonly projectId: string | null) {
    super(`A template named ${JSON.stringify(templateName)} already exists in that scope.`);
    this.name = 'NameConflictError';
  }
}

/** Raised when a new template's ID is already taken (a random suffix collision); the caller retries with a new ID. */
export class IdConflictError extends Error {
  constructor(readonly id: string) {
    super(`The template ID ${id} is already taken.`);
    this.name = 'IdConflictError';
  }
}

/** Raised when the database cannot be reached or stays locked past its timeout; the API responds 503. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * Persistence of job templates. Implementations enforce name uniqueness per
 * scope and project with a unique index, make each write atomic, and report
 * a write as done only once it is durable.
 */
export interface TemplateStore {
  /** Short name of the database, for logs: "sqlite" or "postgres". */
  readonly kind: string;
  /** Inserts a new template and its first revision; raises {@link NameConflictError} or {@link IdConflictError}. */
  create(template: StoredTemplate): Promise<void>;
  getById(id: string): Promise<StoredTemplate | undefined>;
  /** Returns a template as its JSON text, for reads that only send it. */
  getJsonById(id: string): Promise<TemplateJsonView | undefined>;
  list(query: ListQuery): Promise<ListResult>;
  /** Lists templates as their JSON texts, for reads that only send them. */
  listJson(query: ListQuery): Promise<ListJson>;
  /**
   * Replaces a template if its stored revision is still `expectedRevision`,
   * and records the new revision in the same transaction.
   * Returns false when the template is gone or its revision differs;
   * raises {@link NameConflictError}.
   */
  update(template: StoredTemplate, expectedRevision: number): Promise<boolean>;
  /** Deletes a template and its revisions, only at `expectedRevision` when given. Returns false when nothing was deleted. */
  delete(id: string, expectedRevision?: number): Promise<boolean>;
  /** Tells whether another template than `exceptId` already has this name in the scope and project. */
  isNameTaken(name: string, scope: TemplateScope, projectId: string | null, exceptId?: string): Promise<boolean>;
  /** Lists a template's revisions, newest first. */
  listRevisions(id: string, limit: number, offset: number): Promise<{ total: number; items: TemplateRevision[] }>;
  getRevision(id: string, revision: number): Promise<TemplateRevision | undefined>;
  /** Counts all templates, for metrics. */
  count(): Promise<number>;
  /**
   * Returns up to `limit` templates whose ID sorts after `afterId` (all IDs
   * when undefined), ordered by ID ascending, for paging through every
   * template. IDs compare in the id column's collation, which is byte order
   * on SQLite. Optional so that partial test doubles still type-check; both
   * database stores implement it.
   */
  scan?(afterId: string | undefined, limit: number): Promise<StoredTemplate[]>;
  /** Checks that the database responds to a query; raises otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
