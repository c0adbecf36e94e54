/**
 * Permissions on templates. Any authenticated user reads global templates,
 * admins do everything, and members of a project read and write its
 * templates. Only admins write global templates.
 */
import type { Principal } from '../auth/token-verifier.js';
import type { Visibility } from '../store/template-store.js';
import type { TemplateScope } from './template-schema.js';

/** The part of a template that decides who may access it. */
export interface TemplateOwner {
  readonly scope: TemplateScope;
  readonly project_id: string | null;
}

/** Tells whether the caller may read a template. */
export function canRead(principal: Principal, owner: TemplateOwner): boolean {
  if (owner.scope === 'global' || principal.isAdmin) {
    return true;
  }
  return owner.project_id !== null && principal.projects.has(owner.project_id);
}

/** Tells whether the caller may create, change or delete a template with this scope and project. */
export function canWrite(principal: Principal, owner: TemplateOwner): boolean {
  if (principal.isAdmin) {
    return true;
  }
  return owner.scope === 'project' && owner.project_id !== null && principal.projects.has(owner.project_id);
}

/** Returns which templates the caller may list. */
export function visibilityOf(principal: Principal): Visibility {
  return principal.isAdmin ? { kind: 'all' } : { kind: 'global-and-projects', projectIds: [...principal.projects] };
}
