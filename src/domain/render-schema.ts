/**
 * The shapes of rendering a template into a Kubernetes Job, declared once as
 * JSON Schema through TypeBox: the request body and the `batch/v1` Job it
 * produces. They type the domain and generate the OpenAPI document. The body
 * is checked by `validateRenderRequest` in `render.ts`, which applies the same
 * rules and adds the ones a schema cannot state.
 */
import Type from 'typebox';
import { MAX_LABELS } from './labels.js';
import { DNS_1123_LABEL, ENV_VAR_NAME } from './patterns.js';

/** Maximum length of a Kubernetes object name or namespace that is a DNS-1123 label. */
export const MAX_KUBERNETES_NAME_LENGTH = 63;

/** Label that every rendered Job and its pods carry: the ID of the template it came from. */
export const TEMPLATE_ID_LABEL = 'workflow/job-template-id';

/** Annotation of every rendered Job: the revision of the template it came from. */
export const TEMPLATE_REVISION_ANNOTATION = 'workflow/job-template-revision';

const KubernetesName = (description: string) =>
  Type.String({ pattern: DNS_1123_LABEL.source, maxLength: MAX_KUBERNETES_NAME_LENGTH, description });

const StringMap = Type.Record(Type.String(), Type.String());

/**
 * Body of a render request. Every field is optional, the body itself too, and
 * explicit `null` for a field means "not given".
 */
export const RenderRequestSchema = Type.Object(
  {
    job_name: Type.Optional(
      KubernetesName('Name of the Job: a DNS-1123 label of at most 63 characters. Default: the slug of the template ID, "-" and 5 random characters.'),
    ),
    namespace: Type.Optional(KubernetesName('Namespace of the Job: a DNS-1123 label of at most 63 characters. The Job has no namespace when not given.')),
    labels: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        maxProperties: MAX_LABELS,
        description:
          'Labels added to the Job and its pods, over the template\'s labels: at most 64 pairs with the same rules as template labels. The label workflow/job-template-id is always the template ID.',
        examples: [{ run: 'nightly' }],
      }),
    ),
    env_overrides: Type.Optional(
      Type.Record(Type.String(), Type.Record(Type.String({ pattern: ENV_VAR_NAME.source }), Type.String(), { additionalProperties: false }), {
        description:
          'Environment variables per container name. A variable the container has gets the new value in place; others are appended in the given order. Every key must name a container of the template, and variable names follow the rules of env_vars names.',
        examples: [{ main: { BATCH_SIZE: '64' } }],
      }),
    ),
  },
  { additionalProperties: false, title: 'RenderJobRequest' },
);

export type RenderRequest = Type.Static<typeof RenderRequestSchema>;

const JobContainerSchema = Type.Object({
  name: Type.String(),
  image: Type.String(),
  command: Type.Optional(Type.Array(Type.String())),
  args: Type.Optional(Type.Array(Type.String())),
  workingDir: Type.Optional(Type.String()),
  imagePullPolicy: Type.Optional(Type.String()),
  resources: Type.Optional(Type.Object({ requests: Type.Optional(StringMap), limits: Type.Optional(StringMap) })),
  env: Type.Optional(Type.Array(Type.Object({ name: Type.String(), value: Type.String() }))),
});

/** The part of a Kubernetes `batch/v1` Job that rendering fills in. */
export const KubernetesJobSchema = Type.Object(
  {
    apiVersion: Type.Literal('batch/v1'),
    kind: Type.Literal('Job'),
    metadata: Type.Object({
      name: Type.String(),
      namespace: Type.Optional(Type.String()),
      labels: StringMap,
      annotations: StringMap,
    }),
    spec: Type.Object({
      ttlSecondsAfterFinished: Type.Integer(),
      backoffLimit: Type.Integer(),
      template: Type.Object({
        metadata: Type.Object({ labels: StringMap }),
        spec: Type.Object({
          restartPolicy: Type.Literal('Never'),
          containers: Type.Array(JobContainerSchema),
        }),
      }),
    }),
  },
  {
    title: 'KubernetesJob',
    description: 'A Kubernetes batch/v1 Job, ready for `kubectl create -f`.',
  },
);

export type KubernetesJob = Type.Static<typeof KubernetesJobSchema>;
export type KubernetesContainer = Type.Static<typeof JobContainerSchema>;
