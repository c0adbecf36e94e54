import type { StoredTemplate } from '../../src/store/template-store.js';

/** Builds a stored project template of `proj-a` named after its ID, overridden by `overrides`. */
export function storedTemplate(id: string, overrides: Partial<StoredTemplate> = {}): StoredTemplate {
  return {
    id,
    name: id,
    description: null,
    scope: 'project',
    project_id: 'proj-a',
    containers: [{ name: 'main', image: 'busybox:1.36', env_vars: [{ name: 'A', value: '' }] }],
    ttl_seconds_after_finished: 3600,
    backoff_limit: 3,
    labels: {},
    created_by: 'user-a',
    updated_by: 'user-a',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    revision: 1,
    ...overrides,
  };
}
