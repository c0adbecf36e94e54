/**
 * Assembly of the HTTP application: framework settings, error handling,
 * authentication, routes, OpenAPI and metrics.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TokenVerifier } from './auth/token-verifier.js';
import { TemplateService } from './domain/template-service.js';
import { createAuthenticationHooks } from './http/authenticate.js';
import { registerCors, registerQueryParameterLimit, registerRateLimit } from './http/limits.js';
import { registerOpenApi } from './http/openapi.js';
import { registerJsonBodyParser } from './http/json-body.js';
import { BODY_LIMIT_BYTES, handleClientError, handleError, handleNotFound, handleRoutingError } from './http/problem.js';
import { COLLECTION_PATH, registerJobTemplateRoutes } from './http/routes/job-templates.js';
import { registerOperationRoutes } from './http/routes/operations.js';
import { registerRenderRoute } from './http/routes/render.js';
import { registerMetrics } from './observability/metrics.js';
import type { TemplateStore } from './store/template-store.js';

export interface AppOptions {
  readonly store: TemplateStore;
  readonly verifier: TokenVerifier;
  /** Fastify logger settings; false for none. */
  readonly logger?: FastifyServerOptions['logger'];
  /** A ready pino logger, used instead of `logger`. */
  readonly loggerInstance?: FastifyBaseLogger;
  /** Clock for timestamps, replaceable in tests. */
  readonly now?: () => Date;
  /** Requests a minute per user, or per address before authentication; 0 turns limiting off. Default 0. */
  readonly rateLimitPerMinute?: number;
  /** Origins allowed to call the API from a browser; none by default. */
  readonly corsAllowedOrigins?: readonly string[];
  /** Maximum time to receive a whole request, in milliseconds; 0 for none. Default 30000. */
  readonly requestTimeoutMs?: number;
  /** Maximum time to receive the request headers, in milliseconds. Default 10000. */
  readonly headersTimeoutMs?: number;
  /** Trust `X-Forwarded-For` from a proxy in front, so that the client address is the real one. */
  readonly trustProxy?: boolean;
}

/** An incoming `X-Request-Id` is reused when it is this tame; otherwise the server makes one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type ValidatorFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator'];

/** Builds the compiler of validators that accept every value. Fastify's types ask for Ajv validators. */
const buildAcceptingValidator = (() => () => () => true) as unknown as ValidatorFactory;

/** Builds the application; the caller listens on it or drives it with `inject`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance === undefined ? { logger: options.logger ?? false } : { loggerInstance: options.loggerInstance }),
    bodyLimit: BODY_LIMIT_BYTES,
    // A client that sends a request or its headers slower than this (a slow-loris attack) is
    // disconnected. Node.js checks these timeouts every connectionsCheckingInterval (30 s by default).
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    http: { headersTimeout: options.headersTimeoutMs ?? 10_000, connectionsCheckingInterval: 1000 },
    trustProxy: options.trustProxy ?? false,
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Bodies and query strings are validated by the service (see routes/job-templates.ts), so
    // Fastify's validator accepts everything. It is set through the compilers factory because
    // setValidatorCompiler on the root does not reach a plugin context that calls addSchema:
    // that context rebuilds its validator with the default Ajv, which coerces and strips fields.
    schemaController: { compilersFactory: { buildValidator: buildAcceptingValidator } },
    frameworkErrors: handleRoutingError,
    clientErrorHandler: handleClientError,
  });

  // Only JSON bodies are accepted; without this Fastify would parse text/plain too.
  app.removeContentTypeParser('text/plain');
  registerJsonBodyParser(app);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
  });
  registerQueryParameterLimit(app);
  await registerCors(app, options.corsAllowedOrigins ?? []);

  const registry = registerMetrics(app, options.store);
  await registerOpenApi(app);
  registerOperationRoutes(app, options.store, registry);

  const service = new TemplateService(options.store, options.now);
  const authentication = createAuthenticationHooks(options.verifier);
  await app.register(async (api) => {
    api.addHook('onRequest', authentication.identify);
    await registerRateLimit(api, options.rateLimitPerMinute ?? 0);
    // preParsing runs after every onRequest hook, the rate limiter's route hooks included, and before the body is read.
    api.addHook('preParsing', authentication.requireAuthentication);
    api.addHook('onSend', async (request, reply) => {
      reply.header('cache-control', 'no-store');
    });
    registerJobTemplateRoutes(api, service);
    registerRenderRoute(api, service);
  });
  app.log.debug({ collection: COLLECTION_PATH }, 'routes registered');
  return app;
}
