/**
 * Start-up and shutdown of the service: configuration, store, token
 * verification, HTTP listener. `main.ts` calls it and wires process signals.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { pino, type DestinationStream } from 'pino';
import { buildApp } from './app.js';
import { loadOrCreateDevelopmentSecret, signDevelopmentToken } from './auth/development.js';
import { createTokenVerifier, MIN_RECOMMENDED_SECRET_BYTES, type TokenVerifierOptions } from './auth/token-verifier.js';
import { loadConfig, type Config } from './config.js';
import { COLLECTION_PATH } from './http/routes/job-templates.js';
import { openStore } from './store/open-store.js';
import type { TemplateStore } from './store/template-store.js';

/** A started service. */
export interface RunningService {
  readonly app: FastifyInstance;
  readonly store: TemplateStore;
  readonly config: Config;
  /** `http://<host>:<port>` of the listener. */
  readonly baseUrl: string;
  /** Drains in-flight requests, closes the listener, then the store; open connections are cut after SHUTDOWN_TIMEOUT_MS. */
  stop(): Promise<void>;
}

/** Builds the verifier options from the configuration, creating the development secret when no key is configured. */
async function verifierOptions(config: Config, log: FastifyBaseLogger): Promise<{ options: TokenVerifierOptions; developmentSecret?: string }> {
  const common = {
    clockSkewSeconds: config.clockSkewSeconds,
    ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
    ...(config.audience === undefined ? {} : { audience: config.audience }),
  };
  switch (config.auth.kind) {
    case 'secret':
      if (Buffer.byteLength(config.auth.secret) < MIN_RECOMMENDED_SECRET_BYTES) {
        log.warn(`AUTH_JWT_SECRET is shorter than ${MIN_RECOMMENDED_SECRET_BYTES} bytes; use a longer random secret for HS256.`);
      }
      return { options: { ...common, secret: config.auth.secret } };
    case 'public-key':
      return { options: { ...common, publicKeyPem: config.auth.publicKeyPem } };
    case 'jwks':
      return { options: { ...common, jwksUrl: config.auth.url } };
    case 'development': {
      const secret = await loadOrCreateDevelopmentSecret(config.dataDir);
      return { options: { ...common, secret }, developmentSecret: secret };
    }
  }
}

/** Hides the password of a database URL before it is logged. */
export function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * Starts the service from environment variables. Raises `ConfigError` for an
 * invalid configuration and any error of opening the store or listening.
 */
export async function startService(
  env: Readonly<Record<string, string | undefined>>,
  logDestination?: DestinationStream,
): Promise<RunningService> {
  const config = loadConfig(env);
  const loggerOptions = { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] };
  const logger = logDestination === undefined ? pino(loggerOptions) : pino(loggerOptions, logDestination);
  const { store, migrations } = await openStore(config.store, (error) =>
    logger.warn({ err: error }, 'an idle PostgreSQL connection failed; the pool will open a new one'),
  );
  const storeDescription =
    config.store.kind === 'sqlite'
      ? `sqlite:${config.store.path}`
      : `${redactPassword(config.store.url)}${config.store.schema === undefined ? '' : ` (schema ${config.store.schema})`}`;

  let app: FastifyInstance;
  try {
    const { options, developmentSecret } = await verifierOptions(config, logger);
    app = await buildApp({
      store,
      verifier: createTokenVerifier(options),
      loggerInstance: logger,
      rateLimitPerMinute: config.rateLimitPerMinute,
      corsAllowedOrigins: config.corsAllowedOrigins,
      requestTimeoutMs: config.requestTimeoutMs,
      headersTimeoutMs: config.headersTimeoutMs,
      trustProxy: config.trustProxy,
    });
    app.log.info({ store: storeDescription, migrations_applied: migrations.applied }, 'template store ready');
    await app.listen({ port: config.port, host: config.host });

    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const baseUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    if (developmentSecret !== undefined) {
      // Development mode only: the token is logged on purpose so that a new user can try the API at once.
      const token = await signDevelopmentToken(developmentSecret);
      app.log.warn(
        {
          dev_admin_token: token,
          curl: `curl -H "Authorization: Bearer ${token}" ${baseUrl}${COLLECTION_PATH}`,
          secret_file: `${config.dataDir}/dev-jwt-secret`,
        },
        'Development mode: no AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY_FILE or AUTH_JWKS_URL is set, so tokens are signed with a generated secret. Use dev_admin_token (an admin, valid 30 days) to try the API. Never run like this in production.',
      );
    }
    app.log.info({ docs: `${baseUrl}/docs` }, 'job template service started');

    return {
      app,
      store,
      config,
      baseUrl,
      async stop() {
        const timer = setTimeout(() => {
          app.log.error({ timeout_ms: config.shutdownTimeoutMs }, 'shutdown timed out; closing open connections');
          app.server.closeAllConnections();
        }, config.shutdownTimeoutMs);
        timer.unref();
        try {
          await app.close();
          await store.close();
        } finally {
          clearTimeout(timer);
        }
        app.log.info('shutdown complete');
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
