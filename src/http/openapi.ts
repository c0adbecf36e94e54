import swagger from '@fastify/swagger';
import helmet from '@fastify/helmet';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** Version of the service, shown in the OpenAPI document. */
export const SERVICE_VERSION = '0.1.0';

/**
 * Registers the OpenAPI 3.1 document generated from the route schemas
 * (`GET /openapi.json`) and the interactive docs (`/docs`).
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Job Template service',
        version: SERVICE_VERSION,
        description:
          'Stores reusable definitions of Kubernetes-style batch Jobs. Errors are RFC 9457 problem documents; messages are English, or Chinese with "Accept-Language: zh".',
      },
      tags: [
        { name: 'job-templates', description: 'Create, read, list, update and delete job templates.' },
        { name: 'operations', description: 'Health, readiness and metrics; no authentication.' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
    refResolver: {
      // Shared schemas appear under their own names in components.schemas.
      buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`),
    },
  });
  // The docs are the only HTML the service serves, so they get browser security headers,
  // including a Content-Security-Policy of swagger-ui's own static assets.
  await app.register(async (docs) => {
    await docs.register(helmet, { contentSecurityPolicy: false, global: true });
    await docs.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
