/** Templates for the export and import tests, and checks that compare stores. */
import { expect } from 'vitest';
import { generateTemplateId } from '../../src/domain/template-id.js';
import { validateCreateBody } from '../../src/domain/validation.js';
import type { StoredTemplate, TemplateStore } from '../../src/store/template-store.js';

/** Builds a stored template from a create-request body, the way the service fills in defaults. */
export function storedTemplate(body: Record<string, unknown>, server: Partial<StoredTemplate> = {}): StoredTemplate {
  const result = validateCreateBody(body);
  if (!result.ok) {
    throw new Error(`invalid test body ${JSON.stringify(body)}: ${JSON.stringify(result.errors)}`);
  }
  const createdAt = server.created_at ?? '2024-01-01T00:00:00.000Z';
  return {
    id: generateTemplateId(result.content.name),
    ...result.content,
    created_by: 'alice',
    updated_by: 'alice',
    created_at: createdAt,
    updated_at: createdAt,
    revision: 1,
    ...server,
  };
}

/** Builds a varied template for position `index`, so that across indexes every scope, optional field and character class appears. */
export function sampleTemplate(index: number): StoredTemplate {
  const global = index % 3 === 0;
  const created = new Date(Date.UTC(2023, 0, 1) + index * 3_600_123);
  const body: Record<string, unknown> = {
    name: index % 7 === 0 ? `Tâche ${index} – données 数据` : `template-${index}`,
    scope: global ? 'global' : 'project',
    ...(global ? {} : { project_id: `proj-${index % 4}` }),
    ...(index % 2 === 0 ? { description: `Line one of ${index}.\nLine "two" \\ with a tab\t.` } : {}),
    containers: [
      {
        name: 'main',
        image: `registry.example.com/app:${index}`,
        command: ['sh', '-c', `echo ${index}`],
        env_vars: [
          { name: 'INDEX', value: String(index) },
          { name: 'EMPTY', value: '' },
        ],
        ...(index % 5 === 0 ? { resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1', 'nvidia.com/gpu': '1' } } } : {}),
      },
      ...(index % 4 === 1 ? [{ name: 'sidecar', image: 'busybox:1.36', image_pull_policy: 'Always', working_dir: '/tmp' }] : []),
    ],
    ttl_seconds_after_finished: index % 11,
    backoff_limit: index % 6,
    ...(index % 3 === 1 ? { labels: { team: `team-${index % 5}`, 'example.com/tier': index % 2 === 0 ? 'batch' : '' } } : {}),
  };
  const updated = new Date(created.getTime() + (index % 3) * 86_400_000);
  return storedTemplate(body, {
    id: `wf-tmpl-sample-${index.toString(16).padStart(6, '0')}`,
    created_by: `user-${index % 9}`,
    updated_by: index % 2 === 0 ? `user-${index % 9}` : 'sub|auth0|äöü',
    created_at: created.toISOString(),
    updated_at: updated.toISOString(),
    revision: 1 + (index % 5),
  });
}

/** Reads every template of a store through scan, in id order. */
export async function readAll(store: TemplateStore): Promise<StoredTemplate[]> {
  if (store.scan === undefined) {
    throw new Error(`the ${store.kind} store has no scan method`);
  }
  const templates: StoredTemplate[] = [];
  let afterId: string | undefined;
  for (;;) {
    const page = await store.scan(afterId, 500);
    templates.push(...page);
    if (page.length < 500) {
      return templates;
    }
    afterId = page[page.length - 1]?.id;
  }
}

/** Orders templates by id in code-unit order, which is byte order for the ASCII ids used here. */
export function compareIds(a: StoredTemplate, b: StoredTemplate): number {
  if (a.id === b.id) {
    return 0;
  }
  return a.id < b.id ? -1 : 1;
}

/** Expects two stores' templates to match, field by field, so that a failure names the template and the field. */
export function expectSameTemplates(actual: readonly StoredTemplate[], expected: readonly StoredTemplate[]): void {
  const sortedActual = [...actual].sort(compareIds);
  const sortedExpected = [...expected].sort(compareIds);
  expect(sortedActual.map((template) => template.id)).toEqual(sortedExpected.map((template) => template.id));
  sortedExpected.forEach((expectedTemplate, index) => {
    const actualFields: Readonly<Record<string, unknown>> = { ...sortedActual[index] };
    const expectedFields: Readonly<Record<string, unknown>> = { ...expectedTemplate };
    expect(Object.keys(actualFields).sort(), `fields of ${expectedTemplate.id}`).toEqual(Object.keys(expectedFields).sort());
    for (const field of Object.keys(expectedFields)) {
      expect(actualFields[field], `${expectedTemplate.id}.${field}`).toEqual(expectedFields[field]);
    }
  });
}
