/**
 * The request and response shapes of job templates, declared once as JSON
 * Schema through TypeBox. The same declarations validate request bodies (see
 * `validation.ts`), type the domain and the handlers, and generate the
 * OpenAPI document.
 */
import Type from 'typebox';
import { DNS_1123_LABEL, ENV_VAR_NAME, IMAGE_REFERENCE, PROJECT_ID } from './patterns.js';

/** Largest value of `ttl_seconds_after_finished` and `backoff_limit` (a Kubernetes int32). */
export const MAX_INT32 = 2_147_483_647;
export const DEFAULT_TTL_SECONDS_AFTER_FINISHED = 3600;
export const DEFAULT_BACKOFF_LIMIT = 3;
export const MAX_NAME_LENGTH = 128;
export const MAX_DESCRIPTION_LENGTH = 4096;
export const MAX_CONTAINERS = 32;
export const MAX_LIST_ITEMS = 256;

/** Resource names a container may request. */
export const RESOURCE_NAMES = ['cpu', 'memory', 'nvidia.com/gpu'] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];

/** Container fields that Kubernetes has but job templates reject with a dedicated message. */
export const HEALTH_CHECK_FIELDS = ['liveness_probe', 'readiness_probe', 'startup_probe'] as const;

/** Template fields that only the server sets. */
export const READ_ONLY_FIELDS = ['id', 'revision', 'created_by', 'updated_by', 'created_at', 'updated_at'] as const;

const Quantity = Type.String({
  description: 'Kubernetes quantity string, for example "500m", "1", "1.5", "2Gi" or "1e3". JSON numbers are rejected.',
  examples: ['500m', '2Gi'],
});

const ResourceList = Type.Object(
  {
    cpu: Type.Optional(Quantity),
    memory: Type.Optional(Quantity),
    'nvidia.com/gpu': Type.Optional(
      Type.String({ description: 'Number of whole NVIDIA GPUs, as a Kubernetes quantity string such as "1".' }),
    ),
  },
  { additionalProperties: false },
);

export const ResourceRequirementsSchema = Type.Object(
  {
    requests: Type.Optional(ResourceList),
    limits: Type.Optional(ResourceList),
  },
  {
    additionalProperties: false,
    description: 'Requests and limits; for each resource the request must not exceed the limit when both are set.',
  },
);

export const EnvVarSchema = Type.Object(
  {
    name: Type.String({
      pattern: ENV_VAR_NAME.source,
      description: 'Variable name, unique within the container.',
    }),
    value: Type.Optional(Type.String({ description: 'Value; "" when not given.' })),
  },
  { additionalProperties: false },
);

const StringList = Type.Array(Type.String(), { maxItems: MAX_LIST_ITEMS });

export const ContainerConfigSchema = Type.Object(
  {
    name: Type.String({
      pattern: DNS_1123_LABEL.source,
      maxLength: 63,
      description: 'Container name: a DNS-1123 label, unique within the template.',
    }),
    image: Type.String({
      minLength: 1,
      maxLength: 1024,
      pattern: IMAGE_REFERENCE.source,
      description: 'Container image reference.',
    }),
    command: Type.Optional(StringList),
    args: Type.Optional(StringList),
    env_vars: Type.Optional(Type.Array(EnvVarSchema, { maxItems: MAX_LIST_ITEMS })),
    working_dir: Type.Optional(Type.String()),
    image_pull_policy: Type.Optional(Type.Enum(['Always', 'IfNotPresent', 'Never'], { description: 'When the kubelet pulls the image.' })),
    resources: Type.Optional(ResourceRequirementsSchema),
  },
  {
    additionalProperties: false,
    description: 'A container of the job. Health checks (liveness_probe, readiness_probe, startup_probe) are not supported.',
  },
);

const Scope = Type.Enum(['global', 'project'], {
  description: 'Template scope: "global" (the whole platform) or "project".',
});

const Labels = Type.Record(Type.String(), Type.String(), {
  maxProperties: 64,
  description:
    'Kubernetes labels: at most 64 pairs. A key is an optional DNS subdomain prefix and "/", then a name of at most 63 characters; a value is empty or such a name.',
  examples: [{ team: 'data', 'example.com/tier': 'batch' }],
});

const TemplateFields = {
  name: Type.String({
    minLength: 1,
    maxLength: MAX_NAME_LENGTH,
    description:
      'Template name: 1-128 Unicode code points after NFC normalisation, without control characters or leading and trailing white space; unique within its scope and project.',
  }),
  description: Type.String({ maxLength: MAX_DESCRIPTION_LENGTH, description: 'Free text, at most 4096 code points.' }),
  scope: Scope,
  project_id: Type.String({
    minLength: 1,
    maxLength: 128,
    pattern: PROJECT_ID.source,
    description: 'Owning project; required when scope is "project", absent or null when scope is "global".',
  }),
  containers: Type.Array(ContainerConfigSchema, { minItems: 1, maxItems: MAX_CONTAINERS }),
  ttl_seconds_after_finished: Type.Integer({
    minimum: 0,
    maximum: MAX_INT32,
    description: 'Seconds after the job finishes before it is deleted; default 3600.',
  }),
  backoff_limit: Type.Integer({ minimum: 0, maximum: MAX_INT32, description: 'Retries before the job fails; default 3.' }),
  labels: Labels,
};

/**
 * Body of a create request. Explicit `null` for an optional field, at any
 * depth, means "not given"; the validator removes such nulls before it
 * applies this schema.
 */
export const CreateTemplateBodySchema = Type.Object(
  {
    name: TemplateFields.name,
    description: Type.Optional(TemplateFields.description),
    scope: Type.Optional(TemplateFields.scope),
    project_id: Type.Optional(TemplateFields.project_id),
    containers: TemplateFields.containers,
    ttl_seconds_after_finished: Type.Optional(TemplateFields.ttl_seconds_after_finished),
    backoff_limit: Type.Optional(TemplateFields.backoff_limit),
    labels: Type.Optional(TemplateFields.labels),
  },
  { additionalProperties: false, title: 'CreateJobTemplateRequest' },
);

/**
 * Body of an update request: every create field is optional. `null` clears
 * `description`, `project_id` and `labels` and resets
 * `ttl_seconds_after_finished` and `backoff_limit` to their defaults; it is
 * rejected for `name`, `scope` and `containers`. `labels`, when given,
 * replaces all labels. The merged template is validated against the create
 * schema.
 */
export const UpdateTemplateBodySchema = Type.Object(
  {
    name: Type.Optional(TemplateFields.name),
    description: Type.Optional(Type.Union([TemplateFields.description, Type.Null()])),
    scope: Type.Optional(TemplateFields.scope),
    project_id: Type.Optional(Type.Union([TemplateFields.project_id, Type.Null()])),
    containers: Type.Optional(TemplateFields.containers),
    ttl_seconds_after_finished: Type.Optional(Type.Union([TemplateFields.ttl_seconds_after_finished, Type.Null()])),
    backoff_limit: Type.Optional(Type.Union([TemplateFields.backoff_limit, Type.Null()])),
    labels: Type.Optional(Type.Union([TemplateFields.labels, Type.Null()])),
  },
  { additionalProperties: false, title: 'UpdateJobTemplateRequest' },
);

/** A nullable string, written as a type list rather than anyOf so that response serialization stays fast. */
const NullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] });

export const JobTemplateSchema = Type.Object(
  {
    id: Type.String({ description: 'Template ID: wf-tmpl-<slug>-<6 hex>, or wf-tmpl-<8 hex> when the name has no ASCII letters or digits.' }),
    name: Type.String(),
    description: NullableString,
    scope: Scope,
    project_id: NullableString,
    containers: Type.Array(ContainerConfigSchema),
    ttl_seconds_after_finished: Type.Integer(),
    backoff_limit: Type.Integer(),
    labels: Type.Record(Type.String(), Type.String(), { description: 'Labels; {} when none.' }),
    revision: Type.Integer({ description: '1 on create, incremented by each update that changes the template. The ETag is this number, quoted.' }),
    created_by: Type.String({ description: 'The `sub` claim of the creator.' }),
    updated_by: Type.String({ description: 'The `sub` claim of the last user who changed the template.' }),
    created_at: Type.String({ format: 'date-time', description: 'UTC, RFC 3339 with milliseconds.' }),
    updated_at: Type.String({ format: 'date-time', description: 'UTC, RFC 3339 with milliseconds.' }),
  },
  { additionalProperties: false, title: 'JobTemplateResponse' },
);

export const JobTemplateListSchema = Type.Object(
  {
    total: Type.Integer({ description: 'Number of templates that match the filters and that the caller may see.' }),
    items: Type.Array(JobTemplateSchema),
  },
  { title: 'JobTemplateListResponse' },
);

export type CreateTemplateBody = Type.Static<typeof CreateTemplateBodySchema>;
export type UpdateTemplateBody = Type.Static<typeof UpdateTemplateBodySchema>;
export type ContainerConfig = Type.Static<typeof ContainerConfigSchema>;
export type EnvVar = Type.Static<typeof EnvVarSchema>;
export type ResourceRequirements = Type.Static<typeof ResourceRequirementsSchema>;
export type JobTemplate = Type.Static<typeof JobTemplateSchema>;
export type TemplateScope = JobTemplate['scope'];
