/**
 * The render endpoint: turns a job template into a Kubernetes `batch/v1` Job,
 * sent as JSON or, when the `Accept` header prefers it, as YAML. Nothing
 * is stored.
 *
 * As for the other job template routes, the body is validated by the domain
 * instead of by Fastify, so that an unknown or invisible template (404) is
 * reported before an invalid body (422).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { treatEmptyJsonBodyAsAbsent } from '../empty-body.js';
import Type from 'typebox';
import { validationFailed } from '../../errors/api-error.js';
import { renderJob, validateRenderRequest } from '../../domain/render.js';
import { KubernetesJobSchema, RenderRequestSchema } from '../../domain/render-schema.js';
import type { TemplateService } from '../../domain/template-service.js';
import { prefersYaml, YAML_CONTENT_TYPE } from '../media-type.js';
import { stringifyYaml } from '../yaml.js';
import { COLLECTION_PATH } from './job-templates.js';

export const RENDER_PATH = `${COLLECTION_PATH}/:template_id/render`;

const TemplateIdParams = Type.Object({ template_id: Type.String({ description: 'Template ID.' }) });

/** Registered by the job template routes, which must therefore be registered first. */
const PROBLEM_REF = { $ref: 'Problem#' };
const JOB_REF = { $ref: 'KubernetesJob#' };

const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: `Problem document (${status})`, content: { 'application/problem+json': { schema: PROBLEM_REF } } },
    ]),
  );

function sendJob(request: FastifyRequest, reply: FastifyReply, job: unknown): FastifyReply {
  reply.header('vary', 'Accept');
  // Fastify sends strings without serializing them, so the response schemas only document the body.
  if (prefersYaml(request.headers.accept)) {
    return reply.status(200).header('content-type', YAML_CONTENT_TYPE).send(stringifyYaml(job));
  }
  return reply.status(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(job));
}

/** Registers `POST …/{template_id}/render`, after the job template routes. */
export function registerRenderRoute(app: FastifyInstance, service: TemplateService): void {
  app.addSchema({ ...KubernetesJobSchema, $id: 'KubernetesJob' });
  app.post<{ Params: { template_id: string } }>(
    RENDER_PATH,
    {
      schema: {
        summary: 'Render a job template into a Kubernetes Job',
        description:
          'Returns a batch/v1 Job built from the template, as JSON, or as YAML when the Accept header prefers application/yaml, text/yaml or application/x-yaml. ' +
          'Needs the same permission as reading the template. Nothing is stored. Every body field is optional, and the body may be left out.',
        tags: ['job-templates'],
        security: [{ bearerAuth: [] }],
        params: TemplateIdParams,
        // NOTE: @fastify/swagger 9 marks every declared body as required in OpenAPI, although this one is optional.
        body: RenderRequestSchema,
        response: {
          200: {
            description: 'The rendered Job.',
            content: { 'application/json': { schema: JOB_REF }, [YAML_CONTENT_TYPE]: { schema: JOB_REF } },
          },
          ...errorResponses(400, 401, 404, 413, 415, 422),
        },
      },
      preParsing: treatEmptyJsonBodyAsAbsent,
    },
    async (request, reply) => {
      const template = await service.get(request.principal, request.params.template_id);
      const result = validateRenderRequest(request.body, template);
      if (!result.ok) {
        throw validationFailed(result.errors);
      }
      const job = renderJob(template, result.request);
      request.log.info({ job_name: job.metadata.name, revision: template.revision }, 'job template rendered');
      return sendJob(request, reply, job);
    },
  );
}
