/**
 * The render endpoint, driven through the app: responses in JSON and YAML,
 * permissions, the order of error statuses, validation, and that every
 * rendered Job passes the Kubernetes `batch/v1` Job schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Job } from 'kubernetes-models/batch/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { prefersYaml } from '../../src/http/media-type.js';
import { stringifyYaml } from '../../src/http/yaml.js';
import { COLLECTION, createTestApp, globalTemplate, projectTemplate, type TestApp } from '../helpers/test-app.js';

const FIXTURE_FOLDER = new URL('../fixtures/real-templates/', import.meta.url);
const FIXTURES = readdirSync(FIXTURE_FOLDER)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({ file, body: JSON.parse(readFileSync(new URL(file, FIXTURE_FOLDER), 'utf8')) as Record<string, any> }));

/** Kubernetes name rules, written out here so that the checks do not depend on the code under test. */
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function renderPath(id: string): string {
  return `${COLLECTION}/${id}/render`;
}

function isQualifiedName(key: string): boolean {
  const [prefix, name] = key.includes('/') ? [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)] : [undefined, key];
  const prefixValid = prefix === undefined || (prefix.length <= 253 && DNS_1123_SUBDOMAIN.test(prefix));
  return prefixValid && name.length <= 63 && QUALIFIED_NAME_PART.test(name);
}

function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && QUALIFIED_NAME_PART.test(value));
}

/** Lists the paths of every null value and empty array in a JSON value. */
function nullAndEmptyPaths(value: unknown, path = '$'): string[] {
  if (value === null) {
    return [path];
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? [path] : value.flatMap((item, index) => nullAndEmptyPaths(item, `${path}[${index}]`));
  }
  if (typeof value === 'object') {
    return Object.entries(value as object).flatMap(([key, item]) => nullAndEmptyPaths(item, `${path}.${key}`));
  }
  return [];
}

/**
 * Checks a rendered Job against the Kubernetes OpenAPI schema of `batch/v1`
 * Job (kubernetes-models), and against the name rules of the API server,
 * which that schema does not state.
 */
function expectValidKubernetesJob(job: Record<string, any>): void {
  expect(() => new Job(job as ConstructorParameters<typeof Job>[0]).validate()).not.toThrow();

  expect(job.metadata.name).toMatch(DNS_1123_LABEL);
  expect(job.metadata.name.length).toBeLessThanOrEqual(63);
  if (job.metadata.namespace !== undefined) {
    expect(job.metadata.namespace).toMatch(DNS_1123_LABEL);
  }
  for (const labels of [job.metadata.labels, job.spec.template.metadata.labels] as Record<string, string>[]) {
    for (const [key, value] of Object.entries(labels)) {
      expect(isQualifiedName(key), `label key ${key}`).toBe(true);
      expect(isLabelValue(value), `label value ${value}`).toBe(true);
    }
  }
  for (const key of Object.keys(job.metadata.annotations as object)) {
    expect(isQualifiedName(key), `annotation key ${key}`).toBe(true);
  }
  const containers = job.spec.template.spec.containers as Record<string, any>[];
  expect(new Set(containers.map((container) => container.name)).size).toBe(containers.length);
  for (const container of containers) {
    expect(container.name).toMatch(DNS_1123_LABEL);
    const envNames = ((container.env ?? []) as { name: string }[]).map((envVar) => envVar.name);
    expect(new Set(envNames).size, `env names of ${container.name}`).toBe(envNames.length);
    for (const name of envNames) {
      expect(name).toMatch(ENV_VAR_NAME);
    }
  }
}

/** Jobs rendered from templates whose bodies have no empty lists carry none either. */
function expectNoNullOrEmptyList(job: unknown): void {
  expect(nullAndEmptyPaths(job)).toEqual([]);
}

describe('prefersYaml', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['application/json', false],
    ['*/*', false],
    ['application/*', false],
    ['text/html', false],
    ['application/yaml', true],
    ['text/yaml', true],
    ['application/x-yaml', true],
    ['APPLICATION/YAML', true],
    ['application/yaml; charset=utf-8', true],
    ['application/yaml, application/json', true],
    ['application/json, application/yaml', false],
    ['application/json;q=0.5, application/yaml', true],
    ['application/yaml;q=0.5, application/json', false],
    ['application/yaml, */*;q=0.1', true],
    ['application/yaml;q=0.5, */*', false],
    ['*/*, application/yaml', true],
    ['application/json;q=0, */*', true],
    ['application/yaml;q=0, */*', false],
    ['text/*', true],
    ['application/yaml;q=abc, application/json', false],
    ['application/yaml;q=1.5, application/json', false],
    ['application/yaml;q=0.001, application/json;q=0', true],
    ['application/yaml ; q=0.9 , application/json;q=0.8', true],
    ['garbage, application/yaml', true],
  ])('Accept %j prefers YAML: %s', (header, expected) => {
    expect(prefersYaml(header)).toBe(expected);
  });
});

describe('stringifyYaml', () => {
  const TRICKY_STRINGS = [
    'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'YES', 'On', 'true', 'False', 'null', 'Null', '~', '',
    '0', '-1', '+1', '1.5', '1e3', '1E-3', '0755', '089', '0o17', '0x1F', '0b101', '1_000', '12:30', '190:20:30',
    '.inf', '-.Inf', '.nan', '.NaN', '2026-01-01', '2026-01-01T10:00:00Z', '<<', '=', '- item', '? key', 'a: b', 'a:b',
    '#comment', 'a #b', '@at', '`tick', '%pct', '!tag', '*alias', '&anchor', '|', '>', '"quoted"', "'single'",
    '[list]', '{map}', ' leading', 'trailing ', 'two\nlines', 'tab\there', '\t', 'back\\slash', '\u0085next-line',
    '\u2028separator', 'a\u2029b', '\ufeffbom', 'x\ufeff', '\r\n', 'a\u00a0b', 'é', '数据', '😀',
    'echo "$HOME" && ls -la | grep x > /dev/null', `${'long line '.repeat(10)}\n${'second '.repeat(10)}`,
  ];

  it.each(TRICKY_STRINGS.map((text) => [JSON.stringify(text), text]))('%s reads back the same in YAML 1.1 and 1.2', (_label, text) => {
    const value = { env: [{ name: 'A', value: text }], labels: { [text]: text } };

    const yaml = stringifyYaml(value);

    expect(parse(yaml, { version: '1.1' })).toEqual(value);
    expect(parse(yaml, { version: '1.2' })).toEqual(value);
  });

  it('escapes line and paragraph separators and byte order marks', () => {
    const yaml = stringifyYaml({ value: 'a\u2028b\u2029c\ufeffd' });

    expect(yaml).toBe('value: "a\\Lb\\Pc\\uFEFFd"\n');
  });

  it('escapes next line, which YAML 1.1 reads as a line break', () => {
    const yaml = stringifyYaml({ value: 'a\u0085b' });

    expect(yaml).toBe('value: "a\\Nb"\n');
  });

  it('writes numbers as numbers', () => {
    const yaml = stringifyYaml({ ttlSecondsAfterFinished: 3600, annotation: '3600' });

    expect(yaml).toBe('ttlSecondsAfterFinished: 3600\nannotation: "3600"\n');
  });

  it('does not fold long strings', () => {
    const long = Array.from({ length: 60 }, (_, index) => `word${index}`).join(' ');

    expect(stringifyYaml({ value: long })).toBe(`value: ${long}\n`);
  });
});

describe('POST /api/workflow/job-templates/{id}/render', () => {
  let t: TestApp;
  let projectTemplateId: string;
  let globalTemplateId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const project = await t.create(
      projectTemplate('Nightly ETL', {
        labels: { team: 'data', 'example.com/tier': 'batch' },
        ttl_seconds_after_finished: 600,
        backoff_limit: 1,
        containers: [
          {
            name: 'main',
            image: 'python:3.12',
            command: ['python', '-m', 'etl'],
            args: ['--date', 'today'],
            env_vars: [
              { name: 'MODE', value: 'full' },
              { name: 'DEBUG', value: 'false' },
            ],
            working_dir: '/app',
            image_pull_policy: 'IfNotPresent',
            resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '1' } },
          },
          { name: 'log-shipper', image: 'fluent/fluent-bit:3.0' },
        ],
      }),
    );
    projectTemplateId = project.id as string;
    const global = await t.create(globalTemplate('Shared cleanup'));
    globalTemplateId = global.id as string;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('JSON response', () => {
    it('renders the template as a Job', async () => {
      const response = await t.request('POST', renderPath(projectTemplateId), {
        body: { namespace: 'etl', labels: { run: 'manual', team: 'platform' }, env_overrides: { main: { DEBUG: 'true', EXTRA: '1' } } },
      });

      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      const job = response.json();
      const labels = { team: 'platform', 'example.com/tier': 'batch', run: 'manual', 'workflow/job-template-id': projectTemplateId };
      expect(job).toEqual({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: expect.stringMatching(/^nightly-etl-[a-z0-9]{5}$/),
          namespace: 'etl',
          labels,
          annotations: { 'workflow/job-template-revision': '1' },
        },
        spec: {
          ttlSecondsAfterFinished: 600,
          backoffLimit: 1,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              containers: [
                {
                  name: 'main',
                  image: 'python:3.12',
                  command: ['python', '-m', 'etl'],
                  args: ['--date', 'today'],
                  workingDir: '/app',
                  imagePullPolicy: 'IfNotPresent',
                  resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '1' } },
                  env: [
                    { name: 'MODE', value: 'full' },
                    { name: 'DEBUG', value: 'true' },
                    { name: 'EXTRA', value: '1' },
                  ],
                },
                { name: 'log-shipper', image: 'fluent/fluent-bit:3.0' },
              ],
            },
          },
        },
      });
      expectValidKubernetesJob(job);
      expectNoNullOrEmptyList(job);
    });

    it('renders without a body', async () => {
      const response = await t.request('POST', renderPath(projectTemplateId));

      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().metadata).not.toHaveProperty('namespace');
      expectValidKubernetesJob(response.json());
    });

    it.each([
      ['no Content-Length', { 'content-type': 'application/json' }],
      ['Content-Length 0', { 'content-type': 'application/json; charset=utf-8', 'content-length': '0' }],
    ])('renders an empty JSON body with %s', async (_case, headers) => {
      const response = await t.app.inject({
        method: 'POST',
        url: renderPath(projectTemplateId),
        headers: { authorization: `Bearer ${t.tokens.admin}`, ...headers },
      });

      expect(response.statusCode, response.body).toBe(200);
      expectValidKubernetesJob(response.json());
    });

    it.each([['{}'], ['null'], ['{"job_name": null, "namespace": null, "labels": null, "env_overrides": null}']])('renders body %s', async (body) => {
      const response = await t.request('POST', renderPath(projectTemplateId), { body });

      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().metadata.name).toMatch(/^nightly-etl-[a-z0-9]{5}$/);
    });

    it('uses job_name when given', async () => {
      const response = await t.request('POST', renderPath(projectTemplateId), { body: { job_name: 'etl-2026-02-25' } });

      expect(response.json().metadata.name).toBe('etl-2026-02-25');
    });

    it('generates a new name on each call', async () => {
      const names = new Set<string>();
      for (let index = 0; index < 5; index += 1) {
        names.add((await t.request('POST', renderPath(projectTemplateId))).json().metadata.name as string);
      }

      expect(names.size).toBe(5);
    });

    it('annotates the current revision', async () => {
      const created = await t.create(projectTemplate('Revision check'));
      const updated = await t.request('PUT', `${COLLECTION}/${created.id}`, { body: { description: 'changed' } });
      expect(updated.statusCode).toBe(200);

      const job = (await t.request('POST', renderPath(created.id as string))).json();

      expect(job.metadata.annotations['workflow/job-template-revision']).toBe(String(updated.json().revision));
      expect(updated.json().revision).toBeGreaterThan(1);
    });

    it('JSON when Accept names no YAML type', async () => {
      for (const accept of ['application/json', '*/*', 'text/html', 'application/json, application/yaml;q=0.5']) {
        const response = await t.request('POST', renderPath(projectTemplateId), { headers: { accept } });

        expect(response.headers['content-type'], accept).toBe('application/json; charset=utf-8');
        expect(response.headers.vary).toBe('Accept');
      }
    });
  });

  describe('YAML response', () => {
    it.each([['application/yaml'], ['text/yaml'], ['application/x-yaml'], ['application/yaml, application/json;q=0.9']])(
      'Accept %s gives YAML',
      async (accept) => {
        const body = { job_name: 'yaml-run', env_overrides: { main: { DEBUG: 'yes' } } };
        const json = (await t.request('POST', renderPath(projectTemplateId), { body })).json();

        const response = await t.request('POST', renderPath(projectTemplateId), { body, headers: { accept } });

        expect(response.statusCode, response.body).toBe(200);
        expect(response.headers['content-type']).toBe('application/yaml');
        expect(response.headers.vary).toBe('Accept');
        expect(response.body).toMatch(/^apiVersion: batch\/v1\nkind: Job\n/);
        expect(parse(response.body, { version: '1.1' })).toEqual(json);
        expect(parse(response.body, { version: '1.2' })).toEqual(json);
        expectValidKubernetesJob(parse(response.body, { version: '1.1' }));
      },
    );

    it('quotes values that YAML readers would take for other types', async () => {
      const values = ['yes', 'on', 'off', 'y', 'n', 'true', 'null', '~', '0755', '089', '1e3', '12:30', '0x1F', '0o17', '.inf', '', ' spaced ', 'a: b', '#x', 'two\nlines', '😀 数据'];
      const overrides = Object.fromEntries(values.map((value, index) => [`V${index}`, value]));
      const body = { job_name: 'tricky', labels: { yes: 'on', y: 'n', '1': '0755' }, env_overrides: { main: overrides } };

      const response = await t.request('POST', renderPath(projectTemplateId), { body, headers: { accept: 'application/yaml' } });

      expect(response.statusCode, response.body).toBe(200);
      const json = (await t.request('POST', renderPath(projectTemplateId), { body })).json();
      for (const version of ['1.1', '1.2'] as const) {
        const job = parse(response.body, { version });
        expect(job, `YAML ${version}`).toEqual(json);
        expectValidKubernetesJob(job);
      }
      expect(response.body).toContain('"yes": "on"');
    });

    it('labels appear twice without YAML aliases', async () => {
      const response = await t.request('POST', renderPath(projectTemplateId), { headers: { accept: 'application/yaml' } });

      expect(response.body.match(/workflow\/job-template-id:/g)).toHaveLength(2);
      expect(response.body).not.toMatch(/[&*]a\d/);
    });

    it('problems stay JSON', async () => {
      const response = await t.request('POST', renderPath('wf-tmpl-missing-000000'), { headers: { accept: 'application/yaml' } });

      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    });
  });

  describe('permissions', () => {
    it('admin renders project and global templates', async () => {
      for (const id of [projectTemplateId, globalTemplateId]) {
        const response = await t.request('POST', renderPath(id), { token: t.tokens.admin });
        expect(response.statusCode, id).toBe(200);
      }
    });

    it('project member renders its project template', async () => {
      const response = await t.request('POST', renderPath(projectTemplateId), { token: t.tokens.memberA });

      expect(response.statusCode).toBe(200);
      expectValidKubernetesJob(response.json());
    });

    it.each([['memberB'], ['outsider']] as const)('%s gets 404 for another project template', async (user) => {
      const response = await t.request('POST', renderPath(projectTemplateId), { token: t.tokens[user] });

      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('not_found');
    });

    it.each([['memberA'], ['memberB'], ['outsider']] as const)('%s renders a global template', async (user) => {
      const response = await t.request('POST', renderPath(globalTemplateId), { token: t.tokens[user] });

      expect(response.statusCode).toBe(200);
    });

    it('invisible template is 404 before an invalid body', async () => {
      const response = await t.request('POST', renderPath(projectTemplateId), { token: t.tokens.memberB, body: { job_name: 'BAD' } });

      expect(response.statusCode).toBe(404);
    });
  });

  describe('error order', () => {
    it.each([['wf-tmpl-missing-000000'], ['wf-tmpl-00000000'], ['NOT-AN-ID'], ['x'.repeat(200)]])('unknown ID %s is 404', async (id) => {
      const response = await t.request('POST', renderPath(id));

      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('not_found');
    });

    it('no token is 401', async () => {
      const response = await t.request('POST', renderPath(projectTemplateId), { token: null });

      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('invalid token is 401', async () => {
      const response = await t.request('POST', renderPath(projectTemplateId), { token: 'not.a.jwt' });

      expect(response.statusCode).toBe(401);
    });

    it('401 comes before 415, 400, 404 and 422', async () => {
      const cases = [
        { id: projectTemplateId, body: 'text', headers: { 'content-type': 'text/plain' } },
        { id: projectTemplateId, body: '{bad json' },
        { id: 'wf-tmpl-missing-000000', body: {} },
        { id: projectTemplateId, body: { job_name: 'BAD' } },
      ];
      for (const { id, body, headers } of cases) {
        const response = await t.request('POST', renderPath(id), { token: null, body, ...(headers ? { headers } : {}) });
        expect(response.statusCode, JSON.stringify(body)).toBe(401);
      }
    });

    it('non-JSON body is 415', async () => {
      const response = await t.request('POST', renderPath(projectTemplateId), { body: 'job_name=x', headers: { 'content-type': 'text/plain' } });

      expect(response.statusCode).toBe(415);
      expect(response.json().code).toBe('unsupported_media_type');
    });

    it('invalid JSON is 400, also for an unknown template', async () => {
      for (const id of [projectTemplateId, 'wf-tmpl-missing-000000']) {
        const response = await t.request('POST', renderPath(id), { body: '{"job_name": ' });
        expect(response.statusCode, id).toBe(400);
        expect(response.json().code).toBe('invalid_json');
      }
    });

    it('body over 1 MiB is 413', async () => {
      const body = JSON.stringify({ labels: { a: 'b' }, padding: 'x'.repeat(1_048_576) });

      const response = await t.request('POST', renderPath(projectTemplateId), { body });

      expect(response.statusCode).toBe(413);
    });

    it('invalid body for an unknown template is 404', async () => {
      const response = await t.request('POST', renderPath('wf-tmpl-missing-000000'), { body: { job_name: 'BAD' } });

      expect(response.statusCode).toBe(404);
    });
  });

  describe('validation', () => {
    async function expectFieldErrors(body: unknown, expected: { field: string; code: string }[]): Promise<Record<string, any>> {
      const response = await t.request('POST', renderPath(projectTemplateId), { body });
      expect(response.statusCode, response.body).toBe(422);
      const problem = response.json();
      expect(problem.code).toBe('validation_failed');
      expect((problem.errors as { field: string; code: string }[]).map(({ field, code }) => ({ field, code }))).toEqual(expected);
      return problem;
    }

    it.each([
      ['uppercase', 'Nightly', [{ field: 'job_name', code: 'invalid_format' }]],
      ['underscore', 'etl_run', [{ field: 'job_name', code: 'invalid_format' }]],
      ['64 characters', 'a'.repeat(64), [{ field: 'job_name', code: 'too_long' }]],
      ['number', 42, [{ field: 'job_name', code: 'invalid_type' }]],
    ])('bad job_name (%s) is 422', async (_case, jobName, expected) => {
      await expectFieldErrors({ job_name: jobName }, expected);
    });

    it.each([
      ['dot', 'team.a', [{ field: 'namespace', code: 'invalid_format' }]],
      ['empty', '', [{ field: 'namespace', code: 'invalid_format' }]],
      ['64 characters', 'n'.repeat(64), [{ field: 'namespace', code: 'too_long' }]],
    ])('bad namespace (%s) is 422', async (_case, namespace, expected) => {
      await expectFieldErrors({ namespace }, expected);
    });

    it('bad labels are 422', async () => {
      await expectFieldErrors({ labels: { 'bad key': 'a', team: 'not valid' } }, [
        { field: 'labels["bad key"]', code: 'invalid_label_key' },
        { field: 'labels.team', code: 'invalid_format' },
      ]);
      await expectFieldErrors({ labels: ['team=a'] }, [{ field: 'labels', code: 'invalid_type' }]);
    });

    it('env_overrides for an unknown container is 422', async () => {
      const problem = await expectFieldErrors({ env_overrides: { worker: { A: '1' } } }, [{ field: 'env_overrides.worker', code: 'unknown_container' }]);

      expect(problem.errors[0].message).toBe(
        'env_overrides.worker names a container that the template does not have; its containers are "main", "log-shipper".',
      );
    });

    it('unknown container message in Chinese', async () => {
      const response = await t.request('POST', renderPath(projectTemplateId), {
        body: { env_overrides: { worker: {} } },
        headers: { 'accept-language': 'zh-CN' },
      });

      expect(response.statusCode).toBe(422);
      expect(response.json().errors[0].message).toBe('env_overrides.worker 指向模板中不存在的容器；模板的容器为 "main"、"log-shipper"。');
    });

    it('bad env override names and values are 422 without echoing values', async () => {
      const secret = 's3cr3t-token-value';
      const problem = await expectFieldErrors({ env_overrides: { 'log-shipper': { '1BAD': 'x', TOKEN: { value: secret } } } }, [
        { field: 'env_overrides["log-shipper"]["1BAD"]', code: 'invalid_format' },
        { field: 'env_overrides["log-shipper"].TOKEN', code: 'invalid_type' },
      ]);

      expect(JSON.stringify(problem)).not.toContain(secret);
    });

    it('unknown fields are 422', async () => {
      await expectFieldErrors({ name: 'x', env: {} }, [
        { field: 'name', code: 'unknown_field' },
        { field: 'env', code: 'unknown_field' },
      ]);
    });

    it('body that is not an object is 422', async () => {
      await expectFieldErrors([], [{ field: '', code: 'invalid_type' }]);
      await expectFieldErrors('"job"', [{ field: '', code: 'invalid_type' }]);
    });

    it('every failure is reported at once', async () => {
      await expectFieldErrors({ job_name: 'A', namespace: 'B', labels: { '-': 'x' }, env_overrides: { nope: {} }, extra: 1 }, [
        { field: 'extra', code: 'unknown_field' },
        { field: 'job_name', code: 'invalid_format' },
        { field: 'namespace', code: 'invalid_format' },
        { field: 'labels["-"]', code: 'invalid_label_key' },
        { field: 'env_overrides.nope', code: 'unknown_container' },
      ]);
    });
  });

  describe('nothing is stored', () => {
    it('list total and template stay the same', async () => {
      const listBefore = await t.request('GET', COLLECTION, { query: { limit: '1000' } });
      const templateBefore = await t.request('GET', `${COLLECTION}/${projectTemplateId}`);

      for (const body of [{}, { job_name: 'x', labels: { a: 'b' }, env_overrides: { main: { NEW: 'v', MODE: 'partial' } } }]) {
        expect((await t.request('POST', renderPath(projectTemplateId), { body })).statusCode).toBe(200);
        expect((await t.request('POST', renderPath(projectTemplateId), { body, headers: { accept: 'application/yaml' } })).statusCode).toBe(200);
      }

      const listAfter = await t.request('GET', COLLECTION, { query: { limit: '1000' } });
      const templateAfter = await t.request('GET', `${COLLECTION}/${projectTemplateId}`);
      expect(listAfter.json().total).toBe(listBefore.json().total);
      expect(listAfter.json()).toEqual(listBefore.json());
      expect(templateAfter.json()).toEqual(templateBefore.json());
      expect(templateAfter.headers.etag).toBe(templateBefore.headers.etag);
    });
  });
});

describe('rendered Jobs pass the Kubernetes schema', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('fixture folder holds templates', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(28);
  });

  it.each(FIXTURES)('$file renders a valid Job', async ({ body }) => {
    const created = await t.create(body);
    const firstContainer = (body.containers as { name: string }[])[0]!.name;
    const requestBody = { job_name: 'fixture-run', namespace: 'batch', labels: { run: 'test' }, env_overrides: { [firstContainer]: { RENDER_TEST: '1' } } };

    for (const request of [{}, requestBody]) {
      const json = await t.request('POST', renderPath(created.id as string), { body: request });
      expect(json.statusCode, json.body).toBe(200);
      expectValidKubernetesJob(json.json());
      expect(json.json().spec.template.spec.containers).toHaveLength((body.containers as unknown[]).length);
    }

    const rendered = (await t.request('POST', renderPath(created.id as string), { body: requestBody })).json();
    const yaml = await t.request('POST', renderPath(created.id as string), { body: requestBody, headers: { accept: 'application/yaml' } });
    expect(yaml.statusCode).toBe(200);
    expect(parse(yaml.body, { version: '1.1' })).toEqual(rendered);
    expect(parse(yaml.body, { version: '1.2' })).toEqual(rendered);
  });

  const STRANGE_NAMES: [string, string, RegExp][] = [
    ['128 ASCII letters', 'A'.repeat(128), /^a{40}-[a-z0-9]{5}$/],
    ['128 Chinese characters', '数'.repeat(128), /^wf-tmpl-[0-9a-f]{8}-[a-z0-9]{5}$/],
    ['128 emoji', '\u{1F600}'.repeat(128), /^wf-tmpl-[0-9a-f]{8}-[a-z0-9]{5}$/],
    ['128 mixed code points', `${'ab\u{1F680}'.repeat(42)}xy`, new RegExp(`^${'ab-'.repeat(13)}a-[a-z0-9]{5}$`)],
    ['Chinese', '数据处理任务', /^wf-tmpl-[0-9a-f]{8}-[a-z0-9]{5}$/],
    ['Chinese and Latin', '任务 ETL 2026', /^etl-2026-[a-z0-9]{5}$/],
    ['slug of exactly 40', `${'x'.repeat(20)} ${'y'.repeat(19)}`, /^x{20}-y{19}-[a-z0-9]{5}$/],
    ['slug cut at a hyphen', `${'a'.repeat(39)}-${'b'.repeat(50)}`, /^a{39}-[a-z0-9]{5}$/],
    ['punctuation', 'job (nightly) #1: a/b_c.d', /^job-nightly-1-a-b-c-d-[a-z0-9]{5}$/],
    ['accents', 'Ünïcödé — Name 2026', /^n-c-d-name-2026-[a-z0-9]{5}$/],
    ['mathematical letters', '\u{1D518}\u{1D52B}\u{1D526} math', /^math-[a-z0-9]{5}$/],
    ['emoji between words', 'train\u{1F680}model', /^train-model-[a-z0-9]{5}$/],
    ['digits only', '2026', /^2026-[a-z0-9]{5}$/],
  ];

  it.each(STRANGE_NAMES)('template named with %s renders a valid Job', async (_case, name, expectedJobName) => {
    expect(Array.from(name).length).toBeLessThanOrEqual(128);
    const created = await t.create(globalTemplate(name));

    const response = await t.request('POST', renderPath(created.id as string));

    expect(response.statusCode, response.body).toBe(200);
    const job = response.json();
    expect(job.metadata.name).toMatch(expectedJobName);
    expect(job.metadata.labels['workflow/job-template-id']).toBe(created.id);
    expectValidKubernetesJob(job);
    expectNoNullOrEmptyList(job);
  });

  it('largest template and request render a valid Job', async () => {
    const envVars = Array.from({ length: 256 }, (_, index) => ({ name: `VAR_${index}`, value: `value-${index}` }));
    const containers = Array.from({ length: 32 }, (_, index) => ({
      name: `c${index}-${'x'.repeat(59 - String(index).length)}`,
      image: `registry.example.com/team/image-${index}:1.0`,
      command: Array.from({ length: 256 }, (_, arg) => `cmd-${arg}`),
      args: Array.from({ length: 256 }, (_, arg) => `--arg=${arg}`),
      env_vars: envVars,
      working_dir: '/work',
      image_pull_policy: 'Always',
      resources: { requests: { cpu: '100m', memory: '128Mi', 'nvidia.com/gpu': '1' }, limits: { cpu: '1e3', memory: '1.5Gi', 'nvidia.com/gpu': '1' } },
    }));
    const labels = Object.fromEntries(Array.from({ length: 64 }, (_, index) => [`example.com/template-${index}`, 'v'.repeat(63)]));
    const created = await t.create(globalTemplate('L'.repeat(128), { containers, labels, ttl_seconds_after_finished: 2_147_483_647, backoff_limit: 0 }));
    const overrides = Object.fromEntries(
      containers.map((container) => [container.name, Object.fromEntries([...envVars.slice(0, 10).map((envVar) => [envVar.name, 'over']), ['NEW_A', 'a'], ['NEW_B', 'b']])]),
    );
    const requestLabels = Object.fromEntries(Array.from({ length: 64 }, (_, index) => [`request-${index}`, `r${index}`]));

    const response = await t.request('POST', renderPath(created.id as string), {
      body: { job_name: 'j'.repeat(63), namespace: 'n'.repeat(63), labels: requestLabels, env_overrides: overrides },
    });

    expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
    const job = response.json();
    expectValidKubernetesJob(job);
    expect(Object.keys(job.metadata.labels)).toHaveLength(129);
    const firstEnv = job.spec.template.spec.containers[0].env as { name: string; value: string }[];
    expect(firstEnv).toHaveLength(258);
    expect(firstEnv[0]).toEqual({ name: 'VAR_0', value: 'over' });
    expect(firstEnv[10]).toEqual({ name: 'VAR_10', value: 'value-10' });
    expect(firstEnv.slice(-2)).toEqual([
      { name: 'NEW_A', value: 'a' },
      { name: 'NEW_B', value: 'b' },
    ]);

    const yaml = await t.request('POST', renderPath(created.id as string), {
      body: { job_name: 'j'.repeat(63), namespace: 'n'.repeat(63), labels: requestLabels, env_overrides: overrides },
      headers: { accept: 'application/yaml' },
    });
    expect(parse(yaml.body, { version: '1.1' })).toEqual(job);
  });
});
