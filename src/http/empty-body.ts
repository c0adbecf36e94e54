import type { FastifyRequest } from 'fastify';

/**
 * Lets a request with `Content-Type: application/json` and no body count as
 * a request without a body, for routes whose body is optional (render) or
 * unused (delete). Fastify's JSON parser would reject such a request with
 * 400. The test for "no body" is the one Fastify applies to requests without
 * a `Content-Type`.
 */
export async function treatEmptyJsonBodyAsAbsent(request: FastifyRequest): Promise<void> {
  const { headers } = request;
  const mediaType = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const noBody = headers['transfer-encoding'] === undefined && (headers['content-length'] === undefined || headers['content-length'] === '0');
  if (mediaType === 'application/json' && noBody) {
    delete headers['content-type'];
  }
}
