import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { validationFailed, type FieldError } from '../../src/errors/api-error.js';
import type { Language } from '../../src/errors/catalogue.js';
import { renderProblem } from '../../src/http/problem.js';
import {
  defaultJobName,
  randomNameSuffix,
  renderJob,
  templateIdSlug,
  validateRenderRequest,
  type RenderRequest,
  type RenderValidationResult,
} from '../../src/domain/render.js';
import { RenderRequestSchema } from '../../src/domain/render-schema.js';
import { generateTemplateId } from '../../src/domain/template-id.js';
import type { ContainerConfig, JobTemplate } from '../../src/domain/template-schema.js';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const FIXED_SUFFIX = 'abcde';
const fixedRandom = () => FIXED_SUFFIX;

/** Builds a stored template with one container `main`, overridden by `extra`. */
function template(extra: Partial<JobTemplate> = {}): JobTemplate {
  return {
    id: 'wf-tmpl-hello-world-0a1b2c',
    name: 'Hello World',
    description: null,
    scope: 'project',
    project_id: 'proj-a',
    containers: [{ name: 'main', image: 'busybox:1.36' }],
    ttl_seconds_after_finished: 3600,
    backoff_limit: 3,
    labels: {},
    revision: 1,
    created_by: 'user-a',
    updated_by: 'user-a',
    created_at: '2026-02-25T10:00:00.000Z',
    updated_at: '2026-02-25T10:00:00.000Z',
    ...extra,
  };
}

function withContainers(...containers: ContainerConfig[]): JobTemplate {
  return template({ containers });
}

function expectRequest(result: RenderValidationResult): RenderRequest {
  if (!result.ok) {
    throw new Error(`expected a valid request, got ${JSON.stringify(result.errors)}`);
  }
  return result.request;
}

function expectErrors(result: RenderValidationResult): FieldError[] {
  if (result.ok) {
    throw new Error(`expected validation failures, got ${JSON.stringify(result.request)}`);
  }
  return result.errors;
}

/** Returns the codes of the failures reported for one field. */
function codesAt(result: RenderValidationResult, field: string): string[] {
  return expectErrors(result)
    .filter((error) => error.field === field)
    .map((error) => error.code);
}

function renderedMessages(errors: readonly FieldError[], language: Language = 'en'): string[] {
  const problem = renderProblem(validationFailed(errors), language, 'test-request');
  return (problem.errors as { message: string }[]).map((error) => error.message);
}

/** Lists the paths of every null and undefined value in a JSON-like value. */
function missingValuePaths(value: unknown, path = '$'): string[] {
  if (value === null || value === undefined) {
    return [path];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => missingValuePaths(item, `${path}[${index}]`));
  }
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => missingValuePaths(item, `${path}.${key}`));
  }
  return [];
}

describe('templateIdSlug', () => {
  it.each([
    ['wf-tmpl-hello-world-0a1b2c', 'hello-world'],
    ['wf-tmpl-x-ffffff', 'x'],
    ['wf-tmpl-job-2026-1a2b3c', 'job-2026'],
    ['wf-tmpl-1a2b3c4d-0a1b2c', '1a2b3c4d'],
    ['wf-tmpl-1a2b3c4d', 'wf-tmpl-1a2b3c4d'],
    ['imported-id', 'imported-id'],
  ])('slug of %s is %s', (id, slug) => {
    expect(templateIdSlug(id)).toBe(slug);
  });
});

describe('defaultJobName', () => {
  it('is the slug and the random suffix', () => {
    expect(defaultJobName('wf-tmpl-hello-world-0a1b2c', fixedRandom)).toBe('hello-world-abcde');
  });

  it('longest slug gives a 46-character name', () => {
    const id = generateTemplateId('A'.repeat(128));
    expect(id).toMatch(/^wf-tmpl-a{40}-[0-9a-f]{6}$/);

    const name = defaultJobName(id, fixedRandom);

    expect(name).toBe(`${'a'.repeat(40)}-abcde`);
    expect(name).toHaveLength(46);
    expect(name).toMatch(DNS_1123_LABEL);
  });

  it('ID without slug is its own slug', () => {
    const id = generateTemplateId('数据处理任务');
    expect(id).toMatch(/^wf-tmpl-[0-9a-f]{8}$/);

    expect(defaultJobName(id, fixedRandom)).toBe(`${id}-abcde`);
    expect(defaultJobName('wf-tmpl-1a2b3c4d', fixedRandom)).toBe('wf-tmpl-1a2b3c4d-abcde');
  });

  it('long ID of another form is cut to 63 characters', () => {
    const id = 'b'.repeat(63);

    const name = defaultJobName(id, fixedRandom);

    expect(name).toBe(`${'b'.repeat(57)}-abcde`);
    expect(name).toHaveLength(63);
  });

  it('cut at a hyphen drops the hyphen', () => {
    const id = `${'a'.repeat(56)}-${'b'.repeat(6)}`;

    expect(defaultJobName(id, fixedRandom)).toBe(`${'a'.repeat(56)}-abcde`);
  });

  it('uses random characters by default', () => {
    const names = new Set(Array.from({ length: 50 }, () => defaultJobName('wf-tmpl-hello-world-0a1b2c')));

    for (const name of names) {
      expect(name).toMatch(/^hello-world-[a-z0-9]{5}$/);
    }
    expect(names.size).toBeGreaterThan(45);
  });
});

describe('randomNameSuffix', () => {
  it('has 5 characters of [a-z0-9]', () => {
    for (let index = 0; index < 200; index += 1) {
      expect(randomNameSuffix()).toMatch(/^[a-z0-9]{5}$/);
    }
  });

  it('uses every character of the alphabet', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => randomNameSuffix()).join(''));

    expect([...seen].sort().join('')).toBe('0123456789abcdefghijklmnopqrstuvwxyz');
  });
});

describe('renderJob', () => {
  it('renders a minimal template', () => {
    const job = renderJob(template(), {}, fixedRandom);

    expect(job).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'hello-world-abcde',
        labels: { 'workflow/job-template-id': 'wf-tmpl-hello-world-0a1b2c' },
        annotations: { 'workflow/job-template-revision': '1' },
      },
      spec: {
        ttlSecondsAfterFinished: 3600,
        backoffLimit: 3,
        template: {
          metadata: { labels: { 'workflow/job-template-id': 'wf-tmpl-hello-world-0a1b2c' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] },
        },
      },
    });
  });

  it('omits absent optional fields', () => {
    const job = renderJob(template(), {}, fixedRandom);

    expect(Object.keys(job.metadata)).toEqual(['name', 'labels', 'annotations']);
    expect(Object.keys(job.spec.template.spec.containers[0]!)).toEqual(['name', 'image']);
    expect(missingValuePaths(job)).toEqual([]);
  });

  it('uses job_name and namespace when given', () => {
    const job = renderJob(template(), { job_name: 'nightly-run', namespace: 'team-a' }, fixedRandom);

    expect(job.metadata.name).toBe('nightly-run');
    expect(job.metadata.namespace).toBe('team-a');
  });

  it('annotates the template revision', () => {
    const job = renderJob(template({ revision: 17 }), {}, fixedRandom);

    expect(job.metadata.annotations).toEqual({ 'workflow/job-template-revision': '17' });
  });

  it('copies ttl and backoff limit', () => {
    const job = renderJob(template({ ttl_seconds_after_finished: 0, backoff_limit: 2_147_483_647 }), {}, fixedRandom);

    expect(job.spec.ttlSecondsAfterFinished).toBe(0);
    expect(job.spec.backoffLimit).toBe(2_147_483_647);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('labels: request over template, ID label over both', () => {
    const stored = template({ labels: { team: 'data', env: 'prod', 'workflow/job-template-id': 'stale' } });
    const request = { labels: { env: 'dev', run: 'nightly', 'workflow/job-template-id': 'forged' } };

    const job = renderJob(stored, request, fixedRandom);

    const expected = { team: 'data', env: 'dev', 'workflow/job-template-id': 'wf-tmpl-hello-world-0a1b2c', run: 'nightly' };
    expect(job.metadata.labels).toEqual(expected);
    expect(job.spec.template.metadata.labels).toEqual(expected);
  });

  it('pod labels are a separate object', () => {
    const job = renderJob(template({ labels: { team: 'data' } }), {}, fixedRandom);

    expect(job.spec.template.metadata.labels).not.toBe(job.metadata.labels);
  });

  it('maps every container field', () => {
    const container: ContainerConfig = {
      name: 'trainer',
      image: 'pytorch/pytorch:2.3.0',
      command: ['python', '-m', 'train'],
      args: ['--epochs', '10'],
      env_vars: [
        { name: 'A', value: '1' },
        { name: 'B', value: '' },
      ],
      working_dir: '/workspace',
      image_pull_policy: 'IfNotPresent',
      resources: {
        requests: { cpu: '500m', memory: '1Gi' },
        limits: { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '1' },
      },
    };

    const job = renderJob(withContainers(container), {}, fixedRandom);

    expect(job.spec.template.spec.containers).toEqual([
      {
        name: 'trainer',
        image: 'pytorch/pytorch:2.3.0',
        command: ['python', '-m', 'train'],
        args: ['--epochs', '10'],
        workingDir: '/workspace',
        imagePullPolicy: 'IfNotPresent',
        resources: {
          requests: { cpu: '500m', memory: '1Gi' },
          limits: { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '1' },
        },
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '' },
        ],
      },
    ]);
  });

  it('resources keep only the parts present', () => {
    const job = renderJob(
      withContainers(
        { name: 'a', image: 'x', resources: { limits: { memory: '1Gi' } } },
        { name: 'b', image: 'x', resources: { requests: { cpu: '1' } } },
        { name: 'c', image: 'x', resources: {} },
      ),
      {},
      fixedRandom,
    );

    const [a, b, c] = job.spec.template.spec.containers;
    expect(a?.resources).toEqual({ limits: { memory: '1Gi' } });
    expect(Object.keys(a?.resources ?? {})).toEqual(['limits']);
    expect(b?.resources).toEqual({ requests: { cpu: '1' } });
    expect(Object.keys(b?.resources ?? {})).toEqual(['requests']);
    expect(c?.resources).toEqual({});
  });

  it('empty lists of the template are kept', () => {
    const job = renderJob(withContainers({ name: 'a', image: 'x', command: [], args: [], env_vars: [] }), {}, fixedRandom);

    expect(job.spec.template.spec.containers[0]).toEqual({ name: 'a', image: 'x', command: [], args: [], env: [] });
  });

  it('env value missing from the template is ""', () => {
    const job = renderJob(withContainers({ name: 'a', image: 'x', env_vars: [{ name: 'EMPTY' }] }), {}, fixedRandom);

    expect(job.spec.template.spec.containers[0]?.env).toEqual([{ name: 'EMPTY', value: '' }]);
  });

  it('env override replaces in place and appends in order', () => {
    const stored = withContainers({
      name: 'main',
      image: 'x',
      env_vars: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
        { name: 'C', value: '3' },
      ],
    });
    const request = { env_overrides: { main: { Z: 'new-z', B: 'new-b', Y: 'new-y', A: '' } } };

    const job = renderJob(stored, request, fixedRandom);

    expect(job.spec.template.spec.containers[0]?.env).toEqual([
      { name: 'A', value: '' },
      { name: 'B', value: 'new-b' },
      { name: 'C', value: '3' },
      { name: 'Z', value: 'new-z' },
      { name: 'Y', value: 'new-y' },
    ]);
  });

  it('env override reaches only its container', () => {
    const stored = withContainers(
      { name: 'main', image: 'x', env_vars: [{ name: 'A', value: '1' }] },
      { name: 'sidecar', image: 'y', env_vars: [{ name: 'A', value: '1' }] },
      { name: 'plain', image: 'z' },
    );

    const job = renderJob(stored, { env_overrides: { sidecar: { A: '2' } } }, fixedRandom);

    const [main, sidecar, plain] = job.spec.template.spec.containers;
    expect(main?.env).toEqual([{ name: 'A', value: '1' }]);
    expect(sidecar?.env).toEqual([{ name: 'A', value: '2' }]);
    expect(plain?.env).toBeUndefined();
  });

  it('env override adds env to a container without variables', () => {
    const job = renderJob(withContainers({ name: 'main', image: 'x' }), { env_overrides: { main: { MODE: 'fast' } } }, fixedRandom);

    expect(job.spec.template.spec.containers[0]?.env).toEqual([{ name: 'MODE', value: 'fast' }]);
  });

  it('empty override adds no env', () => {
    const job = renderJob(withContainers({ name: 'main', image: 'x' }), { env_overrides: { main: {} } }, fixedRandom);

    expect(job.spec.template.spec.containers[0]).not.toHaveProperty('env');
  });

  it('keeps container order', () => {
    const names = ['c', 'a', 'b'];
    const job = renderJob(withContainers(...names.map((name) => ({ name, image: 'x' }))), {}, fixedRandom);

    expect(job.spec.template.spec.containers.map((container) => container.name)).toEqual(names);
  });

  it('leaves the template unchanged', () => {
    const stored = template({
      labels: { team: 'data' },
      containers: [{ name: 'main', image: 'x', command: ['a'], env_vars: [{ name: 'A', value: '1' }], resources: { limits: { cpu: '1' } } }],
    });
    const copy = structuredClone(stored);

    const job = renderJob(stored, { labels: { run: 'x' }, env_overrides: { main: { A: '2', B: '3' } } }, fixedRandom);
    job.spec.template.spec.containers[0]?.command?.push('changed');
    job.spec.template.spec.containers[0]?.env?.push({ name: 'C', value: '4' });
    job.metadata.labels.extra = 'changed';

    expect(stored).toEqual(copy);
  });
});

describe('validateRenderRequest', () => {
  const stored = withContainers({ name: 'main', image: 'x' }, { name: 'log-shipper', image: 'y' });

  it.each([
    ['absent body', undefined],
    ['null body', null],
    ['empty object', {}],
  ])('%s is an empty request', (_case, body) => {
    expect(expectRequest(validateRenderRequest(body, stored))).toEqual({});
  });

  it('null fields are not given', () => {
    const body = { job_name: null, namespace: null, labels: null, env_overrides: null };

    expect(expectRequest(validateRenderRequest(body, stored))).toEqual({});
  });

  it('returns every field given', () => {
    const body = {
      job_name: 'run-1',
      namespace: 'team-a',
      labels: { run: 'nightly', 'example.com/tier': '' },
      env_overrides: { main: { A: '1' }, 'log-shipper': { 'my.env-name': 'x', _B: '' } },
    };

    expect(expectRequest(validateRenderRequest(body, stored))).toEqual(body);
  });

  it.each([
    ['array', []],
    ['string', 'job'],
    ['number', 1],
    ['boolean', true],
  ])('%s body is invalid', (_case, body) => {
    expect(expectErrors(validateRenderRequest(body, stored))).toEqual([
      { field: '', code: 'invalid_type', params: { expected: { en: 'a JSON object', zh: 'JSON 对象' } } },
    ]);
  });

  it('unknown fields are reported by path', () => {
    const errors = expectErrors(validateRenderRequest({ name: 'x', 'job-name': 'y', env: {} }, stored));

    expect(errors).toEqual([
      { field: 'name', code: 'unknown_field' },
      { field: '["job-name"]', code: 'unknown_field' },
      { field: 'env', code: 'unknown_field' },
    ]);
  });

  it('unknown field with null value is still unknown', () => {
    expect(codesAt(validateRenderRequest({ ttl: null }, stored), 'ttl')).toEqual(['unknown_field']);
  });

  describe.each(['job_name', 'namespace'])('%s', (field) => {
    it.each([
      ['a'],
      ['0'],
      ['team-a'],
      ['a'.repeat(63)],
      ['1-2-3'],
    ])('accepts %s', (value) => {
      expect(expectRequest(validateRenderRequest({ [field]: value }, stored))).toEqual({ [field]: value });
    });

    it.each([
      ['uppercase', 'Team-A', ['invalid_format']],
      ['empty', '', ['invalid_format']],
      ['leading hyphen', '-a', ['invalid_format']],
      ['trailing hyphen', 'a-', ['invalid_format']],
      ['dot', 'a.b', ['invalid_format']],
      ['underscore', 'a_b', ['invalid_format']],
      ['non-ASCII', 'jöb', ['invalid_format']],
      ['64 characters', 'a'.repeat(64), ['too_long']],
      ['too long and invalid', 'A'.repeat(64), ['too_long', 'invalid_format']],
      ['number', 5, ['invalid_type']],
      ['array', ['a'], ['invalid_type']],
      ['object', { name: 'a' }, ['invalid_type']],
    ])('rejects %s', (_case, value, codes) => {
      expect(codesAt(validateRenderRequest({ [field]: value }, stored), field)).toEqual(codes);
    });
  });

  it('too long name states both lengths', () => {
    const errors = expectErrors(validateRenderRequest({ job_name: 'a'.repeat(70) }, stored));

    expect(errors).toEqual([{ field: 'job_name', code: 'too_long', params: { limit: 63, actual: 70 } }]);
  });

  it('invalid name is echoed cut to 64 characters', () => {
    const [message] = renderedMessages(expectErrors(validateRenderRequest({ namespace: 'X'.repeat(100) }, stored)).slice(1));

    expect(message).toContain(`"${'X'.repeat(64)}…"`);
    expect(message).not.toContain('X'.repeat(65));
  });

  it.each([
    ['array', [], 'labels', 'invalid_type'],
    ['string', 'team=a', 'labels', 'invalid_type'],
    ['invalid key', { 'bad key': 'a' }, 'labels["bad key"]', 'invalid_label_key'],
    ['invalid prefix', { 'Example.com/tier': 'a' }, 'labels["Example.com/tier"]', 'invalid_label_key'],
    ['invalid value', { team: 'a b' }, 'labels.team', 'invalid_format'],
    ['value too long', { team: 'a'.repeat(64) }, 'labels.team', 'invalid_format'],
    ['number value', { team: 1 }, 'labels.team', 'invalid_type'],
    ['null value', { team: null }, 'labels.team', 'invalid_type'],
  ])('labels: rejects %s', (_case, labels, field, code) => {
    expect(codesAt(validateRenderRequest({ labels }, stored), field)).toEqual([code]);
  });

  it('labels: at most 64', () => {
    const labels = Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`k${index}`, 'v']));

    expect(codesAt(validateRenderRequest({ labels }, stored), 'labels')).toEqual(['too_many_items']);
    const accepted = Object.fromEntries(Object.entries(labels).slice(0, 64));
    expect(expectRequest(validateRenderRequest({ labels: accepted }, stored)).labels).toEqual(accepted);
  });

  it.each([
    ['array', []],
    ['string', 'main'],
    ['number', 1],
  ])('env_overrides: rejects %s', (_case, envOverrides) => {
    expect(codesAt(validateRenderRequest({ env_overrides: envOverrides }, stored), 'env_overrides')).toEqual(['invalid_type']);
  });

  it.each([
    ['null', null],
    ['array', [{ name: 'A', value: '1' }]],
    ['string', 'A=1'],
  ])('env_overrides: rejects %s for a container', (_case, overrides) => {
    expect(codesAt(validateRenderRequest({ env_overrides: { main: overrides } }, stored), 'env_overrides.main')).toEqual(['invalid_type']);
  });

  it('env_overrides: unknown container lists the containers', () => {
    const errors = expectErrors(validateRenderRequest({ env_overrides: { worker: { A: '1' } } }, stored));

    expect(errors).toEqual([
      { field: 'env_overrides.worker', code: 'unknown_container', params: { containers: { en: '"main", "log-shipper"', zh: '"main"、"log-shipper"' } } },
    ]);
    expect(renderedMessages(errors)).toEqual([
      'env_overrides.worker names a container that the template does not have; its containers are "main", "log-shipper".',
    ]);
    expect(renderedMessages(errors, 'zh')).toEqual(['env_overrides.worker 指向模板中不存在的容器；模板的容器为 "main"、"log-shipper"。']);
  });

  it('env_overrides: unknown container path in brackets', () => {
    const errors = expectErrors(validateRenderRequest({ env_overrides: { 'log-shippers': {}, 'Main.x': {} } }, stored));

    expect(errors.map((error) => error.field)).toEqual(['env_overrides["log-shippers"]', 'env_overrides["Main.x"]']);
    expect(errors.map((error) => error.code)).toEqual(['unknown_container', 'unknown_container']);
  });

  it('env_overrides: names of Object.prototype are not containers', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      const body = JSON.parse(`{"env_overrides": {"${name}": {}}}`) as unknown;
      expect(codesAt(validateRenderRequest(body, stored), `env_overrides.${name}`)).toEqual(['unknown_container']);
    }
  });

  it('env_overrides: container named like an Object.prototype member', () => {
    const odd = withContainers({ name: 'constructor', image: 'x' });

    const request = expectRequest(validateRenderRequest({ env_overrides: { constructor: { A: '1' } } }, odd));

    expect(renderJob(odd, request, fixedRandom).spec.template.spec.containers[0]?.env).toEqual([{ name: 'A', value: '1' }]);
  });

  it('env_overrides: unknown container contents are checked too', () => {
    const errors = expectErrors(validateRenderRequest({ env_overrides: { worker: { '1A': 2 } } }, stored));

    expect(errors.map((error) => [error.field, error.code])).toEqual([
      ['env_overrides.worker', 'unknown_container'],
      ['env_overrides.worker["1A"]', 'invalid_format'],
      ['env_overrides.worker["1A"]', 'invalid_type'],
    ]);
  });

  it.each([
    ['leading digit', '1A'],
    ['space', 'A B'],
    ['equals sign', 'A=B'],
    ['dot', '.'],
    ['two dots', '..'],
    ['leading two dots', '..A'],
    ['empty', ''],
    ['non-ASCII', 'ÄRGER'],
  ])('env_overrides: rejects env name with %s', (_case, name) => {
    const result = validateRenderRequest({ env_overrides: { main: { [name]: 'v' } } }, stored);

    expect(expectErrors(result)).toEqual([
      expect.objectContaining({ field: `env_overrides.main[${JSON.stringify(name)}]`, code: 'invalid_format' }),
    ]);
  });

  it.each([['A'], ['_a'], ['my.env-name'], ['.A'], ['a..b'], ['-x']])('env_overrides: accepts env name %s', (name) => {
    expect(expectRequest(validateRenderRequest({ env_overrides: { main: { [name]: 'v' } } }, stored))).toEqual({
      env_overrides: { main: { [name]: 'v' } },
    });
  });

  it.each([
    ['number', 42],
    ['boolean', true],
    ['null', null],
    ['object', { secret: 'hunter2' }],
    ['array', ['hunter2']],
  ])('env_overrides: rejects %s value', (_case, value) => {
    expect(codesAt(validateRenderRequest({ env_overrides: { main: { PASSWORD: value } } }, stored), 'env_overrides.main.PASSWORD')).toEqual([
      'invalid_type',
    ]);
  });

  it('env_overrides: values with NUL or lone surrogates are invalid', () => {
    const result = validateRenderRequest({ env_overrides: { main: { A: 'x\u0000y', B: 'x\ud800y' } } }, stored);

    expect(codesAt(result, 'env_overrides.main.A')).toEqual(['invalid_text']);
    expect(codesAt(result, 'env_overrides.main.B')).toEqual(['invalid_text']);
  });

  it('env_overrides: messages never echo a value', () => {
    const secret = 'hunter2-secret';
    const result = validateRenderRequest(
      { env_overrides: { main: { PASSWORD: { nested: secret }, TOKEN: `${secret}\u0000` }, worker: { KEY: secret } } },
      stored,
    );

    const errors = expectErrors(result);
    expect(errors).toHaveLength(3);
    for (const language of ['en', 'zh'] as const) {
      for (const message of renderedMessages(errors, language)) {
        expect(message).not.toContain(secret);
      }
    }
    expect(JSON.stringify(errors)).not.toContain(secret);
  });

  it('reports every failure at once', () => {
    const body = {
      job_name: 'Bad_Name',
      namespace: 'n'.repeat(64),
      labels: { 'bad key': 'ok' },
      env_overrides: { main: { '9X': 'v' }, worker: {} },
      extra: true,
    };

    const fields = expectErrors(validateRenderRequest(body, stored)).map((error) => error.field);

    expect(fields).toEqual(['extra', 'job_name', 'namespace', 'labels["bad key"]', 'env_overrides.main["9X"]', 'env_overrides.worker']);
  });
});

describe('RenderRequestSchema', () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validateSchema = ajv.compile(RenderRequestSchema);
  const stored = withContainers({ name: 'main', image: 'x' });

  /** Bodies on which the schema and the validator must agree: no nulls, and only containers the template has. */
  const BODIES: unknown[] = [
    {},
    { job_name: 'a' },
    { job_name: 'A' },
    { job_name: 'a'.repeat(63) },
    { job_name: 'a'.repeat(64) },
    { job_name: 1 },
    { namespace: 'team-a' },
    { namespace: 'team_a' },
    { labels: {} },
    { labels: { a: 'b' } },
    { labels: { a: 1 } },
    { labels: Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`k${index}`, 'v'])) },
    { env_overrides: {} },
    { env_overrides: { main: {} } },
    { env_overrides: { main: { A: 'x' } } },
    { env_overrides: { main: { A: 1 } } },
    { env_overrides: { main: { '1A': 'x' } } },
    { env_overrides: { main: { '..A': 'x' } } },
    { env_overrides: { main: [] } },
    { env_overrides: [] },
    { other: 1 },
  ];

  it.each(BODIES.map((body) => [JSON.stringify(body).slice(0, 60), body]))('agrees with the validator on %s', (_text, body) => {
    expect(validateSchema(body)).toBe(validateRenderRequest(body, stored).ok);
  });
});
