/**
 * The job template endpoints. Handlers translate HTTP to service calls and
 * back: status codes, `Location`, `ETag` and `If-Match`.
 *
 * The route schemas document the API and compile the response serializers.
 * Request bodies and query strings are validated by the service instead of
 * by Fastify, with the same schemas. The API reports a missing template (404),
 * a forbidden change (403) and a stale `If-Match` (412) before an invalid body
 * (422), and Fastify would validate first.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { ApiError } from '../../errors/api-error.js';
import { treatEmptyJsonBodyAsAbsent } from '../empty-body.js';
import type { TemplateService } from '../../domain/template-service.js';
import { entityTag } from '../../domain/etag.js';
import { listResponseBody, templateJson } from '../../domain/template-json.js';
import {
  CreateTemplateBodySchema,
  JobTemplateListSchema,
  JobTemplateSchema,
  UpdateTemplateBodySchema,
} from '../../domain/template-schema.js';
import { DEFAULT_LIST_LIMIT, DEFAULT_SORT, MAX_LIST_LIMIT, SORT_VALUES } from '../../domain/list-query.js';
import type { StoredTemplate } from '../../store/template-store.js';

export const COLLECTION_PATH = '/api/workflow/job-templates';

const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable error code, such as validation_failed or not_found.' }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({ description: 'Path into the body (containers[1].env_vars[0].name), "" for the body, query.<name> for a query parameter.' }),
          message: Type.String(),
          code: Type.String(),
        }),
      ),
    ),
    request_id: Type.String(),
  },
  { title: 'Problem', description: 'RFC 9457 problem document, served as application/problem+json.' },
);

const TemplateIdParams = Type.Object({ template_id: Type.String({ description: 'Template ID.' }) });

const ListQuerySchema = Type.Object(
  {
    scope: Type.Optional(Type.Enum(['global', 'project'], { description: 'Only templates of this scope.' })),
    project_id: Type.Optional(Type.String({ description: 'Only templates of this project; not with scope=global.' })),
    name: Type.Optional(Type.String({ description: 'Case-insensitive substring of the name; % and _ match themselves.' })),
    label_selector: Type.Optional(
      Type.String({ description: 'Comma-separated label requirements that must all hold: key=value, key!=value, key (has the label), !key (lacks it).' }),
    ),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]+$', default: String(DEFAULT_LIST_LIMIT), description: `Page size, 1-${MAX_LIST_LIMIT}.` })),
    offset: Type.Optional(Type.String({ pattern: '^[0-9]+$', default: '0', description: 'Templates to skip.' })),
    sort: Type.Optional(Type.Enum([...SORT_VALUES], { default: DEFAULT_SORT, description: 'Sort field; "-" for descending. Ties are ordered by id.' })),
  },
  { additionalProperties: false },
);

const WriteQuerySchema = Type.Object(
  {
    dry_run: Type.Optional(
      Type.Enum(['true', 'false'], {
        description: 'With "true", run every check, the name included, and respond as the real call would, but store nothing.',
      }),
    ),
  },
  { additionalProperties: false },
);

const PagingQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[0-9]+$', default: String(DEFAULT_LIST_LIMIT), description: `Page size, 1-${MAX_LIST_LIMIT}.` })),
    offset: Type.Optional(Type.String({ pattern: '^[0-9]+$', default: '0', description: 'Revisions to skip.' })),
  },
  { additionalProperties: false },
);

const RevisionParams = Type.Object({
  template_id: Type.String({ description: 'Template ID.' }),
  revision: Type.String({ pattern: '^[1-9][0-9]*$', description: 'Revision number, from 1.' }),
});

const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'Apply only if the template still has this ETag; "*" matches any.' })),
});

const DeleteResponseSchema = Type.Object({ message: Type.String() }, { title: 'SuccessResponse' });

const TEMPLATE_REF = { $ref: 'JobTemplateResponse#' };

/** Schemas that several routes share; OpenAPI lists them once under components.schemas. */
const SHARED_SCHEMAS = [
  { ...ProblemSchema, $id: 'Problem' },
  { ...JobTemplateSchema, $id: 'JobTemplateResponse' },
  {
    $id: 'JobTemplateRevision',
    type: 'object',
    description: 'One immutable revision: the whole template as it was after a create or a changing update.',
    properties: {
      revision: { type: 'integer' },
      updated_by: { type: 'string' },
      updated_at: { type: 'string', format: 'date-time' },
      template: TEMPLATE_REF,
    },
    required: ['revision', 'updated_by', 'updated_at', 'template'],
  },
] as const;

const PROBLEM_REF = { $ref: 'Problem#' };
const REVISION_REF = { $ref: 'JobTemplateRevision#' };
const TEMPLATE_RESPONSE = { ...TEMPLATE_REF, description: 'The job template, with its ETag header.' };

const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: `Problem document (${status})`, content: { 'application/problem+json': { schema: PROBLEM_REF } } },
    ]),
  );

const SECURITY = [{ bearerAuth: [] }];

function ifMatchOf(request: FastifyRequest): string | undefined {
  const header = request.headers['if-match'];
  return Array.isArray(header) ? header.join(', ') : header;
}

function requireBody(request: FastifyRequest): unknown {
  if (request.body === undefined) {
    throw new ApiError('body_missing');
  }
  return request.body;
}

/** Sends a template's JSON text; strings skip the response serializer, whose schema then only documents the body. */
function sendJson(reply: FastifyReply, status: number, revision: number, json: string): FastifyReply {
  return reply.status(status).header('etag', entityTag(revision)).header('content-type', 'application/json; charset=utf-8').send(json);
}

function sendTemplate(reply: FastifyReply, status: number, template: StoredTemplate): FastifyReply {
  return sendJson(reply, status, template.revision, templateJson(template));
}

/** Registers the five job template endpoints. */
export function registerJobTemplateRoutes(app: FastifyInstance, service: TemplateService): void {
  for (const schema of SHARED_SCHEMAS) {
    app.addSchema(schema);
  }
  app.post(
    COLLECTION_PATH,
    {
      schema: {
        summary: 'Create a job template',
        tags: ['job-templates'],
        security: SECURITY,
        querystring: WriteQuerySchema,
        body: CreateTemplateBodySchema,
        response: { 201: TEMPLATE_RESPONSE, ...errorResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const template = await service.create(request.principal, requireBody(request), { query });
      if (query.dry_run === 'true') {
        // A dry run stores nothing, so there is no resource for a Location header to name.
        return sendTemplate(reply, 201, template);
      }
      request.log.info({ template_id: template.id }, 'job template created');
      reply.header('location', `${COLLECTION_PATH}/${template.id}`);
      return sendTemplate(reply, 201, template);
    },
  );

  app.get(
    COLLECTION_PATH,
    {
      schema: {
        summary: 'List job templates',
        tags: ['job-templates'],
        security: SECURITY,
        querystring: ListQuerySchema,
        response: { 200: { ...JobTemplateListSchema, properties: { ...JobTemplateListSchema.properties, items: { type: 'array', items: TEMPLATE_REF } } }, ...errorResponses(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const page = await service.listJson(request.principal, request.query as Record<string, unknown>);
      return reply.header('content-type', 'application/json; charset=utf-8').send(listResponseBody(page));
    },
  );

  app.get<{ Params: { template_id: string } }>(
    `${COLLECTION_PATH}/:template_id`,
    {
      schema: {
        summary: 'Get a job template',
        tags: ['job-templates'],
        security: SECURITY,
        params: TemplateIdParams,
        response: { 200: TEMPLATE_RESPONSE, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const view = await service.getJson(request.principal, request.params.template_id);
      return sendJson(reply, 200, view.revision, view.json);
    },
  );

  app.put<{ Params: { template_id: string } }>(
    `${COLLECTION_PATH}/:template_id`,
    {
      schema: {
        summary: 'Update a job template',
        description: 'Partial update: absent fields keep their value; containers, when given, replace the whole list.',
        tags: ['job-templates'],
        security: SECURITY,
        params: TemplateIdParams,
        querystring: WriteQuerySchema,
        headers: IfMatchHeaders,
        body: UpdateTemplateBodySchema,
        response: { 200: TEMPLATE_RESPONSE, ...errorResponses(400, 401, 403, 404, 409, 412, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const ifMatch = ifMatchOf(request);
      const query = request.query as Record<string, unknown>;
      const outcome = await service.update(request.principal, request.params.template_id, requireBody(request), {
        query,
        ...(ifMatch === undefined ? {} : { ifMatch }),
      });
      if (outcome.changed && query.dry_run !== 'true') {
        request.log.info('job template updated');
      }
      return sendTemplate(reply, 200, outcome.template);
    },
  );

  app.delete<{ Params: { template_id: string } }>(
    `${COLLECTION_PATH}/:template_id`,
    {
      schema: {
        summary: 'Delete a job template',
        tags: ['job-templates'],
        security: SECURITY,
        params: TemplateIdParams,
        querystring: WriteQuerySchema,
        headers: IfMatchHeaders,
        response: { 200: DeleteResponseSchema, ...errorResponses(401, 403, 404, 412, 422) },
      },
      preParsing: treatEmptyJsonBodyAsAbsent,
    },
    async (request) => {
      const id = request.params.template_id;
      const ifMatch = ifMatchOf(request);
      const query = request.query as Record<string, unknown>;
      await service.delete(request.principal, id, { query, ...(ifMatch === undefined ? {} : { ifMatch }) });
      if (query.dry_run !== 'true') {
        request.log.info('job template deleted');
      }
      return { message: `Job template ${id} deleted successfully` };
    },
  );
  app.get<{ Params: { template_id: string } }>(
    `${COLLECTION_PATH}/:template_id/revisions`,
    {
      schema: {
        summary: 'List the revisions of a job template',
        description: 'Newest first. Same permission as reading the template.',
        tags: ['job-templates'],
        security: SECURITY,
        params: TemplateIdParams,
        querystring: PagingQuerySchema,
        response: {
          200: {
            type: 'object',
            properties: { total: { type: 'integer' }, items: { type: 'array', items: REVISION_REF } },
            required: ['total', 'items'],
          },
          ...errorResponses(401, 404, 422),
        },
      },
    },
    async (request) => service.listRevisions(request.principal, request.params.template_id, request.query as Record<string, unknown>),
  );

  app.get<{ Params: { template_id: string; revision: string } }>(
    `${COLLECTION_PATH}/:template_id/revisions/:revision`,
    {
      schema: {
        summary: 'Get one revision of a job template',
        tags: ['job-templates'],
        security: SECURITY,
        params: RevisionParams,
        response: { 200: { ...REVISION_REF, description: 'The revision.' }, ...errorResponses(401, 404) },
      },
    },
    async (request) => service.getRevision(request.principal, request.params.template_id, request.params.revision),
  );
}
