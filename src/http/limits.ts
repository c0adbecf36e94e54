/**
 * Protections against abusive clients: per-user rate limiting, a cap on
 * query parameters, CORS for an allow-list of origins, and security headers
 * on the interactive docs.
 */
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';

/** Query parameters a request may carry; more are rejected before routing work is done. */
export const MAX_QUERY_PARAMETERS = 64;

/**
 * Rejects a request whose query string has more than {@link MAX_QUERY_PARAMETERS}
 * parameters, so that a huge query cannot make the parser and validators work
 * for nothing.
 */
export function registerQueryParameterLimit(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const start = request.url.indexOf('?');
    if (start === -1) {
      return;
    }
    let count = 1;
    for (let index = request.url.indexOf('&', start); index !== -1; index = request.url.indexOf('&', index + 1)) {
      count += 1;
      if (count > MAX_QUERY_PARAMETERS) {
        throw new ApiError('bad_request', { reason: `the query string has more than ${MAX_QUERY_PARAMETERS} parameters` });
      }
    }
  });
}

/** Returns the rate-limit key: the user for an authenticated request, the client address otherwise. */
function rateLimitKey(request: FastifyRequest): string {
  const principal = (request as Partial<Pick<FastifyRequest, 'principal'>>).principal;
  return principal === undefined ? `address:${request.ip}` : `user:${principal.userId}`;
}

/**
 * Limits requests in this plugin's scope to `perMinute` a minute per user,
 * or per client address before authentication succeeds. Past the limit the
 * response is 429 with `Retry-After` and a problem document. Must be registered
 * after the hook that sets `request.principal`.
 */
export async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  if (perMinute === 0) {
    return;
  }
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
    addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true },
    addHeaders: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true, 'retry-after': true },
    errorResponseBuilder: (_request, context) =>
      new ApiError('too_many_requests', { limit: context.max, retryAfter: Math.max(1, Math.ceil(context.ttl / 1000)) }),
  });
}

/**
 * Allows cross-origin requests from the given origins only. With no origins,
 * nothing is registered: responses carry no CORS headers and browsers keep
 * other sites' pages from reading them.
 */
export async function registerCors(app: FastifyInstance, allowedOrigins: readonly string[]): Promise<void> {
  if (allowedOrigins.length === 0) {
    return;
  }
  await app.register(cors, {
    origin: [...allowedOrigins],
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'Accept', 'Accept-Language', 'X-Request-Id'],
    exposedHeaders: ['ETag', 'Location', 'X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
}
