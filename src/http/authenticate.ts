import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, TokenVerifier } from '../auth/token-verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set on every `/api` request that passed authentication. */
    principal: Principal;
  }
}

/**
 * Creates the `onRequest` hook that authenticates `/api` requests. It runs
 * before the body is read, so that a missing or invalid token is answered
 * 401 before any other check. It adds the user ID, and the template ID when
 * the path has one, to the request's log lines.
 */
export function createAuthenticationHook(verifier: TokenVerifier) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const principal = await verifier.verify(request.headers.authorization);
    request.principal = principal;
    const templateId = (request.params as { template_id?: string } | undefined)?.template_id;
    const log = request.log.child(templateId === undefined ? { user_id: principal.userId } : { user_id: principal.userId, template_id: templateId });
    request.log = log;
    reply.log = log;
  };
}
