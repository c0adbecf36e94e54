import { describe, expect, it } from 'vitest';
import { rememberTemplateJson, serializeTemplate, serializeTemplateList, templateJson } from '../../src/domain/template-json.js';
import type { JobTemplate } from '../../src/domain/template-schema.js';

const TEMPLATE: JobTemplate = {
  updated_at: '2026-01-01T00:00:01.000Z',
  id: 'wf-tmpl-a-000001',
  name: 'a',
  description: null,
  scope: 'project',
  project_id: 'proj-a',
  containers: [
    {
      resources: { limits: { 'nvidia.com/gpu': '1', cpu: '2' }, requests: { memory: '1Gi', cpu: '1' } },
      image: 'busybox',
      env_vars: [{ name: 'A' }],
      name: 'main',
      args: ['x'],
    },
  ],
  ttl_seconds_after_finished: 3600,
  backoff_limit: 3,
  labels: { team: 'data' },
  revision: 2,
  created_by: 'u',
  updated_by: 'v',
  created_at: '2026-01-01T00:00:00.000Z',
};

describe('serializeTemplate', () => {
  it('writes fields in the response order', () => {
    const json = serializeTemplate(TEMPLATE);
    expect(Object.keys(JSON.parse(json))).toEqual([
      'id', 'name', 'description', 'scope', 'project_id', 'containers', 'ttl_seconds_after_finished', 'backoff_limit',
      'labels', 'revision', 'created_by', 'updated_by', 'created_at', 'updated_at',
    ]);
    const container = JSON.parse(json).containers[0];
    expect(Object.keys(container)).toEqual(['name', 'image', 'args', 'env_vars', 'resources']);
    expect(Object.keys(container.resources)).toEqual(['requests', 'limits']);
    expect(Object.keys(container.resources.limits)).toEqual(['cpu', 'nvidia.com/gpu']);
    expect(container.env_vars).toEqual([{ name: 'A', value: '' }]);
  });

  it('keeps every value', () => {
    expect(JSON.parse(serializeTemplate(TEMPLATE))).toEqual({ ...TEMPLATE, containers: [{ ...TEMPLATE.containers[0], env_vars: [{ name: 'A', value: '' }] }] });
  });
});

describe('templateJson', () => {
  it('reuses remembered text', () => {
    const template = { ...TEMPLATE };
    rememberTemplateJson(template, '{"ready":true}');
    expect(templateJson(template)).toBe('{"ready":true}');
  });

  it('serializes once per object', () => {
    const template = { ...TEMPLATE };
    expect(templateJson(template)).toBe(serializeTemplate(template));
    expect(templateJson(template)).toBe(templateJson(template));
  });
});

describe('serializeTemplateList', () => {
  it('joins ready texts', () => {
    expect(JSON.parse(serializeTemplateList(3, ['{"a":1}', '{"b":2}']))).toEqual({ total: 3, items: [{ a: 1 }, { b: 2 }] });
    expect(serializeTemplateList(0, [])).toBe('{"total":0,"items":[]}');
  });
});
