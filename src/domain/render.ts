/**
 * Rendering of a job template into a Kubernetes `batch/v1` Job, and the
 * validation of a render request body. Rendering stores nothing.
 */
import { randomInt } from 'node:crypto';
import type { FieldError } from '../errors/api-error.js';
import type { LocalizedText } from '../errors/catalogue.js';
import { echoValue } from '../errors/echo.js';
import { formatFieldPath } from './field-path.js';
import { checkLabels } from './labels.js';
import { DNS_1123_LABEL, ENV_VAR_NAME } from './patterns.js';
import {
  MAX_KUBERNETES_NAME_LENGTH,
  RenderRequestSchema,
  TEMPLATE_ID_LABEL,
  TEMPLATE_REVISION_ANNOTATION,
  type KubernetesContainer,
  type KubernetesJob,
  type RenderRequest,
} from './render-schema.js';
import type { ContainerConfig, EnvVar, JobTemplate } from './template-schema.js';

export type { RenderRequest } from './render-schema.js';

/** The outcome of validating a render request body. */
export type RenderValidationResult =
  | { readonly ok: true; readonly request: RenderRequest }
  | { readonly ok: false; readonly errors: FieldError[] };

const EXPECTED: Record<'object' | 'string' | 'overrides' | 'containerOverrides', LocalizedText> = {
  object: { en: 'a JSON object', zh: 'JSON 对象' },
  string: { en: 'a string', zh: '字符串' },
  overrides: {
    en: 'an object that maps container names to objects of environment variable names and string values',
    zh: '将容器名映射到环境变量对象（变量名到字符串值）的对象',
  },
  containerOverrides: {
    en: 'an object of environment variable names and string values',
    zh: '由环境变量名和字符串值组成的对象',
  },
};

const TEXT_PROBLEMS: Record<'nul' | 'surrogate', LocalizedText> = {
  nul: { en: 'the NUL character (U+0000)', zh: 'NUL 字符 (U+0000)' },
  surrogate: { en: 'an unpaired UTF-16 surrogate', zh: '未配对的 UTF-16 代理项' },
};

const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.keys(RenderRequestSchema.properties));

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks `job_name` or `namespace`: a DNS-1123 label of at most 63 characters. */
function checkKubernetesName(value: unknown, field: string, errors: FieldError[]): value is string {
  if (typeof value !== 'string') {
    errors.push({ field, code: 'invalid_type', params: { expected: EXPECTED.string } });
    return false;
  }
  const before = errors.length;
  const length = Array.from(value).length;
  if (length > MAX_KUBERNETES_NAME_LENGTH) {
    errors.push({ field, code: 'too_long', params: { limit: MAX_KUBERNETES_NAME_LENGTH, actual: length } });
  }
  if (!DNS_1123_LABEL.regex.test(value)) {
    errors.push({ field, code: 'invalid_format', params: { value: echoValue(value), format: DNS_1123_LABEL.description } });
  }
  return errors.length === before;
}

/** Checks the variables of one container. Values may be secrets, so no message echoes them. */
function checkContainerOverrides(container: string, overrides: unknown, errors: FieldError[]): void {
  const path = ['env_overrides', container];
  if (!isPlainObject(overrides)) {
    errors.push({ field: formatFieldPath(path), code: 'invalid_type', params: { expected: EXPECTED.containerOverrides } });
    return;
  }
  for (const [name, value] of Object.entries(overrides)) {
    const field = formatFieldPath([...path, name]);
    if (!ENV_VAR_NAME.regex.test(name)) {
      errors.push({ field, code: 'invalid_format', params: { value: echoValue(name), format: ENV_VAR_NAME.description } });
    }
    if (typeof value !== 'string') {
      errors.push({ field, code: 'invalid_type', params: { expected: EXPECTED.string } });
      continue;
    }
    // Rejected in template values too: a process environment cannot hold NUL, and no encoder keeps a lone surrogate.
    if (!value.isWellFormed()) {
      errors.push({ field, code: 'invalid_text', params: { problem: TEXT_PROBLEMS.surrogate } });
    }
    if (value.includes('\u0000')) {
      errors.push({ field, code: 'invalid_text', params: { problem: TEXT_PROBLEMS.nul } });
    }
  }
}

/**
 * Checks `env_overrides`. The variables of a key that names no container of
 * the template are still checked, so that every failure is reported at once.
 */
function checkEnvOverrides(value: unknown, containers: readonly ContainerConfig[], errors: FieldError[]): boolean {
  const before = errors.length;
  if (!isPlainObject(value)) {
    errors.push({ field: 'env_overrides', code: 'invalid_type', params: { expected: EXPECTED.overrides } });
    return false;
  }
  const names = new Set(containers.map((container) => container.name));
  const quotedNames = containers.map((container) => JSON.stringify(container.name));
  const containerList: LocalizedText = { en: quotedNames.join(', '), zh: quotedNames.join('、') };
  for (const [container, overrides] of Object.entries(value)) {
    if (!names.has(container)) {
      errors.push({ field: formatFieldPath(['env_overrides', container]), code: 'unknown_container', params: { containers: containerList } });
    }
    checkContainerOverrides(container, overrides, errors);
  }
  return errors.length === before;
}

/**
 * Validates the body of a render request against the template it renders.
 * An absent or `null` body means `{}`, and `null` for a field means the
 * field is not given. Every failure is reported at once, each with its field
 * path.
 */
export function validateRenderRequest(body: unknown, template: JobTemplate): RenderValidationResult {
  const input = body ?? {};
  if (!isPlainObject(input)) {
    return { ok: false, errors: [{ field: '', code: 'invalid_type', params: { expected: EXPECTED.object } }] };
  }
  const errors: FieldError[] = [];
  for (const key of Object.keys(input)) {
    if (!KNOWN_FIELDS.has(key)) {
      errors.push({ field: formatFieldPath([key]), code: 'unknown_field' });
    }
  }

  const request: RenderRequest = {};
  const { job_name: jobName, namespace, labels, env_overrides: envOverrides } = input;
  if (jobName != null && checkKubernetesName(jobName, 'job_name', errors)) {
    request.job_name = jobName;
  }
  if (namespace != null && checkKubernetesName(namespace, 'namespace', errors)) {
    request.namespace = namespace;
  }
  if (labels != null && checkLabels(labels, ['labels'], errors)) {
    request.labels = labels;
  }
  if (envOverrides != null && checkEnvOverrides(envOverrides, template.containers, errors)) {
    request.env_overrides = envOverrides as Record<string, Record<string, string>>;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, request };
}

const RANDOM_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const RANDOM_SUFFIX_LENGTH = 5;

/** Generates the 5 random characters of a Job name, from `[a-z0-9]` and a cryptographic source. */
export function randomNameSuffix(): string {
  let suffix = '';
  for (let index = 0; index < RANDOM_SUFFIX_LENGTH; index += 1) {
    suffix += RANDOM_ALPHABET[randomInt(RANDOM_ALPHABET.length)];
  }
  return suffix;
}

/** A template ID made from a name with a slug: `wf-tmpl-<slug>-<6 hex digits>`. */
const ID_WITH_SLUG = /^wf-tmpl-([a-z0-9-]+)-[0-9a-f]{6}$/;

/**
 * Returns the slug part of a template ID. An ID without one
 * (`wf-tmpl-<8 hex digits>`), or of another form, is its own slug.
 */
export function templateIdSlug(id: string): string {
  return ID_WITH_SLUG.exec(id)?.[1] ?? id;
}

/**
 * Generates the default Job name `<slug>-<random suffix>`, with the slug of
 * the template ID cut so that the name has at most 63 characters.
 */
export function defaultJobName(templateId: string, random: () => string = randomNameSuffix): string {
  const suffix = random();
  const maxSlugLength = MAX_KUBERNETES_NAME_LENGTH - suffix.length - 1;
  const slug = templateIdSlug(templateId).slice(0, maxSlugLength).replace(/-+$/, '');
  return `${slug}-${suffix}`;
}

/**
 * Builds a container's `env`: the template's variables in their order, each
 * overridden value replaced in place, then the overridden names the template
 * does not have, in the order of the overrides.
 */
function renderEnv(
  envVars: readonly EnvVar[] | undefined,
  overrides: Readonly<Record<string, string>> | undefined,
): KubernetesContainer['env'] {
  const overrideEntries = Object.entries(overrides ?? {});
  if (envVars === undefined && overrideEntries.length === 0) {
    return undefined;
  }
  const env = (envVars ?? []).map((envVar) => ({ name: envVar.name, value: envVar.value ?? '' }));
  const indexByName = new Map(env.map((envVar, index) => [envVar.name, index]));
  for (const [name, value] of overrideEntries) {
    const index = indexByName.get(name);
    if (index === undefined) {
      indexByName.set(name, env.length);
      env.push({ name, value });
    } else {
      env[index] = { name, value };
    }
  }
  return env;
}

function renderContainer(container: ContainerConfig, overrides: Readonly<Record<string, string>> | undefined): KubernetesContainer {
  const rendered: KubernetesContainer = { name: container.name, image: container.image };
  if (container.command !== undefined) {
    rendered.command = [...container.command];
  }
  if (container.args !== undefined) {
    rendered.args = [...container.args];
  }
  if (container.working_dir !== undefined) {
    rendered.workingDir = container.working_dir;
  }
  if (container.image_pull_policy !== undefined) {
    rendered.imagePullPolicy = container.image_pull_policy;
  }
  if (container.resources !== undefined) {
    const { requests, limits } = container.resources;
    rendered.resources = {
      ...(requests === undefined ? {} : { requests: { ...requests } }),
      ...(limits === undefined ? {} : { limits: { ...limits } }),
    };
  }
  const env = renderEnv(container.env_vars, overrides);
  if (env !== undefined) {
    rendered.env = env;
  }
  return rendered;
}

/**
 * Renders a template and a validated request into a Kubernetes `batch/v1`
 * Job. `random` supplies the 5 characters that end a generated Job name.
 * Labels are the template's, overlaid by the request's, overlaid by the
 * template ID label, which therefore always names the template.
 */
export function renderJob(template: JobTemplate, request: RenderRequest, random: () => string = randomNameSuffix): KubernetesJob {
  const labels: Record<string, string> = { ...template.labels, ...request.labels, [TEMPLATE_ID_LABEL]: template.id };
  const envOverrides = new Map(Object.entries(request.env_overrides ?? {}));
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: request.job_name ?? defaultJobName(template.id, random),
      ...(request.namespace === undefined ? {} : { namespace: request.namespace }),
      labels,
      annotations: { [TEMPLATE_REVISION_ANNOTATION]: String(template.revision) },
    },
    spec: {
      ttlSecondsAfterFinished: template.ttl_seconds_after_finished,
      backoffLimit: template.backoff_limit,
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          restartPolicy: 'Never',
          containers: template.containers.map((container) => renderContainer(container, envOverrides.get(container.name))),
        },
      },
    },
  };
}
