import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticationError, type Principal, type TokenVerifier } from '../auth/token-verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set on every `/api` request that passed authentication. */
    principal: Principal;
  }
}

/** The hooks that authenticate `/api` requests: `identify` on onRequest, `requireAuthentication` on preParsing. */
export interface AuthenticationHooks {
  /** Verifies the token and sets `request.principal`, keeping a failure for {@link AuthenticationHooks.requireAuthentication}. */
  identify(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Raises the failure that `identify` kept, so the response is 401. */
  requireAuthentication(request: FastifyRequest): Promise<void>;
}

/**
 * Creates the hooks that authenticate `/api` requests. They run before the
 * body is read, so that a missing or invalid token gets 401 before
 * any other check but rate limiting. Between the two hooks, the rate limiter
 * keys a request by its user, or by its address when authentication failed. `identify` adds the
 * user ID, and the template ID when the path has one, to the request's log
 * lines.
 */
export function createAuthenticationHooks(verifier: TokenVerifier): AuthenticationHooks {
  const failures = new WeakMap<FastifyRequest, unknown>();
  return {
    async identify(request, reply) {
      let principal: Principal;
      try {
        principal = await verifier.verify(request.headers.authorization);
      } catch (error) {
        failures.set(request, error);
        if (error instanceof AuthenticationError && error.reason === 'key_unavailable') {
          // The client cannot fix this one: the key set could not be fetched, so the operators must hear of it.
          request.log.warn({ err: error.cause ?? error }, 'token verification failed: the JWKS could not be fetched');
        }
        return;
      }
      request.principal = principal;
      const templateId = (request.params as { template_id?: string } | undefined)?.template_id;
      const bindings: Record<string, string> = templateId === undefined ? { user_id: principal.userId } : { user_id: principal.userId, template_id: templateId };
      // Fastify gives each request a child logger of its own, so adding bindings to it is cheaper than another child.
      const log = request.log as FastifyBaseLogger & { setBindings?: (bindings: Record<string, string>) => void };
      if (typeof log.setBindings === 'function') {
        log.setBindings(bindings);
      } else {
        const child = request.log.child(bindings);
        request.log = child;
        reply.log = child;
      }
    },
    async requireAuthentication(request) {
      if (failures.has(request)) {
        throw failures.get(request);
      }
    },
  };
}
