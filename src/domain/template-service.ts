/**
 * The job template service: the rules of creating, reading, listing,
 * updating and deleting templates, between the HTTP layer and the store.
 * Checks run in the order the API promises. First the addressed template must
 * be visible (404), changeable by the caller (403) and unchanged since the
 * caller read it (412). Then the body must be valid (422), the target scope
 * writable (403), and the name free (409).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Principal } from '../auth/token-verifier.js';
import { ApiError, validationFailed } from '../errors/api-error.js';
import type { LocalizedText } from '../errors/catalogue.js';
import { cutForEcho } from '../errors/echo.js';
import {
  IdConflictError,
  NameConflictError,
  StoreUnavailableError,
  type ListJson,
  type ListQuery,
  type StoredTemplate,
  type TemplateJsonView,
  type TemplateRevision,
  type TemplateStore,
} from '../store/template-store.js';
import { canRead, canWrite, visibilityOf, type TemplateOwner } from './authorization.js';
import { foldCase } from './case-folding.js';
import { classifyIfMatchFailure, entityTag, ifMatchSatisfied, type IfMatchFailure } from './etag.js';
import { parseListQuery, parsePagingQuery, parseWriteQuery } from './list-query.js';
import { generateTemplateId, isTemplateId } from './template-id.js';
import { validateCreateBody, validateUpdateBody, type TemplateContent } from './validation.js';

/** Attempts to insert a template before giving up on random ID collisions. */
const MAX_ID_ATTEMPTS = 5;
/** Attempts of an update that keeps losing races against other writers. */
const MAX_UPDATE_ATTEMPTS = 25;
/** Largest revision number the stores keep, the maximum of a 32-bit signed integer column. */
const MAX_REVISION = 2_147_483_647;

/** Options of a write that may be conditional on the template's current ETag. */
export interface ConditionalWrite {
  /** The `If-Match` header, when the request has one. */
  readonly ifMatch?: string;
}

/** Options of a create or update: its query parameters, of which `dry_run=true` validates without storing. */
export interface WriteOptions extends ConditionalWrite {
  readonly query?: Readonly<Record<string, unknown>>;
}

/** Result of an update: the template, and whether the update changed it. */
export interface UpdateOutcome {
  readonly template: StoredTemplate;
  readonly changed: boolean;
}

function scopeLabel(owner: TemplateOwner): LocalizedText {
  return owner.scope === 'global'
    ? { en: 'the global scope', zh: '全局范围' }
    : { en: `project "${owner.project_id}"`, zh: `项目 "${owner.project_id}" ` };
}

function forbiddenToWrite(owner: TemplateOwner): ApiError {
  const reason: LocalizedText =
    owner.scope === 'global'
      ? { en: 'Only platform administrators may create, change or delete global templates.', zh: '只有平台管理员可以创建、修改或删除全局模板。' }
      : {
          en: `You are not a member of project "${owner.project_id}", so you may not write its templates.`,
          zh: `您不是项目 "${owner.project_id}" 的成员，无权写入该项目的模板。`,
        };
  return new ApiError('forbidden', { reason });
}

function nameConflict(error: NameConflictError): ApiError {
  return new ApiError('name_conflict', {
    name: error.templateName,
    scope: scopeLabel({ scope: error.scope, project_id: error.projectId }),
  });
}

const IF_MATCH_FAILURES: Record<IfMatchFailure, LocalizedText> = {
  stale: {
    en: 'The template was changed since you read it: read it again and retry.',
    zh: '模板在您读取后已被修改，请重新读取后再试。',
  },
  weak: {
    en: 'Weak entity tags (W/"...") never match: send the ETag exactly as the service returned it.',
    zh: '弱实体标签（W/"..."）永远不匹配，请原样发送服务返回的 ETag。',
  },
  malformed: {
    en: 'It is not a quoted entity tag: send the ETag exactly as the service returned it, quotes included, such as "3".',
    zh: '它不是带引号的实体标签，请原样发送服务返回的 ETag（包括引号），例如 "3"。',
  },
};

function preconditionFailed(id: string, ifMatch: string): ApiError {
  return new ApiError('precondition_failed', {
    id,
    ifMatch: ifMatch.trim() === '' ? '(empty)' : cutForEcho(ifMatch),
    reason: IF_MATCH_FAILURES[classifyIfMatchFailure(ifMatch)],
  });
}

function sameContent(stored: StoredTemplate, content: TemplateContent): boolean {
  return (
    stored.name === content.name &&
    stored.description === content.description &&
    stored.scope === content.scope &&
    stored.project_id === content.project_id &&
    stored.ttl_seconds_after_finished === content.ttl_seconds_after_finished &&
    stored.backoff_limit === content.backoff_limit &&
    isDeepStrictEqual(stored.labels, content.labels) &&
    isDeepStrictEqual(stored.containers, content.containers)
  );
}

/** Creates, reads, lists, updates and deletes job templates on behalf of authenticated callers. */
export class TemplateService {
  readonly #store: TemplateStore;
  readonly #now: () => Date;

  constructor(store: TemplateStore, now: () => Date = () => new Date()) {
    this.#store = store;
    this.#now = now;
  }

  /**
   * Validates and stores a new template. With `dry_run=true` it runs every
   * check, the name included, and returns the template it would store.
   */
  async create(principal: Principal, body: unknown, options: WriteOptions = {}): Promise<StoredTemplate> {
    const query = parseWriteQuery(options.query ?? {});
    const result = validateCreateBody(body);
    if (!result.ok || query.errors.length > 0) {
      throw validationFailed([...query.errors, ...(result.ok ? [] : result.errors)]);
    }
    const content = result.content;
    if (!canWrite(principal, content)) {
      throw forbiddenToWrite(content);
    }
    const timestamp = this.#now().toISOString();
    for (let attempt = 1; ; attempt += 1) {
      const template: StoredTemplate = {
        id: generateTemplateId(content.name),
        ...content,
        created_by: principal.userId,
        updated_by: principal.userId,
        created_at: timestamp,
        updated_at: timestamp,
        revision: 1,
      };
      if (query.dryRun) {
        await this.#checkNameFree(template);
        return template;
      }
      try {
        await this.#store.create(template);
        return template;
      } catch (error) {
        if (error instanceof NameConflictError) {
          throw nameConflict(error);
        }
        if (!(error instanceof IdConflictError) || attempt >= MAX_ID_ATTEMPTS) {
          throw error;
        }
      }
    }
  }

  /** Raises the 409 that a write of this template would meet, without writing. */
  async #checkNameFree(template: StoredTemplate): Promise<void> {
    if (await this.#store.isNameTaken(template.name, template.scope, template.project_id, template.id)) {
      throw nameConflict(new NameConflictError(template.name, template.scope, template.project_id));
    }
  }

  /** Returns a template the caller may see; 404 otherwise. */
  async get(principal: Principal, id: string): Promise<StoredTemplate> {
    const template = isTemplateId(id) ? await this.#store.getById(id) : undefined;
    if (template === undefined || !canRead(principal, template)) {
      throw new ApiError('not_found', { id });
    }
    return template;
  }

  /** Returns a template the caller may see as its JSON text, for a response; 404 otherwise. */
  async getJson(principal: Principal, id: string): Promise<TemplateJsonView> {
    const view = isTemplateId(id) ? await this.#store.getJsonById(id) : undefined;
    if (view === undefined || !canRead(principal, view)) {
      throw new ApiError('not_found', { id });
    }
    return view;
  }

  /** Lists the templates the caller may see that match the query parameters, each as its JSON text, for a response. */
  async listJson(principal: Principal, query: Readonly<Record<string, unknown>>): Promise<ListJson> {
    return this.#store.listJson(this.#listQuery(principal, query));
  }

  /** Validates the list parameters and the caller's right to the filtered project, and builds the store query. */
  #listQuery(principal: Principal, query: Readonly<Record<string, unknown>>): ListQuery {
    const parsed = parseListQuery(query);
    if (!parsed.ok) {
      throw validationFailed(parsed.errors);
    }
    const { scope, projectId, name, labelRequirements, sort, limit, offset } = parsed.parameters;
    if (projectId !== undefined && !principal.isAdmin && !principal.projects.has(projectId)) {
      throw new ApiError('forbidden', {
        reason: {
          en: `You are not a member of project "${projectId}", so you may not list its templates.`,
          zh: `您不是项目 "${projectId}" 的成员，无权列出该项目的模板。`,
        },
      });
    }
    return {
      filter: {
        ...(scope === undefined ? {} : { scope }),
        ...(projectId === undefined ? {} : { projectId }),
        ...(name === undefined ? {} : { nameContains: foldCase(name) }),
        labelRequirements,
        visibility: visibilityOf(principal),
      },
      sort,
      limit,
      offset,
    };
  }

  /** Reads a template for a write: 404 when invisible, 403 when the caller may not change it, 412 when stale. */
  async #getForWrite(principal: Principal, id: string, options: ConditionalWrite): Promise<StoredTemplate> {
    const stored = await this.get(principal, id);
    if (!canWrite(principal, stored)) {
      throw forbiddenToWrite(stored);
    }
    if (options.ifMatch !== undefined && !ifMatchSatisfied(options.ifMatch, entityTag(stored.revision))) {
      throw preconditionFailed(id, options.ifMatch);
    }
    return stored;
  }

  /**
   * Applies a partial update. Without `If-Match` the last writer wins: when
   * another write lands between the read and the write, the update is
   * merged again onto the newer template.
   */
  async update(principal: Principal, id: string, body: unknown, options: WriteOptions = {}): Promise<UpdateOutcome> {
    for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt += 1) {
      const stored = await this.#getForWrite(principal, id, options);
      const query = parseWriteQuery(options.query ?? {});
      const result = validateUpdateBody(stored, body);
      if (!result.ok || query.errors.length > 0) {
        throw validationFailed([...query.errors, ...(result.ok ? [] : result.errors)]);
      }
      const content = result.content;
      if (!canWrite(principal, content)) {
        throw forbiddenToWrite(content);
      }
      if (sameContent(stored, content)) {
        return { template: stored, changed: false };
      }
      if (stored.revision >= MAX_REVISION) {
        // Only an imported template can get here; the revision columns hold 32-bit integers.
        throw new ApiError('revision_limit_reached', { id });
      }
      const next: StoredTemplate = {
        ...stored,
        ...content,
        updated_by: principal.userId,
        updated_at: this.#now().toISOString(),
        revision: stored.revision + 1,
      };
      if (query.dryRun) {
        await this.#checkNameFree(next);
        return { template: next, changed: true };
      }
      try {
        if (await this.#store.update(next, stored.revision)) {
          return { template: next, changed: true };
        }
      } catch (error) {
        throw error instanceof NameConflictError ? nameConflict(error) : error;
      }
    }
    throw new StoreUnavailableError(`Update of ${id} lost ${MAX_UPDATE_ATTEMPTS} races against concurrent writers.`);
  }

  /** Lists the revisions of a template the caller may see, newest first. */
  async listRevisions(
    principal: Principal,
    id: string,
    query: Readonly<Record<string, unknown>>,
  ): Promise<{ total: number; items: TemplateRevision[] }> {
    await this.get(principal, id);
    const parsed = parsePagingQuery(query);
    if (!parsed.ok) {
      throw validationFailed(parsed.errors);
    }
    return this.#store.listRevisions(id, parsed.paging.limit, parsed.paging.offset);
  }

  /** Returns one revision of a template the caller may see; 404 when either does not exist. */
  async getRevision(principal: Principal, id: string, revisionText: string): Promise<TemplateRevision> {
    await this.get(principal, id);
    const revision = /^[1-9][0-9]{0,9}$/.test(revisionText) ? Number(revisionText) : undefined;
    // The revision column is a 32-bit integer, and PostgreSQL raises an error for a larger parameter instead of returning no row.
    const found = revision === undefined || revision > MAX_REVISION ? undefined : await this.#store.getRevision(id, revision);
    if (found === undefined) {
      throw new ApiError('revision_not_found', { id, revision: cutForEcho(revisionText) });
    }
    return found;
  }

  /**
   * Deletes a template, only if it still matches `If-Match` when given. With
   * `dry_run=true` it runs every check and deletes nothing, so that a client
   * that asks for a dry run never loses data.
   */
  async delete(principal: Principal, id: string, options: WriteOptions = {}): Promise<void> {
    for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt += 1) {
      const stored = await this.#getForWrite(principal, id, options);
      const query = parseWriteQuery(options.query ?? {});
      if (query.errors.length > 0) {
        throw validationFailed(query.errors);
      }
      if (query.dryRun) {
        return;
      }
      // The delete applies only to the revision whose permission was checked: a template moved into another
      // project meanwhile must not be deleted on the strength of the old project's membership.
      if (await this.#store.delete(id, stored.revision)) {
        return;
      }
      // Nothing was deleted: the next attempt reads the template again and returns 404, 403 or 412 for its current state.
    }
    throw new StoreUnavailableError(`Delete of ${id} lost ${MAX_UPDATE_ATTEMPTS} races against concurrent writers.`);
  }
}
