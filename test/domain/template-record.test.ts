import { describe, expect, it } from 'vitest';
import { formatTemplateRecord, parseTemplateRecord, type TemplateRecordResult } from '../../src/domain/template-record.js';
import { JobTemplateSchema } from '../../src/domain/template-schema.js';
import type { StoredTemplate } from '../../src/store/template-store.js';

/** A template that uses every field, with values that differ from the defaults. */
const TEMPLATE: StoredTemplate = {
  id: 'wf-tmpl-nightly-etl-1a2b3c',
  name: 'Nightly ETL – café',
  description: 'Loads the warehouse.\nSecond line.',
  scope: 'project',
  project_id: 'proj-data',
  containers: [
    {
      name: 'main',
      image: 'registry.example.com/etl:2.1',
      command: ['python', '-m', 'etl'],
      args: ['--date', 'today'],
      env_vars: [
        { name: 'MODE', value: 'full' },
        { name: 'EMPTY', value: '' },
      ],
      working_dir: '/app',
      image_pull_policy: 'IfNotPresent',
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '1' } },
    },
    { name: 'log-shipper', image: 'busybox:1.36' },
  ],
  ttl_seconds_after_finished: 0,
  backoff_limit: 7,
  labels: { team: 'data', 'example.com/tier': 'batch' },
  created_by: 'alice',
  updated_by: 'bob@example.com',
  created_at: '2024-03-01T08:15:30.123Z',
  updated_at: '2024-03-05T17:00:00.000Z',
  revision: 4,
};

/** Builds a minimal valid global record as a plain object, with `extra` merged over it. */
function record(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'wf-tmpl-a-000001',
    name: 'a',
    scope: 'global',
    containers: [{ name: 'main', image: 'busybox:1.36' }],
    created_by: 'alice',
    updated_by: 'alice',
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
    ...extra,
  };
}

/** Parses `value` written as one JSON line. */
function parse(value: unknown): TemplateRecordResult {
  return parseTemplateRecord(JSON.stringify(value));
}

function expectTemplate(result: TemplateRecordResult): StoredTemplate {
  if (!result.ok) {
    throw new Error(`expected a valid record, got: ${result.reason}`);
  }
  return result.template;
}

function expectReason(result: TemplateRecordResult): string {
  if (result.ok) {
    throw new Error(`expected a rejection, got ${JSON.stringify(result.template)}`);
  }
  return result.reason;
}

describe('formatTemplateRecord', () => {
  it('writes one line in API field order', () => {
    const line = formatTemplateRecord(TEMPLATE);
    expect(line).not.toContain('\n');
    const keys = Object.keys(JSON.parse(line));
    expect(keys).toEqual([...new Set([...Object.keys(JobTemplateSchema.properties), 'revision'])]);
    expect(keys).toEqual(
      expect.arrayContaining([
      'id',
      'name',
      'description',
      'scope',
      'project_id',
      'containers',
      'ttl_seconds_after_finished',
      'backoff_limit',
      'created_by',
      'updated_by',
      'created_at',
      'updated_at',
      'revision',
      ]),
    );
  });

  it('leaves out properties outside the record', () => {
    const line = formatTemplateRecord({ ...TEMPLATE, internal: 'x' } as StoredTemplate);
    expect(JSON.parse(line)).not.toHaveProperty('internal');
  });

  it('writes null description and project_id', () => {
    const global: StoredTemplate = { ...TEMPLATE, scope: 'global', project_id: null, description: null };
    const parsed = JSON.parse(formatTemplateRecord(global));
    expect(parsed.description).toBeNull();
    expect(parsed.project_id).toBeNull();
  });
});

describe('parseTemplateRecord', () => {
  it('round trips a formatted template', () => {
    expect(expectTemplate(parseTemplateRecord(formatTemplateRecord(TEMPLATE)))).toEqual(TEMPLATE);
  });

  it('round trips a global template with nulls', () => {
    const global: StoredTemplate = { ...TEMPLATE, scope: 'global', project_id: null, description: null };
    expect(expectTemplate(parseTemplateRecord(formatTemplateRecord(global)))).toEqual(global);
  });

  it('fills in create-request defaults', () => {
    const template = expectTemplate(parse(record({ containers: [{ name: 'main', image: 'busybox', env_vars: [{ name: 'A' }] }] })));
    expect(template.revision).toBe(1);
    expect(template.description).toBeNull();
    expect(template.project_id).toBeNull();
    expect(template.ttl_seconds_after_finished).toBe(3600);
    expect(template.backoff_limit).toBe(3);
    expect(template.labels).toEqual({});
    expect(template.containers[0]?.env_vars).toEqual([{ name: 'A', value: '' }]);
  });

  it('normalises the name to NFC', () => {
    const template = expectTemplate(parse(record({ name: 'cafe\u0301' })));
    expect(template.name).toBe('caf\u00e9');
  });

  it('keeps the server-set fields as given', () => {
    const template = expectTemplate(
      parse(record({ created_by: 'x', updated_by: 'y', created_at: '2020-02-29T23:59:59.999Z', updated_at: '2021-01-01T00:00:00.000Z', revision: 9 })),
    );
    expect(template.id).toBe('wf-tmpl-a-000001');
    expect(template.created_by).toBe('x');
    expect(template.updated_by).toBe('y');
    expect(template.created_at).toBe('2020-02-29T23:59:59.999Z');
    expect(template.updated_at).toBe('2021-01-01T00:00:00.000Z');
    expect(template.revision).toBe(9);
  });

  it('accepts extreme valid values', () => {
    const template = expectTemplate(
      parse(
        record({
          id: 'a'.repeat(63),
          created_at: '0001-01-01T00:00:00.000Z',
          updated_at: '9999-12-31T23:59:59.999Z',
          revision: 2_147_483_647,
        }),
      ),
    );
    expect(template.id).toHaveLength(63);
  });

  it('accepts equal created_at and updated_at', () => {
    expectTemplate(parse(record({ created_at: '2024-01-01T00:00:00.000Z', updated_at: '2024-01-01T00:00:00.000Z' })));
  });

  describe('rejects JSON that is not a record', () => {
    it('invalid JSON', () => {
      expect(expectReason(parseTemplateRecord('{"id": [1,'))).toBe('the line is not valid JSON: it ends before the JSON value is complete.');
    });

    it('invalid JSON with a position', () => {
      expect(expectReason(parseTemplateRecord('{"id" "x"}'))).toMatch(/^the line is not valid JSON: the error is at position \d+\.$/);
    });

    it('invalid JSON without quoting the line', () => {
      const line = '{"containers":[{"env_vars":[{"name":"TOKEN","value":"hunter2-secret"}]}] oops';
      const reason = expectReason(parseTemplateRecord(line));
      expect(reason).toMatch(/^the line is not valid JSON/);
      expect(reason).not.toContain('hunter2');
    });

    it.each([
      ['[1, 2]', 'an array'],
      ['null', 'null'],
      ['"text"', 'a string'],
      ['42', 'a number'],
      ['true', 'a boolean'],
    ])('%s', (line, typeName) => {
      expect(expectReason(parseTemplateRecord(line))).toBe(`the line must be a JSON object, not ${typeName}.`);
    });
  });

  it('rejects unknown top-level keys', () => {
    expect(expectReason(parse(record({ etag: 'x' })))).toBe('etag is not a known field. Remove it or check its spelling.');
  });

  it('rejects a __proto__ key', () => {
    const line = JSON.stringify(record()).replace(/^\{/, '{"__proto__":{"polluted":true},');
    expect(expectReason(parseTemplateRecord(line))).toBe('__proto__ is not a known field. Remove it or check its spelling.');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('quotes and cuts an odd unknown key', () => {
    const reason = expectReason(parse(record({ ['bad key '.repeat(20)]: 1 })));
    expect(reason).toMatch(/^"bad key bad key .*…" is not a known field\./);
  });

  describe('rejects an invalid id', () => {
    it('missing', () => {
      const { id: _, ...withoutId } = record();
      expect(expectReason(parse(withoutId))).toBe('id is required.');
    });

    it('not a string', () => {
      expect(expectReason(parse(record({ id: 12 })))).toBe('id must be a string.');
    });

    it.each(['Upper-Case', '-leading', 'trailing-', 'under_score', '', 'a'.repeat(64), 'wf-tmpl-ä'])('%j', (id) => {
      expect(expectReason(parse(record({ id })))).toMatch(/^id has the value ".*", which is invalid: it must be a DNS-1123 label/);
    });
  });

  describe('rejects an invalid author', () => {
    it.each(['created_by', 'updated_by'])('%s missing', (field) => {
      const withoutField = record();
      delete withoutField[field];
      expect(expectReason(parse(withoutField))).toBe(`${field} is required.`);
    });

    it.each(['created_by', 'updated_by'])('%s empty', (field) => {
      expect(expectReason(parse(record({ [field]: '' })))).toBe(`${field} must not be empty.`);
    });

    it.each(['created_by', 'updated_by'])('%s not a string', (field) => {
      expect(expectReason(parse(record({ [field]: null })))).toBe(`${field} must be a string.`);
    });

    it.each(['a\u0000b', 'a\uD800b'])('%j', (value) => {
      expect(expectReason(parse(record({ created_by: value })))).toBe(
        'created_by contains the NUL character or an unpaired UTF-16 surrogate, which is not allowed.',
      );
    });
  });

  describe('rejects an invalid timestamp', () => {
    it.each([
      '2024-01-01T00:00:00Z',
      '2024-01-01T00:00:00.000+00:00',
      '2024-01-01 00:00:00.000Z',
      '2024-01-01T00:00:00.000',
      '2024-01-01T00:00:00.0000Z',
      '2024-1-01T00:00:00.000Z',
      '+002024-01-01T00:00:00.000Z',
      '2023-02-29T00:00:00.000Z',
      '2024-04-31T00:00:00.000Z',
      '2024-13-01T00:00:00.000Z',
      '2024-01-01T24:00:00.000Z',
      '2024-01-01T23:60:00.000Z',
      '2024-01-01T23:59:60.000Z',
      '0000-01-01T00:00:00.000Z',
      '',
    ])('%j', (value) => {
      expect(expectReason(parse(record({ created_at: value, updated_at: '2025-01-01T00:00:00.000Z' })))).toBe(
        `created_at has the value ${JSON.stringify(value)}, which is invalid: it must be a UTC time in the form YYYY-MM-DDTHH:MM:SS.sssZ, for example "2024-05-01T12:00:00.000Z".`,
      );
    });

    it('missing updated_at', () => {
      const withoutField = record();
      delete withoutField.updated_at;
      expect(expectReason(parse(withoutField))).toBe('updated_at is required.');
    });

    it('number instead of text', () => {
      expect(expectReason(parse(record({ updated_at: 1_700_000_000_000 })))).toMatch(/^updated_at must be a string: a UTC time/);
    });

    it('updated_at before created_at', () => {
      expect(expectReason(parse(record({ created_at: '2024-01-02T00:00:00.000Z', updated_at: '2024-01-01T23:59:59.999Z' })))).toBe(
        'updated_at ("2024-01-01T23:59:59.999Z") is before created_at ("2024-01-02T00:00:00.000Z"); it must not be earlier.',
      );
    });
  });

  describe('rejects an invalid revision', () => {
    it.each([
      [0, '0'],
      [-1, '-1'],
      [1.5, '1.5'],
      ['1', '"1"'],
      [null, 'null'],
      [2_147_483_648, '2147483648'],
    ])('%j', (revision, shown) => {
      expect(expectReason(parse(record({ revision })))).toBe(
        `revision has the value ${shown}, which is invalid: it must be an integer from 1 to 2147483647.`,
      );
    });
  });

  describe('rejects invalid template content', () => {
    it('names the field path', () => {
      expect(expectReason(parse(record({ containers: [{ name: 'main', image: 'busybox' }, { name: 'main', image: 'a b' }] })))).toBe(
        'containers[1].image has the value "a b", which is invalid: it must be an image reference without white space (for example "busybox:1.36"). ' +
          'containers[1].name has the value "main", which is already used by containers[0].name; it must be unique.',
      );
    });

    it('missing name', () => {
      const withoutName = record();
      delete withoutName.name;
      expect(expectReason(parse(withoutName))).toBe('name is required.');
    });

    it('project scope without project', () => {
      expect(expectReason(parse(record({ scope: 'project' })))).toBe('project_id is required when scope is "project".');
    });

    it('nested unknown field', () => {
      expect(expectReason(parse(record({ containers: [{ name: 'main', image: 'busybox', liveness_probe: {} }] })))).toMatch(
        /^containers\[0\]\.liveness_probe is not supported/,
      );
    });

    it('never quotes an environment variable value', () => {
      const reason = expectReason(parse(record({ containers: [{ name: 'main', image: 'busybox', env_vars: [{ name: 'A', value: ['hunter2'] }] }] })));
      expect(reason).toBe('containers[0].env_vars[0].value must be a string.');
    });
  });

  it('reports every problem of a line at once', () => {
    const reason = expectReason(parse(record({ id: 'X', created_by: '', revision: 0, extra: true, containers: [] })));
    expect(reason).toContain('extra is not a known field.');
    expect(reason).toContain('id has the value "X"');
    expect(reason).toContain('created_by must not be empty.');
    expect(reason).toContain('revision has the value 0');
    expect(reason).toContain('containers must have at least 1 item(s).');
  });
});
