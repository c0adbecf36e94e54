import type { JobTemplate, TemplateScope } from '../domain/template-schema.js';

/** A template as stored: the API representation plus the revision that the ETag is derived from. */
export interface StoredTemplate extends JobTemplate {
  /** 1 on create, incremented by each update that changes the template. */
  readonly revision: number;
}

/** Which templates a caller may see. */
export type Visibility =
  | { readonly kind: 'all' }
  | { readonly kind: 'global-and-projects'; readonly projectIds: readonly string[] };

/** Filters of a list request; every given filter must hold. */
export interface TemplateFilter {
  readonly scope?: TemplateScope;
  readonly projectId?: string;
  /** Case-folded text that the case-folded name must contain. */
  readonly nameContains?: string;
  readonly visibility: Visibility;
}

export type SortField = 'created_at' | 'updated_at' | 'name';

export interface ListQuery {
  readonly filter: TemplateFilter;
  readonly sort: { readonly field: SortField; readonly descending: boolean };
  readonly limit: number;
  readonly offset: number;
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

/** Raised when the database cannot be reached or stays locked past its timeout; the API answers 503. */
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
  /** Inserts a new template; raises {@link NameConflictError} or {@link IdConflictError}. */
  create(template: StoredTemplate): Promise<void>;
  getById(id: string): Promise<StoredTemplate | undefined>;
  list(query: ListQuery): Promise<ListResult>;
  /**
   * Replaces a template if its stored revision is still `expectedRevision`.
   * Returns false when the template is gone or its revision differs;
   * raises {@link NameConflictError}.
   */
  update(template: StoredTemplate, expectedRevision: number): Promise<boolean>;
  /** Deletes a template, only at `expectedRevision` when given. Returns false when nothing was deleted. */
  delete(id: string, expectedRevision?: number): Promise<boolean>;
  /** Counts all templates, for metrics. */
  count(): Promise<number>;
  /** Checks that the database answers; raises otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
