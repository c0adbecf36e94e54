import { describe, expect, it } from 'vitest';
import { validationFailed, type FieldError } from '../../src/errors/api-error.js';
import type { Language } from '../../src/errors/catalogue.js';
import { renderProblem } from '../../src/http/problem.js';
import type { JobTemplate } from '../../src/domain/template-schema.js';
import {
  validateCreateBody,
  validateUpdateBody,
  type TemplateContent,
  type ValidationResult,
} from '../../src/domain/validation.js';

const CTR = { name: 'main', image: 'busybox:1.36' };

/** Builds a valid project template body and merges `extra` over it. */
function body(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'job', scope: 'project', project_id: 'proj-a', containers: [CTR], ...extra };
}

/** Builds a valid body whose only container is `CTR` with `extra` merged over it. */
function withContainer(extra: Record<string, unknown>): Record<string, unknown> {
  return body({ containers: [{ ...CTR, ...extra }] });
}

/** Builds a valid body whose only container has the given resources. */
function withResources(resources: unknown): Record<string, unknown> {
  return withContainer({ resources });
}

function expectValid(result: ValidationResult): TemplateContent {
  if (!result.ok) {
    throw new Error(`expected the body to be valid, got ${JSON.stringify(result.errors)}`);
  }
  return result.content;
}

function expectInvalid(result: ValidationResult): FieldError[] {
  if (result.ok) {
    throw new Error(`expected validation failures, got valid content ${JSON.stringify(result.content)}`);
  }
  return result.errors;
}

/** Returns the codes of the failures reported for one field. */
function codesAt(result: ValidationResult, field: string): string[] {
  return expectInvalid(result)
    .filter((error) => error.field === field)
    .map((error) => error.code);
}

function fieldsOf(result: ValidationResult): string[] {
  return expectInvalid(result).map((error) => error.field);
}

/** Renders failures as the `errors` list of the problem document that the API sends. */
function renderedErrors(errors: readonly FieldError[], language: Language = 'en'): { field: string; message: string; code: string }[] {
  const problem = renderProblem(validationFailed(errors), language, 'test-request');
  return problem.errors as { field: string; message: string; code: string }[];
}

/** Returns the message of the first failure reported for a field, or of the one with the given code. */
function messageAt(result: ValidationResult, field: string, language: Language = 'en', code?: string): string {
  const entry = renderedErrors(expectInvalid(result), language).find(
    (error) => error.field === field && (code === undefined || error.code === code),
  );
  if (entry === undefined) {
    throw new Error(`no ${code ?? 'failure'} reported for ${field}: ${JSON.stringify(expectInvalid(result))}`);
  }
  return entry.message;
}

const STORED: JobTemplate = {
  id: 'wf-tmpl-job-0a1b2c',
  name: 'job',
  description: 'd',
  scope: 'project',
  project_id: 'proj-a',
  containers: [
    { name: 'main', image: 'busybox:1.36', command: ['sh', '-c'], env_vars: [{ name: 'A', value: '1' }] },
    { name: 'side', image: 'alpine:3.20', args: ['-c', 'true'] },
  ],
  ttl_seconds_after_finished: 1800,
  backoff_limit: 5,
  labels: { team: 'data' },
  revision: 1,
  created_by: 'user-admin',
  updated_by: 'user-admin',
  created_at: '2026-02-25T10:00:00.000Z',
  updated_at: '2026-02-25T10:00:00.000Z',
};

const STORED_CONTENT: TemplateContent = {
  name: STORED.name,
  description: STORED.description,
  scope: STORED.scope,
  project_id: STORED.project_id,
  containers: STORED.containers,
  ttl_seconds_after_finished: STORED.ttl_seconds_after_finished,
  backoff_limit: STORED.backoff_limit,
  labels: STORED.labels,
};

const STORED_GLOBAL: JobTemplate = { ...STORED, id: 'wf-tmpl-job-3d4e5f', scope: 'global', project_id: null };

describe('validateCreateBody: defaults and body shape', () => {
  it('fills defaults for a minimal body', () => {
    const content = expectValid(validateCreateBody({ name: 'job', project_id: 'proj-a', containers: [CTR] }));

    expect(content).toEqual({
      name: 'job',
      description: null,
      scope: 'project',
      project_id: 'proj-a',
      containers: [CTR],
      ttl_seconds_after_finished: 3600,
      backoff_limit: 3,
      labels: {},
    });
  });

  it('keeps every given field', () => {
    const container = {
      name: 'main',
      image: 'my-job:latest',
      command: ['/bin/run.sh'],
      args: ['--fast'],
      env_vars: [{ name: 'BATCH_SIZE', value: '100' }],
      working_dir: '/work',
      image_pull_policy: 'IfNotPresent',
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi', 'nvidia.com/gpu': '1' } },
    };
    const content = expectValid(
      validateCreateBody({
        name: 'my-job-template',
        description: 'My batch job',
        scope: 'project',
        project_id: 'proj-001',
        containers: [container],
        ttl_seconds_after_finished: 1800,
        backoff_limit: 5,
      }),
    );

    expect(content).toEqual({
      name: 'my-job-template',
      description: 'My batch job',
      scope: 'project',
      project_id: 'proj-001',
      containers: [container],
      ttl_seconds_after_finished: 1800,
      backoff_limit: 5,
      labels: {},
    });
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'job'],
    ['a number', 5],
    ['a boolean', true],
  ])('body that is %s is rejected as a whole', (_label, value) => {
    const result = validateCreateBody(value);

    expect(expectInvalid(result)).toEqual([expect.objectContaining({ field: '', code: 'invalid_type' })]);
    expect(messageAt(result, '')).toContain('JSON object');
  });

  it.each(['id', 'created_by', 'created_at', 'updated_by', 'updated_at'])('read-only field %s is rejected', (field) => {
    const result = validateCreateBody(body({ [field]: 'x' }));

    expect(codesAt(result, field)).toEqual(['read_only']);
  });
});

describe('validateCreateBody: name', () => {
  it.each([
    ['missing', {}],
    ['null', { name: null }],
  ])('name %s is required', (_label, extra) => {
    const request = body(extra);
    if (!('name' in extra)) {
      delete request.name;
    }

    expect(codesAt(validateCreateBody(request), 'name')).toEqual(['required']);
  });

  it('empty name is too short', () => {
    expect(codesAt(validateCreateBody(body({ name: '' })), 'name')).toEqual(['too_short']);
  });

  it.each([123, true, ['job'], { text: 'job' }])('name of type %j is rejected', (name) => {
    expect(codesAt(validateCreateBody(body({ name })), 'name')).toEqual(['invalid_type']);
  });

  it('name of 128 ASCII characters is accepted and 129 rejected', () => {
    expect(expectValid(validateCreateBody(body({ name: 'a'.repeat(128) }))).name).toBe('a'.repeat(128));

    const result = validateCreateBody(body({ name: 'a'.repeat(129) }));
    expect(codesAt(result, 'name')).toEqual(['too_long']);
    expect(messageAt(result, 'name')).toContain('129');
  });

  it('name length counts code points, not UTF-16 units', () => {
    const emoji = '\u{1F600}';

    expect(expectValid(validateCreateBody(body({ name: emoji.repeat(128) }))).name).toBe(emoji.repeat(128));

    const result = validateCreateBody(body({ name: emoji.repeat(129) }));
    expect(codesAt(result, 'name')).toEqual(['too_long']);
    expect(messageAt(result, 'name')).toContain('has 129 characters');
  });

  it('name of 128 Chinese characters is accepted and 129 rejected', () => {
    expect(validateCreateBody(body({ name: '任'.repeat(128) })).ok).toBe(true);
    expect(codesAt(validateCreateBody(body({ name: '任'.repeat(129) })), 'name')).toEqual(['too_long']);
  });

  it('name is normalised to NFC', () => {
    const content = expectValid(validateCreateBody(body({ name: 'cafe\u0301' })));

    expect(content.name).toBe('caf\u00e9');
  });

  it('name length is measured after NFC', () => {
    // 256 code points as sent, 128 after composition.
    const decomposed = 'e\u0301'.repeat(128);

    expect(expectValid(validateCreateBody(body({ name: decomposed }))).name).toBe('\u00e9'.repeat(128));
    expect(codesAt(validateCreateBody(body({ name: 'e\u0301'.repeat(129) })), 'name')).toEqual(['too_long']);
  });

  it.each([
    ['U+0001', 'a\u0001b'],
    ['tab', 'a\tb'],
    ['line feed', 'a\nb'],
    ['carriage return', 'a\rb'],
    ['escape', 'a\u001bb'],
    ['delete', 'a\u007fb'],
    ['next line', 'a\u0085b'],
    ['C1 control U+009F', 'a\u009fb'],
  ])('name with control character %s is rejected', (_label, name) => {
    const result = validateCreateBody(body({ name }));

    expect(codesAt(result, 'name')).toEqual(['invalid_text']);
    expect(messageAt(result, 'name')).toContain('control character');
  });

  it('name with NUL is rejected', () => {
    const result = validateCreateBody(body({ name: 'a\u0000b' }));

    expect(codesAt(result, 'name')).toEqual(['invalid_text']);
    expect(messageAt(result, 'name')).toContain('U+0000');
  });

  it.each([
    ['lone high surrogate inside', 'a\uD800b'],
    ['lone high surrogate at the end', 'job\uD83D'],
    ['lone low surrogate at the start', '\uDE00job'],
    ['reversed pair', 'a\uDE00\uD83Db'],
  ])('name with %s is rejected', (_label, name) => {
    const result = validateCreateBody(body({ name }));

    expect(codesAt(result, 'name')).toEqual(['invalid_text']);
    expect(messageAt(result, 'name')).toContain('unpaired UTF-16 surrogate');
  });

  it('name with a surrogate pair is accepted', () => {
    expect(expectValid(validateCreateBody(body({ name: 'job \uD83D\uDE00' }))).name).toBe('job \u{1F600}');
  });

  it.each([
    ['leading space', ' job'],
    ['trailing space', 'job '],
    ['only a space', ' '],
    ['leading tab', '\tjob'],
    ['trailing line feed', 'job\n'],
    ['leading no-break space', '\u00a0job'],
    ['trailing em space', 'job\u2003'],
    ['leading line separator', '\u2028job'],
    ['trailing narrow no-break space', 'job\u202f'],
    ['leading ideographic space', '\u3000任务'],
    ['trailing ideographic space', '任务\u3000'],
    ['only an ideographic space', '\u3000'],
  ])('name with %s is rejected', (_label, name) => {
    const result = validateCreateBody(body({ name }));
    const messages = renderedErrors(expectInvalid(result)).map((error) => error.message);

    expect(codesAt(result, 'name')).toContain('invalid_text');
    expect(messages).toContainEqual(expect.stringContaining('leading or trailing white space'));
  });

  it('name with a leading tab reports the control character and the white space', () => {
    const messages = renderedErrors(expectInvalid(validateCreateBody(body({ name: '\tjob' })))).map((error) => error.message);

    expect(messages).toHaveLength(2);
    expect(messages).toContainEqual(expect.stringContaining('control character'));
    expect(messages).toContainEqual(expect.stringContaining('leading or trailing white space'));
  });

  it('name with NUL and a trailing space reports both failures', () => {
    const messages = renderedErrors(expectInvalid(validateCreateBody(body({ name: 'a\u0000b ' })))).map((error) => error.message);

    expect(messages).toHaveLength(2);
    expect(messages).toContainEqual(expect.stringContaining('U+0000'));
    expect(messages).toContainEqual(expect.stringContaining('leading or trailing white space'));
  });

  it('name with NUL and a tab reports both characters', () => {
    const messages = renderedErrors(expectInvalid(validateCreateBody(body({ name: 'a\u0000b\tc' })))).map((error) => error.message);

    expect(messages).toHaveLength(2);
    expect(messages).toContainEqual(expect.stringContaining('U+0000'));
    expect(messages).toContainEqual(expect.stringContaining('control character'));
  });

  it('name with an unpaired surrogate reports its other failures too', () => {
    const messages = renderedErrors(expectInvalid(validateCreateBody(body({ name: ' a\uD800\u0000\u0001' })))).map((error) => error.message);

    expect(messages).toHaveLength(4);
    expect(messages).toContainEqual(expect.stringContaining('unpaired UTF-16 surrogate'));
    expect(messages).toContainEqual(expect.stringContaining('U+0000'));
    expect(messages).toContainEqual(expect.stringContaining('control character'));
    expect(messages).toContainEqual(expect.stringContaining('leading or trailing white space'));
  });

  it('value with an unpaired surrogate and NUL reports both', () => {
    const result = validateCreateBody(withContainer({ working_dir: '/a\u0000\uDC00' }));

    expect(codesAt(result, 'containers[0].working_dir')).toEqual(['invalid_text', 'invalid_text']);
  });

  it.each([
    ['inner space', 'my job'],
    ['inner ideographic space', '数据\u3000处理'],
    ['Chinese', '数据处理任务'],
    ['mixed Chinese and Latin', 'ETL 任务 v2'],
    ['Japanese', 'バッチ処理'],
    ['Korean', '배치 작업'],
    ['Arabic', 'مهمة دفعية'],
    ['Cyrillic', 'пакетная задача'],
    ['punctuation', 'job (nightly) #1: a/b_c.d'],
    ['single character', 'x'],
  ])('name with %s is accepted', (_label, name) => {
    expect(expectValid(validateCreateBody(body({ name }))).name).toBe(name);
  });
});

describe('validateCreateBody: description', () => {
  it('description of 4096 code points is accepted and 4097 rejected', () => {
    expect(expectValid(validateCreateBody(body({ description: 'd'.repeat(4096) }))).description).toBe('d'.repeat(4096));
    expect(codesAt(validateCreateBody(body({ description: 'd'.repeat(4097) })), 'description')).toEqual(['too_long']);
  });

  it('description length counts code points, not UTF-16 units', () => {
    const emoji = '\u{1F680}';

    expect(validateCreateBody(body({ description: emoji.repeat(4096) })).ok).toBe(true);
    expect(codesAt(validateCreateBody(body({ description: emoji.repeat(4097) })), 'description')).toEqual(['too_long']);
  });

  it('description may contain line breaks and be empty', () => {
    expect(expectValid(validateCreateBody(body({ description: 'line 1\nline 2\ttabbed' }))).description).toBe('line 1\nline 2\ttabbed');
    expect(expectValid(validateCreateBody(body({ description: '' }))).description).toBe('');
  });

  it('description null is returned as null', () => {
    expect(expectValid(validateCreateBody(body({ description: null }))).description).toBeNull();
  });

  it('description of a wrong type is rejected', () => {
    expect(codesAt(validateCreateBody(body({ description: 42 })), 'description')).toEqual(['invalid_type']);
  });
});

describe('validateCreateBody: scope and project_id', () => {
  it('default scope is project and needs a project_id', () => {
    const result = validateCreateBody({ name: 'job', containers: [CTR] });

    expect(codesAt(result, 'project_id')).toEqual(['scope_requires_project']);
    expect(messageAt(result, 'project_id')).toContain('required when scope is "project"');
  });

  it.each([
    ['absent', {}],
    ['null', { project_id: null }],
  ])('project scope with project_id %s is rejected', (_label, extra) => {
    const request = body(extra);
    if (!('project_id' in extra)) {
      delete request.project_id;
    }

    expect(codesAt(validateCreateBody(request), 'project_id')).toEqual(['scope_requires_project']);
  });

  it('project scope with an empty project_id is rejected', () => {
    const result = validateCreateBody(body({ project_id: '' }));

    expect(codesAt(result, 'project_id')).toContain('too_short');
  });

  it('scope null means the default scope project', () => {
    const content = expectValid(validateCreateBody(body({ scope: null })));

    expect(content.scope).toBe('project');
    expect(content.project_id).toBe('proj-a');
  });

  it.each([
    ['absent', {}],
    ['null', { project_id: null }],
  ])('global scope with project_id %s is accepted', (_label, extra) => {
    const content = expectValid(validateCreateBody({ name: 'job', scope: 'global', containers: [CTR], ...extra }));

    expect(content.scope).toBe('global');
    expect(content.project_id).toBeNull();
  });

  it.each(['proj-a', ''])('global scope with project_id %j is rejected', (projectId) => {
    const result = validateCreateBody({ name: 'job', scope: 'global', project_id: projectId, containers: [CTR] });

    expect(codesAt(result, 'project_id')).toContain('global_forbids_project');
    expect(messageAt(result, 'project_id', 'en', 'global_forbids_project')).toContain('absent or null when scope is "global"');
  });

  it.each(['Global', 'GLOBAL', 'team', ''])('scope %j is rejected with the allowed values', (scope) => {
    const result = validateCreateBody(body({ scope }));

    expect(codesAt(result, 'scope')).toEqual(['invalid_value']);
    expect(messageAt(result, 'scope')).toContain(JSON.stringify(scope));
    expect(messageAt(result, 'scope')).toContain('"global", "project"');
  });

  it.each(['proj-a', 'A.b_c-9', '1', 'x'.repeat(128), '...', 'PROJ_001'])('project_id %j is accepted', (projectId) => {
    expect(expectValid(validateCreateBody(body({ project_id: projectId }))).project_id).toBe(projectId);
  });

  it.each(['proj a', 'proj/a', 'proj:a', 'проект', '项目', 'proj-a\n', 'a+b'])('project_id %j is rejected', (projectId) => {
    const result = validateCreateBody(body({ project_id: projectId }));

    expect(codesAt(result, 'project_id')).toEqual(['invalid_format']);
    expect(messageAt(result, 'project_id')).toContain('letters, digits');
  });

  it('project_id of 129 characters is rejected', () => {
    expect(codesAt(validateCreateBody(body({ project_id: 'x'.repeat(129) })), 'project_id')).toEqual(['too_long']);
  });

  it('project_id of a wrong type is rejected', () => {
    expect(codesAt(validateCreateBody(body({ project_id: 7 })), 'project_id')).toContain('invalid_type');
  });
});

describe('validateCreateBody: containers', () => {
  it.each([
    ['missing', undefined],
    ['null', null],
  ])('containers %s are required', (_label, containers) => {
    const request = body();
    if (containers === undefined) {
      delete request.containers;
    } else {
      request.containers = containers;
    }

    expect(codesAt(validateCreateBody(request), 'containers')).toEqual(['required']);
  });

  it('empty containers list is rejected', () => {
    expect(codesAt(validateCreateBody(body({ containers: [] })), 'containers')).toEqual(['too_few_items']);
  });

  it('32 containers are accepted and 33 rejected', () => {
    const containers = (count: number) => Array.from({ length: count }, (_, index) => ({ name: `c${index}`, image: 'busybox' }));

    expect(expectValid(validateCreateBody(body({ containers: containers(32) }))).containers).toHaveLength(32);

    const result = validateCreateBody(body({ containers: containers(33) }));
    expect(codesAt(result, 'containers')).toEqual(['too_many_items']);
    expect(messageAt(result, 'containers')).toContain('33');
  });

  it.each([{ name: 'main' }, 'busybox', 5])('containers that are not an array (%j) are rejected', (containers) => {
    expect(codesAt(validateCreateBody(body({ containers })), 'containers')).toEqual(['invalid_type']);
  });

  it.each([null, 'main', 1, ['main']])('container item %j is rejected', (item) => {
    expect(codesAt(validateCreateBody(body({ containers: [CTR, item] })), 'containers[1]')).toEqual(['invalid_type']);
  });

  it('duplicate container names are rejected on each repeat', () => {
    const result = validateCreateBody(
      body({ containers: [CTR, { name: 'side', image: 'alpine' }, { ...CTR }, { ...CTR, image: 'other' }] }),
    );

    expect(fieldsOf(result)).toEqual(['containers[2].name', 'containers[3].name']);
    expect(codesAt(result, 'containers[2].name')).toEqual(['duplicate']);
    expect(messageAt(result, 'containers[2].name')).toContain('containers[0].name');
  });

  it('container name and image are required', () => {
    const result = validateCreateBody(body({ containers: [{}] }));

    expect(codesAt(result, 'containers[0].name')).toEqual(['required']);
    expect(codesAt(result, 'containers[0].image')).toEqual(['required']);
  });
});

describe('validateCreateBody: container name', () => {
  it.each(['main', 'a', '0', 'log-shipper', 'a1-b2', '9lives', 'a--b', 'a'.repeat(63)])('container name %j is accepted', (name) => {
    expect(validateCreateBody(withContainer({ name })).ok).toBe(true);
  });

  it.each(['Main', '-main', 'main-', 'ma_in', 'ma.in', 'main ', ' main', 'mäin', '任务', '-', 'a/b'])(
    'container name %j is rejected with the DNS-1123 form',
    (name) => {
      const result = validateCreateBody(withContainer({ name }));

      expect(codesAt(result, 'containers[0].name')).toEqual(['invalid_format']);
      expect(messageAt(result, 'containers[0].name')).toContain('DNS-1123 label');
      expect(messageAt(result, 'containers[0].name')).toContain(JSON.stringify(name));
    },
  );

  it('empty container name is rejected', () => {
    expect(codesAt(validateCreateBody(withContainer({ name: '' })), 'containers[0].name')).toContain('invalid_format');
  });

  it('container name of 64 characters is rejected', () => {
    expect(codesAt(validateCreateBody(withContainer({ name: 'a'.repeat(64) })), 'containers[0].name')).toEqual(['too_long']);
  });
});

describe('validateCreateBody: image', () => {
  it.each([
    'busybox',
    'busybox:1.36',
    'registry.example.com:5000/team/app:v1.2.3',
    'ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    '$IMAGE_URL',
    'a'.repeat(1024),
  ])('image %j is accepted', (image) => {
    expect(validateCreateBody(withContainer({ image })).ok).toBe(true);
  });

  it('empty image is rejected', () => {
    const result = validateCreateBody(withContainer({ image: '' }));

    expect(codesAt(result, 'containers[0].image')).toContain('too_short');
  });

  it.each([
    ['leading space', ' busybox'],
    ['inner space', 'busy box'],
    ['trailing tab', 'busybox\t'],
    ['line feed', 'busybox\n:1'],
    ['no-break space', 'busybox\u00a0:1'],
    ['ideographic space', 'busybox\u3000'],
    ['next line', 'busybox\u0085:1'],
    ['only a space', ' '],
  ])('image with %s is rejected', (_label, image) => {
    const result = validateCreateBody(withContainer({ image }));

    expect(codesAt(result, 'containers[0].image')).toEqual(['invalid_format']);
    expect(messageAt(result, 'containers[0].image')).toContain('without white space');
  });

  it.each([
    ['zero-width no-break space U+FEFF', 'busybox\ufeff:1'],
    ['zero-width space U+200B', 'busybox\u200b:1'],
    ['mongolian vowel separator U+180E', 'busybox\u180e:1'],
  ])('image with %s is accepted', (_label, image) => {
    expect(expectValid(validateCreateBody(withContainer({ image }))).containers[0]?.image).toBe(image);
  });

  it('image of 1025 characters is rejected', () => {
    expect(codesAt(validateCreateBody(withContainer({ image: 'a'.repeat(1025) })), 'containers[0].image')).toEqual(['too_long']);
  });

  it('image of a wrong type is rejected', () => {
    expect(codesAt(validateCreateBody(withContainer({ image: 1 })), 'containers[0].image')).toEqual(['invalid_type']);
  });
});

describe('validateCreateBody: command, args and working_dir', () => {
  it.each(['command', 'args'])('%s of 256 items is accepted and 257 rejected', (field) => {
    const items = (count: number) => Array.from({ length: count }, (_, index) => `item-${index}`);

    expect(validateCreateBody(withContainer({ [field]: items(256) })).ok).toBe(true);

    const result = validateCreateBody(withContainer({ [field]: items(257) }));
    expect(codesAt(result, `containers[0].${field}`)).toEqual(['too_many_items']);
  });

  it.each(['command', 'args'])('%s items must be strings', (field) => {
    const result = validateCreateBody(withContainer({ [field]: ['sh', 1, null] }));

    expect(codesAt(result, `containers[0].${field}[1]`)).toEqual(['invalid_type']);
    expect(codesAt(result, `containers[0].${field}[2]`)).toEqual(['invalid_type']);
  });

  it.each(['command', 'args'])('%s must be an array', (field) => {
    expect(codesAt(validateCreateBody(withContainer({ [field]: 'sh -c true' })), `containers[0].${field}`)).toEqual(['invalid_type']);
  });

  it('empty command list and empty strings are kept', () => {
    const content = expectValid(validateCreateBody(withContainer({ command: [], args: [''] })));

    expect(content.containers[0]).toEqual({ ...CTR, command: [], args: [''] });
  });

  it('working_dir must be a string', () => {
    expect(expectValid(validateCreateBody(withContainer({ working_dir: '/work' }))).containers[0]?.working_dir).toBe('/work');
    expect(codesAt(validateCreateBody(withContainer({ working_dir: 1 })), 'containers[0].working_dir')).toEqual(['invalid_type']);
  });
});

describe('validateCreateBody: env_vars', () => {
  it.each(['A', 'BATCH_SIZE', 'my.env-name', '_X1', '_', '-a', '.a', 'a..b', 'a.', 'a'.repeat(300)])('env var name %j is accepted', (name) => {
    expect(validateCreateBody(withContainer({ env_vars: [{ name, value: 'x' }] })).ok).toBe(true);
  });

  it.each(['0123', '1A', '.', '..', '..a', '...', 'A=B', 'A B', 'ÄB', '$A', 'a\u0000b'])(
    'env var name %j is rejected with the allowed form',
    (name) => {
      const result = validateCreateBody(withContainer({ env_vars: [{ name, value: 'x' }] }));

      expect(codesAt(result, 'containers[0].env_vars[0].name')).toContain('invalid_format');
      expect(messageAt(result, 'containers[0].env_vars[0].name')).toContain('environment variable name');
    },
  );

  it('env var name message quotes the value', () => {
    const result = validateCreateBody(withContainer({ env_vars: [{ name: '0123', value: 'x' }] }));

    expect(messageAt(result, 'containers[0].env_vars[0].name')).toContain('"0123"');
  });

  it('empty env var name is rejected', () => {
    expect(codesAt(validateCreateBody(withContainer({ env_vars: [{ name: '' }] })), 'containers[0].env_vars[0].name')).toEqual([
      'invalid_format',
    ]);
  });

  it.each([
    ['missing', { value: 'x' }],
    ['null', { name: null, value: 'x' }],
  ])('env var name %s is required', (_label, envVar) => {
    expect(codesAt(validateCreateBody(withContainer({ env_vars: [envVar] })), 'containers[0].env_vars[0].name')).toEqual(['required']);
  });

  it('256 env vars are accepted and 257 rejected', () => {
    const envVars = (count: number) => Array.from({ length: count }, (_, index) => ({ name: `V${index}` }));

    expect(validateCreateBody(withContainer({ env_vars: envVars(256) })).ok).toBe(true);
    expect(codesAt(validateCreateBody(withContainer({ env_vars: envVars(257) })), 'containers[0].env_vars')).toEqual(['too_many_items']);
  });

  it('duplicate env var names in one container are rejected', () => {
    const result = validateCreateBody(
      withContainer({ env_vars: [{ name: 'A', value: '1' }, { name: 'B' }, { name: 'A', value: '2' }] }),
    );

    expect(fieldsOf(result)).toEqual(['containers[0].env_vars[2].name']);
    expect(codesAt(result, 'containers[0].env_vars[2].name')).toEqual(['duplicate']);
    expect(messageAt(result, 'containers[0].env_vars[2].name')).toContain('containers[0].env_vars[0].name');
  });

  it('env var names differing in case are distinct', () => {
    expect(validateCreateBody(withContainer({ env_vars: [{ name: 'path' }, { name: 'PATH' }] })).ok).toBe(true);
  });

  it('same env var name in two containers is accepted', () => {
    const envVars = [{ name: 'A', value: '1' }];
    const request = body({ containers: [{ ...CTR, env_vars: envVars }, { name: 'side', image: 'alpine', env_vars: envVars }] });

    expect(validateCreateBody(request).ok).toBe(true);
  });

  it('env var value defaults to the empty string', () => {
    const content = expectValid(
      validateCreateBody(withContainer({ env_vars: [{ name: 'ABSENT' }, { name: 'NULL', value: null }, { name: 'EMPTY', value: '' }] })),
    );

    expect(content.containers[0]?.env_vars).toEqual([
      { name: 'ABSENT', value: '' },
      { name: 'NULL', value: '' },
      { name: 'EMPTY', value: '' },
    ]);
  });

  it.each([1, true, ['x'], { text: 'x' }])('env var value %j must be a string', (value) => {
    expect(codesAt(validateCreateBody(withContainer({ env_vars: [{ name: 'A', value }] })), 'containers[0].env_vars[0].value')).toEqual([
      'invalid_type',
    ]);
  });

  it('env_vars must be an array of objects', () => {
    expect(codesAt(validateCreateBody(withContainer({ env_vars: { A: '1' } })), 'containers[0].env_vars')).toEqual(['invalid_type']);
    expect(codesAt(validateCreateBody(withContainer({ env_vars: ['A=1'] })), 'containers[0].env_vars[0]')).toEqual(['invalid_type']);
  });
});

describe('validateCreateBody: env var values are never echoed', () => {
  const SECRET = 'hunter2-S3CR3T-value';

  it.each([
    ['a value of a wrong type', [{ name: 'A', value: [SECRET] }]],
    ['a value object', [{ name: 'A', value: { secret: SECRET } }]],
    ['an invalid name', [{ name: '0BAD', value: SECRET }]],
    ['a duplicate name', [{ name: 'A', value: SECRET }, { name: 'A', value: SECRET }]],
    ['an unknown key beside the value', [{ name: 'A', value: SECRET, valu: SECRET }]],
    ['an unpaired surrogate in the value', [{ name: 'A', value: `${SECRET}\uD800` }]],
    ['a NUL in the value', [{ name: 'A', value: `${SECRET}\u0000` }]],
    ['a misspelt value key', [{ name: 'A', valu: 'other' }, { name: 'B', value: SECRET, extra: 1 }]],
  ])('failure with %s keeps the value out of every message', (_label, envVars) => {
    const result = validateCreateBody(withContainer({ env_vars: envVars }));
    const errors = expectInvalid(result);

    expect(errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(errors)).not.toContain(SECRET);
    expect(JSON.stringify(renderedErrors(errors, 'en'))).not.toContain(SECRET);
    expect(JSON.stringify(renderedErrors(errors, 'zh'))).not.toContain(SECRET);
  });

  it('update failures keep the value out of every message', () => {
    const result = validateUpdateBody(STORED, { containers: [{ ...CTR, env_vars: [{ name: 'A', value: 5 }, { name: 'A', value: SECRET }] }] });
    const errors = expectInvalid(result);

    expect(JSON.stringify(renderedErrors(errors, 'en'))).not.toContain(SECRET);
    expect(JSON.stringify(renderedErrors(errors, 'zh'))).not.toContain(SECRET);
  });
});

describe('validateCreateBody: image_pull_policy', () => {
  it.each(['Always', 'IfNotPresent', 'Never'])('image_pull_policy %s is accepted', (policy) => {
    expect(expectValid(validateCreateBody(withContainer({ image_pull_policy: policy }))).containers[0]?.image_pull_policy).toBe(policy);
  });

  it.each(['always', 'ifnotpresent', 'Sometimes', '', 1])('image_pull_policy %j is rejected with the allowed values', (policy) => {
    const result = validateCreateBody(withContainer({ image_pull_policy: policy }));

    expect(codesAt(result, 'containers[0].image_pull_policy')).toEqual(['invalid_value']);
    expect(messageAt(result, 'containers[0].image_pull_policy')).toContain('"Always", "IfNotPresent", "Never"');
  });
});

describe('validateCreateBody: resources', () => {
  it.each(['500m', '1', '1.5', '0.1', '0', '2', '1e3', '1E3', '100n', '250u', '1k', '+1', '.5', '5.', '10M'])('cpu %j is accepted', (cpu) => {
    expect(validateCreateBody(withResources({ requests: { cpu } })).ok).toBe(true);
  });

  it.each(['2Gi', '1000Mi', '128974848', '129e6', '123M', '1Ki', '1Ti', '1Pi', '1Ei', '1.5Gi'])('memory %j is accepted', (memory) => {
    expect(validateCreateBody(withResources({ limits: { memory } })).ok).toBe(true);
  });

  it.each(['abc', '1.5.5', '1 Gi', ' 1', '1GB', '1gi', '1ki', 'Gi', '', '.', '1e3.5', '1e', '0x10', '1,5', '1/2', '∞', 'NaN'])(
    'quantity %j is rejected',
    (text) => {
      const result = validateCreateBody(withResources({ limits: { memory: text } }));

      expect(codesAt(result, 'containers[0].resources.limits.memory')).toEqual(['invalid_quantity']);
      expect(messageAt(result, 'containers[0].resources.limits.memory')).toContain('not a valid Kubernetes quantity');
    },
  );

  it.each(['-1', '-500m', '-1Gi'])('negative quantity %j is rejected', (text) => {
    const result = validateCreateBody(withResources({ requests: { cpu: text } }));

    expect(codesAt(result, 'containers[0].resources.requests.cpu')).toEqual(['invalid_quantity']);
    expect(messageAt(result, 'containers[0].resources.requests.cpu')).toContain('negative');
  });

  it.each([
    ['cpu', 1],
    ['cpu', 0.5],
    ['memory', 1024],
    ['nvidia.com/gpu', 1],
  ])('%s as a JSON number is rejected', (resource, value) => {
    const result = validateCreateBody(withResources({ limits: { [resource]: value } }));
    const field = resource === 'nvidia.com/gpu' ? 'containers[0].resources.limits["nvidia.com/gpu"]' : `containers[0].resources.limits.${resource}`;

    expect(codesAt(result, field)).toEqual(['invalid_type']);
    expect(messageAt(result, field)).toContain('must be a string');
  });

  it.each([
    ['memory', '1000Mi', '1Gi'],
    ['memory', '1Gi', '1024Mi'],
    ['memory', '1G', '1Gi'],
    ['memory', '1Gi', '1Gi'],
    ['cpu', '500m', '1'],
    ['cpu', '1', '1000m'],
    ['cpu', '0.5', '500m'],
    ['cpu', '1e3', '1k'],
    ['cpu', '0', '0'],
    ['nvidia.com/gpu', '1', '2'],
  ])('%s request %s within limit %s is accepted', (resource, request, limit) => {
    const result = validateCreateBody(withResources({ requests: { [resource]: request }, limits: { [resource]: limit } }));

    expect(expectValid(result).containers[0]?.resources).toEqual({ requests: { [resource]: request }, limits: { [resource]: limit } });
  });

  it.each([
    ['memory', '1Gi', '1000Mi'],
    ['memory', '1Gi', '1G'],
    ['memory', '1025Mi', '1Gi'],
    ['cpu', '1', '500m'],
    ['cpu', '2', '1999m'],
    ['cpu', '1001m', '1'],
    ['cpu', '1e3', '999'],
  ])('%s request %s above limit %s is rejected', (resource, request, limit) => {
    const result = validateCreateBody(withResources({ requests: { [resource]: request }, limits: { [resource]: limit } }));
    const field = `containers[0].resources.requests.${resource}`;

    expect(fieldsOf(result)).toEqual([field]);
    expect(codesAt(result, field)).toEqual(['request_exceeds_limit']);
    expect(messageAt(result, field)).toContain(JSON.stringify(request));
    expect(messageAt(result, field)).toContain(JSON.stringify(limit));
  });

  it('GPU request above limit is rejected', () => {
    const result = validateCreateBody(withResources({ requests: { 'nvidia.com/gpu': '2' }, limits: { 'nvidia.com/gpu': '1' } }));

    expect(codesAt(result, 'containers[0].resources.requests["nvidia.com/gpu"]')).toEqual(['request_exceeds_limit']);
  });

  it('request and limit of different resources are not compared', () => {
    expect(validateCreateBody(withResources({ requests: { cpu: '64' }, limits: { memory: '1Mi' } })).ok).toBe(true);
  });

  it('request without limit and limit without request are accepted', () => {
    expect(validateCreateBody(withResources({ requests: { cpu: '100' } })).ok).toBe(true);
    expect(validateCreateBody(withResources({ limits: { cpu: '1m' } })).ok).toBe(true);
    expect(validateCreateBody(withResources({})).ok).toBe(true);
  });

  it.each(['0', '1', '8', '1000m', '1k', '2e0', '1.0'])('whole GPU count %j is accepted', (count) => {
    expect(validateCreateBody(withResources({ limits: { 'nvidia.com/gpu': count } })).ok).toBe(true);
  });

  it.each(['0.5', '1500m', '1e-1', '1.5', '100m'])('fractional GPU count %j is rejected', (count) => {
    const field = 'containers[0].resources.limits["nvidia.com/gpu"]';
    const result = validateCreateBody(withResources({ limits: { 'nvidia.com/gpu': count } }));

    expect(codesAt(result, field)).toEqual(['not_whole_number']);
    expect(messageAt(result, field)).toContain('whole numbers');
  });

  it('invalid GPU quantity is rejected as a quantity', () => {
    expect(codesAt(validateCreateBody(withResources({ requests: { 'nvidia.com/gpu': 'one' } })), 'containers[0].resources.requests["nvidia.com/gpu"]')).toEqual([
      'invalid_quantity',
    ]);
  });

  it.each(['ephemeral-storage', 'amd.com/gpu', 'CPU'])('resource %j is an unknown field', (resource) => {
    const result = validateCreateBody(withResources({ limits: { [resource]: '1' } }));
    const expected = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(resource)
      ? `containers[0].resources.limits.${resource}`
      : `containers[0].resources.limits[${JSON.stringify(resource)}]`;

    expect(codesAt(result, expected)).toEqual(['unknown_field']);
  });

  it('resources and resource lists must be objects', () => {
    expect(codesAt(validateCreateBody(withResources('1 cpu')), 'containers[0].resources')).toEqual(['invalid_type']);
    expect(codesAt(validateCreateBody(withResources({ limits: ['1'] })), 'containers[0].resources.limits')).toEqual(['invalid_type']);
  });

  it('each container is checked on its own', () => {
    const request = body({
      containers: [
        { ...CTR, resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } },
        { name: 'side', image: 'alpine', resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } },
      ],
    });

    expect(fieldsOf(validateCreateBody(request))).toEqual([
      'containers[0].resources.requests.cpu',
      'containers[1].resources.requests.memory',
    ]);
  });
});

describe('validateCreateBody: health checks', () => {
  it.each(['liveness_probe', 'readiness_probe', 'startup_probe'])('%s is rejected as a health check', (probe) => {
    const result = validateCreateBody(withContainer({ [probe]: { exec: { command: ['true'] } } }));

    expect(codesAt(result, `containers[0].${probe}`)).toEqual(['health_check_not_supported']);
    expect(messageAt(result, `containers[0].${probe}`)).toContain('do not support health checks');
    expect(messageAt(result, `containers[0].${probe}`, 'zh')).toContain('不支持健康检查');
  });

  it('null probe is still rejected', () => {
    expect(codesAt(validateCreateBody(withContainer({ liveness_probe: null })), 'containers[0].liveness_probe')).toEqual([
      'health_check_not_supported',
    ]);
  });

  it('probe in the second container is named by its path', () => {
    const request = body({ containers: [CTR, { name: 'side', image: 'alpine', readiness_probe: {} }] });

    expect(codesAt(validateCreateBody(request), 'containers[1].readiness_probe')).toEqual(['health_check_not_supported']);
  });
});

describe('validateCreateBody: unknown fields', () => {
  it.each([
    ['top level', body({ foo: 1 }), 'foo'],
    ['top level, not an identifier', body({ 'my-field': 1 }), '["my-field"]'],
    ['container', withContainer({ imagex: 'busybox' }), 'containers[0].imagex'],
    ['container, env for env_vars', withContainer({ env: [{ name: 'A', value: '1' }] }), 'containers[0].env'],
    ['container, camel case', withContainer({ imagePullPolicy: 'Always' }), 'containers[0].imagePullPolicy'],
    ['resources', withResources({ limit: { cpu: '1' } }), 'containers[0].resources.limit'],
    ['resource list', withResources({ limits: { foo: '1' } }), 'containers[0].resources.limits.foo'],
    ['env var', withContainer({ env_vars: [{ name: 'A', valu: 'x' }] }), 'containers[0].env_vars[0].valu'],
    ['second container', body({ containers: [CTR, { name: 'b', image: 'b', volume_mounts: [] }] }), 'containers[1].volume_mounts'],
  ])('unknown field in %s is named by its path', (_label, request, field) => {
    const result = validateCreateBody(request);

    expect(codesAt(result, field)).toEqual(['unknown_field']);
    expect(messageAt(result, field)).toContain('is not a known field');
  });

  it.each([
    ['top level', body({ foo: null }), 'foo'],
    ['container', withContainer({ env: null }), 'containers[0].env'],
    ['resource list', withResources({ limits: { foo: null } }), 'containers[0].resources.limits.foo'],
    ['env var', withContainer({ env_vars: [{ name: 'A', valu: null }] }), 'containers[0].env_vars[0].valu'],
  ])('unknown field set to null in %s is still reported', (_label, request, field) => {
    expect(codesAt(validateCreateBody(request), field)).toEqual(['unknown_field']);
  });

  it('missing image and its misspelt key are both reported', () => {
    const result = validateCreateBody(body({ containers: [{ name: 'main', imagex: 'busybox:1.36' }] }));

    expect(codesAt(result, 'containers[0].imagex')).toEqual(['unknown_field']);
    expect(codesAt(result, 'containers[0].image')).toEqual(['required']);
  });

  it('__proto__ key is reported as an unknown field', () => {
    const request = JSON.parse('{"name":"job","project_id":"p","containers":[{"name":"main","image":"x","__proto__":{"polluted":1}}]}');
    const result = validateCreateBody(request);

    expect(codesAt(result, 'containers[0].__proto__')).toEqual(['unknown_field']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('validateCreateBody: null means not given', () => {
  it('null optional fields at every depth take their default or are omitted', () => {
    const content = expectValid(
      validateCreateBody({
        name: 'job',
        description: null,
        scope: null,
        project_id: 'proj-a',
        containers: [
          {
            name: 'main',
            image: 'busybox',
            command: null,
            args: null,
            env_vars: [{ name: 'A', value: null }],
            working_dir: null,
            image_pull_policy: null,
            resources: { requests: null, limits: { cpu: null, memory: '1Gi', 'nvidia.com/gpu': null } },
          },
          { name: 'side', image: 'alpine', env_vars: null, resources: null },
        ],
        ttl_seconds_after_finished: null,
        backoff_limit: null,
      }),
    );

    expect(content).toEqual({
      name: 'job',
      description: null,
      scope: 'project',
      project_id: 'proj-a',
      containers: [
        { name: 'main', image: 'busybox', env_vars: [{ name: 'A', value: '' }], resources: { limits: { memory: '1Gi' } } },
        { name: 'side', image: 'alpine' },
      ],
      ttl_seconds_after_finished: 3600,
      backoff_limit: 3,
      labels: {},
    });
    expect(Object.keys(content.containers[1] ?? {})).toEqual(['name', 'image']);
  });

  it.each([
    ['container name', withContainer({ name: null }), 'containers[0].name'],
    ['image', withContainer({ image: null }), 'containers[0].image'],
  ])('null required %s is reported as missing', (_label, request, field) => {
    expect(codesAt(validateCreateBody(request), field)).toEqual(['required']);
  });
});

describe('validateCreateBody: ttl_seconds_after_finished and backoff_limit', () => {
  const FIELDS = [
    ['ttl_seconds_after_finished', 3600],
    ['backoff_limit', 3],
  ] as const;

  it.each(FIELDS)('%s of 0 is kept, not replaced by the default', (field) => {
    expect(expectValid(validateCreateBody(body({ [field]: 0 })))[field]).toBe(0);
  });

  it.each(FIELDS)('%s of 2147483647 is accepted', (field) => {
    expect(expectValid(validateCreateBody(body({ [field]: 2_147_483_647 })))[field]).toBe(2_147_483_647);
  });

  it.each(FIELDS)('%s absent or null takes the default', (field, defaultValue) => {
    expect(expectValid(validateCreateBody(body()))[field]).toBe(defaultValue);
    expect(expectValid(validateCreateBody(body({ [field]: null })))[field]).toBe(defaultValue);
  });

  it.each(FIELDS)('%s out of range is rejected', (field) => {
    for (const value of [-1, 2_147_483_648, -2_147_483_648, Number.MAX_SAFE_INTEGER]) {
      const result = validateCreateBody(body({ [field]: value }));

      expect(codesAt(result, field)).toEqual(['out_of_range']);
      expect(messageAt(result, field)).toContain('between 0 and 2147483647');
    }
  });

  it.each(FIELDS)('%s that is not an integer is rejected', (field) => {
    for (const value of [1.5, '10', true, [1], { n: 1 }]) {
      expect(codesAt(validateCreateBody(body({ [field]: value })), field)).toEqual(['invalid_type']);
    }
  });
});

describe('validateCreateBody: reporting', () => {
  it('reports every failure at once', () => {
    const result = validateCreateBody({
      name: ' bad ',
      description: 5,
      scope: 'global',
      project_id: 'proj-a',
      containers: [
        { name: 'Main', image: 'busy box', env_vars: [{ name: '0123' }], liveness_probe: {}, resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } },
        { name: 'Main', imagex: 'x' },
      ],
      ttl_seconds_after_finished: -1,
      backoff_limit: 'three',
      extra: true,
    });

    expect(new Set(fieldsOf(result))).toEqual(
      new Set([
        'name',
        'description',
        'project_id',
        'containers[0].name',
        'containers[0].image',
        'containers[0].env_vars[0].name',
        'containers[0].liveness_probe',
        'containers[0].resources.requests.cpu',
        'containers[1].name',
        'containers[1].image',
        'containers[1].imagex',
        'ttl_seconds_after_finished',
        'backoff_limit',
        'extra',
      ]),
    );
  });

  it('reports each failure of a field once', () => {
    const errors = expectInvalid(validateCreateBody(withContainer({ name: 'Bad_Name' })));
    const keys = errors.map((error) => `${error.field} ${error.code}`);

    expect(new Set(keys).size).toBe(keys.length);
  });

  it('echoed value is cut to 64 characters', () => {
    const long = 'X'.repeat(100);
    const message = messageAt(validateCreateBody(withContainer({ image_pull_policy: long })), 'containers[0].image_pull_policy');

    expect(message).toContain(`"${'X'.repeat(64)}…"`);
    expect(message).not.toContain('X'.repeat(65));
  });

  it('echoed value is cut to 64 code points, not UTF-16 units', () => {
    const emoji = '\u{1F600}';
    const message = messageAt(validateCreateBody(body({ scope: emoji.repeat(100) })), 'scope');

    expect(message).toContain(`"${emoji.repeat(64)}…"`);
    expect(message).not.toContain(emoji.repeat(65));
  });

  it('echoed value of 64 characters is shown whole', () => {
    const exact = 'Y'.repeat(64);
    const message = messageAt(validateCreateBody(withContainer({ image_pull_policy: exact })), 'containers[0].image_pull_policy');

    expect(message).toContain(`"${exact}"`);
    expect(message).not.toContain('…');
  });

  it('long container name is echoed cut in a pattern failure', () => {
    const message = messageAt(validateCreateBody(withContainer({ name: 'A'.repeat(80) })), 'containers[0].name', 'en', 'invalid_format');

    expect(message).toContain(`"${'A'.repeat(64)}…"`);
    expect(message).not.toContain('A'.repeat(65));
  });

  it('messages are written in Chinese on request', () => {
    const result = validateCreateBody(body({ name: '', containers: [{ name: 'main', imagex: 'x' }] }));

    expect(messageAt(result, 'name', 'zh')).toContain('至少需要 1 个字符');
    expect(messageAt(result, 'containers[0].image', 'zh')).toContain('必填');
    expect(messageAt(result, 'containers[0].imagex', 'zh')).toContain('不是可识别的字段');
  });
});

describe('validateUpdateBody', () => {
  it('empty body keeps the stored content', () => {
    expect(expectValid(validateUpdateBody(STORED, {}))).toEqual(STORED_CONTENT);
  });

  it('fields absent from the body keep their value', () => {
    const content = expectValid(validateUpdateBody(STORED, { name: 'renamed' }));

    expect(content).toEqual({ ...STORED_CONTENT, name: 'renamed' });
  });

  it('containers replace the whole list', () => {
    const content = expectValid(validateUpdateBody(STORED, { containers: [{ name: 'only', image: 'alpine' }] }));

    expect(content.containers).toEqual([{ name: 'only', image: 'alpine' }]);
  });

  it('empty containers list is rejected', () => {
    expect(codesAt(validateUpdateBody(STORED, { containers: [] }), 'containers')).toEqual(['too_few_items']);
  });

  it.each(['name', 'scope', 'containers'])('null %s is rejected', (field) => {
    const result = validateUpdateBody(STORED, { [field]: null });

    expect(codesAt(result, field)).toEqual(['not_nullable']);
    expect(messageAt(result, field)).toContain('must not be null');
  });

  it('null description clears it', () => {
    expect(expectValid(validateUpdateBody(STORED, { description: null })).description).toBeNull();
  });

  it('null ttl_seconds_after_finished and backoff_limit reset to their defaults', () => {
    const content = expectValid(validateUpdateBody(STORED, { ttl_seconds_after_finished: null, backoff_limit: null }));

    expect(content.ttl_seconds_after_finished).toBe(3600);
    expect(content.backoff_limit).toBe(3);
    expect(content.description).toBe('d');
  });

  it('0 for ttl_seconds_after_finished and backoff_limit is kept', () => {
    const content = expectValid(validateUpdateBody(STORED, { ttl_seconds_after_finished: 0, backoff_limit: 0 }));

    expect(content.ttl_seconds_after_finished).toBe(0);
    expect(content.backoff_limit).toBe(0);
  });

  it('scope global with null project_id moves the template', () => {
    const content = expectValid(validateUpdateBody(STORED, { scope: 'global', project_id: null }));

    expect(content.scope).toBe('global');
    expect(content.project_id).toBeNull();
  });

  it('scope global while the stored project_id stays is rejected', () => {
    const result = validateUpdateBody(STORED, { scope: 'global' });

    expect(codesAt(result, 'project_id')).toEqual(['global_forbids_project']);
    expect(messageAt(result, 'project_id')).toContain('"project_id": null');
  });

  it('null project_id on a project template is rejected', () => {
    expect(codesAt(validateUpdateBody(STORED, { project_id: null }), 'project_id')).toEqual(['scope_requires_project']);
  });

  it('global template moves to a project only with a project_id', () => {
    expect(codesAt(validateUpdateBody(STORED_GLOBAL, { scope: 'project' }), 'project_id')).toEqual(['scope_requires_project']);

    const content = expectValid(validateUpdateBody(STORED_GLOBAL, { scope: 'project', project_id: 'proj-b' }));
    expect(content.scope).toBe('project');
    expect(content.project_id).toBe('proj-b');
  });

  it('project_id on a global template is rejected', () => {
    expect(codesAt(validateUpdateBody(STORED_GLOBAL, { project_id: 'proj-a' }), 'project_id')).toEqual(['global_forbids_project']);
  });

  it('project_id changes the project', () => {
    expect(expectValid(validateUpdateBody(STORED, { project_id: 'proj-b' })).project_id).toBe('proj-b');
  });

  it.each(['id', 'created_by', 'created_at', 'updated_by', 'updated_at'])('read-only field %s is rejected', (field) => {
    const result = validateUpdateBody(STORED, { [field]: (STORED as unknown as Record<string, unknown>)[field] });

    expect(codesAt(result, field)).toEqual(['read_only']);
    expect(messageAt(result, field)).toContain('read-only');
  });

  it('null read-only field is rejected', () => {
    expect(codesAt(validateUpdateBody(STORED, { id: null }), 'id')).toEqual(['read_only']);
  });

  it('unknown fields are reported, also when null', () => {
    const result = validateUpdateBody(STORED, { foo: 1, bar: null, containers: [{ ...CTR, env: [] }] });

    expect(codesAt(result, 'foo')).toEqual(['unknown_field']);
    expect(codesAt(result, 'bar')).toEqual(['unknown_field']);
    expect(codesAt(result, 'containers[0].env')).toEqual(['unknown_field']);
  });

  it('new name is normalised to NFC and checked', () => {
    expect(expectValid(validateUpdateBody(STORED, { name: 'cafe\u0301' })).name).toBe('caf\u00e9');
    expect(codesAt(validateUpdateBody(STORED, { name: 'job\u3000' }), 'name')).toEqual(['invalid_text']);
    expect(codesAt(validateUpdateBody(STORED, { name: '\u{1F600}'.repeat(129) }), 'name')).toEqual(['too_long']);
    expect(validateUpdateBody(STORED, { name: '\u{1F600}'.repeat(128) }).ok).toBe(true);
  });

  it('nulls inside new containers mean not given', () => {
    const content = expectValid(
      validateUpdateBody(STORED, { containers: [{ name: 'main', image: 'busybox', command: null, env_vars: [{ name: 'A', value: null }] }] }),
    );

    expect(content.containers).toEqual([{ name: 'main', image: 'busybox', env_vars: [{ name: 'A', value: '' }] }]);
  });

  it('new containers are checked like on create', () => {
    const result = validateUpdateBody(STORED, {
      containers: [
        { ...CTR, resources: { requests: { memory: '1Gi' }, limits: { memory: '1000Mi' } } },
        { ...CTR, startup_probe: {} },
      ],
    });

    expect(codesAt(result, 'containers[0].resources.requests.memory')).toEqual(['request_exceeds_limit']);
    expect(codesAt(result, 'containers[1].name')).toEqual(['duplicate']);
    expect(codesAt(result, 'containers[1].startup_probe')).toEqual(['health_check_not_supported']);
  });

  it('reports every failure at once', () => {
    const result = validateUpdateBody(STORED, { name: null, scope: null, backoff_limit: -1, id: 'x', foo: 1 });

    expect(new Set(fieldsOf(result))).toEqual(new Set(['name', 'scope', 'backoff_limit', 'id', 'foo']));
  });

  it.each([null, [], 'x', 1])('body %j that is not an object is rejected', (value) => {
    expect(expectInvalid(validateUpdateBody(STORED, value))).toEqual([expect.objectContaining({ field: '', code: 'invalid_type' })]);
  });

  it('does not change the stored template', () => {
    const snapshot = structuredClone(STORED);
    validateUpdateBody(STORED, { name: 'x', containers: [{ name: 'n', image: 'i' }], description: null });

    expect(STORED).toEqual(snapshot);
  });
});
