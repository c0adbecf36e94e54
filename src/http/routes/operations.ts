import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { ApiError } from '../../errors/api-error.js';
import type { TemplateStore } from '../../store/template-store.js';

/** Registers the unauthenticated operational endpoints: liveness, readiness and metrics. */
export function registerOperationRoutes(app: FastifyInstance, store: TemplateStore, registry: Registry): void {
  app.get('/healthz', { schema: { summary: 'Liveness: the process is running', tags: ['operations'] } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { summary: 'Readiness: the template store answers', tags: ['operations'] } }, async (request) => {
    try {
      await store.ping();
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed: the store did not respond');
      throw new ApiError('service_unavailable', {}, { headers: { 'retry-after': '1' } });
    }
    return { status: 'ready', store: store.kind };
  });

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'] } }, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
}
