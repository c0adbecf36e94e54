/**
 * Entry point: reads the configuration, opens the store, starts the HTTP
 * server, and shuts down cleanly on SIGTERM or SIGINT.
 */
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { loadOrCreateDevelopmentSecret, signDevelopmentToken } from './auth/development.js';
import { createTokenVerifier, MIN_RECOMMENDED_SECRET_BYTES, type TokenVerifierOptions } from './auth/token-verifier.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { COLLECTION_PATH } from './http/routes/job-templates.js';
import { openStore } from './store/open-store.js';

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
function redactPassword(url: string): string {
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

async function start(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nThe service did not start. Fix the variables above and start it again.\n`);
      process.exit(1);
    }
    throw error;
  }

  const logger = pino({ level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] });
  const { store, migrations } = await openStore(config.store, (error) =>
    logger.warn({ err: error }, 'an idle PostgreSQL connection failed; the pool will open a new one'),
  );
  const storeDescription = config.store.kind === 'sqlite' ? `sqlite:${config.store.path}` : `postgres:${redactPassword(config.store.url)}`;
  let app;
  try {
    const { options, developmentSecret } = await verifierOptions(config, logger);
    app = await buildApp({ store, verifier: createTokenVerifier(options), loggerInstance: logger });
    app.log.info({ store: storeDescription, migrations_applied: migrations.applied }, 'template store ready');

    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    if (developmentSecret !== undefined) {
      // Development mode only: the token is logged on purpose so that a new user can try the API at once.
      const token = await signDevelopmentToken(developmentSecret);
      app.log.warn(
        {
          dev_admin_token: token,
          curl: `curl -H "Authorization: Bearer ${token}" ${base}${COLLECTION_PATH}`,
          secret_file: `${config.dataDir}/dev-jwt-secret`,
        },
        'Development mode: no AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY_FILE or AUTH_JWKS_URL is set, so tokens are signed with a generated secret. Use dev_admin_token (an admin, valid 30 days) to try the API. Never run like this in production.',
      );
    }
    app.log.info({ docs: `${base}/docs` }, 'job template service started');
  } catch (error) {
    await store.close();
    throw error;
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    app.log.info({ signal }, 'shutting down: draining in-flight requests');
    const timer = setTimeout(() => {
      app.log.error({ timeout_ms: config.shutdownTimeoutMs }, 'shutdown timed out; closing open connections');
      app.server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    timer.unref();
    app
      .close()
      .then(() => store.close())
      .then(() => {
        app.log.info('shutdown complete');
        process.exit(0);
      })
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

start().catch((error: unknown) => {
  process.stderr.write(`The service failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
