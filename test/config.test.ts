import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults serve SQLite on 127.0.0.1:8080 in development mode', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.logLevel).toBe('info');
    expect(config.store).toEqual({ kind: 'sqlite', path: resolve('data/job-templates.db'), busyTimeoutMs: 5000, synchronous: 'full', cachedPages: 1000 });
    expect(config.dataDir).toBe(resolve('data'));
    expect(config.auth).toEqual({ kind: 'development' });
    expect(config.clockSkewSeconds).toBe(30);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'DEBUG',
      DATABASE_URL: 'sqlite:/var/lib/templates.db',
      SQLITE_SYNCHRONOUS: 'normal',
      SQLITE_BUSY_TIMEOUT_MS: '100',
      SQLITE_LIST_CACHE_PAGES: '0',
      AUTH_JWT_SECRET: 'secret',
      AUTH_JWT_ISSUER: 'https://issuer.example',
      AUTH_JWT_AUDIENCE: 'job-templates',
      AUTH_CLOCK_SKEW_SECONDS: '5',
      SHUTDOWN_TIMEOUT_MS: '2000',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      logLevel: 'debug',
      store: { kind: 'sqlite', path: '/var/lib/templates.db', busyTimeoutMs: 100, synchronous: 'normal', cachedPages: 0 },
      dataDir: '/var/lib',
      auth: { kind: 'secret', secret: 'secret' },
      issuer: 'https://issuer.example',
      audience: 'job-templates',
      clockSkewSeconds: 5,
      shutdownTimeoutMs: 2000,
    });
  });

  it('postgres URL selects PostgreSQL with pool settings', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/x', PG_POOL_SIZE: '4', PG_SCHEMA: 'templates' });
    expect(config.store).toEqual({
      kind: 'postgres',
      url: 'postgres://u@db:5432/x',
      poolSize: 4,
      statementTimeoutMs: 5000,
      connectionTimeoutMs: 5000,
      schema: 'templates',
    });
    expect(config.dataDir).toBe(resolve('data'));
  });

  it('sqlite memory path is kept', () => {
    const config = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
    expect(config.store).toMatchObject({ kind: 'sqlite', path: ':memory:' });
  });

  it('reads a PEM public key file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'config-test-'));
    const file = join(folder, 'key.pem');
    writeFileSync(file, '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n');
    expect(loadConfig({ AUTH_JWT_PUBLIC_KEY_FILE: file }).auth).toMatchObject({ kind: 'public-key', file });
  });

  it('reads a JWKS URL', () => {
    expect(loadConfig({ AUTH_JWKS_URL: 'https://issuer.example/jwks.json' }).auth).toEqual({
      kind: 'jwks',
      url: 'https://issuer.example/jwks.json',
    });
  });

  it('lists every invalid variable at once', () => {
    const problems = problemsOf({
      PORT: '80a',
      LOG_LEVEL: 'loud',
      SQLITE_SYNCHRONOUS: 'off',
      SQLITE_LIST_CACHE_PAGES: '-5',
      AUTH_CLOCK_SKEW_SECONDS: '-1',
      DATABASE_URL: 'mysql://x',
    });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/SQLITE_LIST_CACHE_PAGES="-5" is invalid/);
    expect(problems.join('\n')).toMatch(/PORT="80a" is invalid/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL="loud"/);
    expect(problems.join('\n')).toMatch(/SQLITE_SYNCHRONOUS="off"/);
    expect(problems.join('\n')).toMatch(/AUTH_CLOCK_SKEW_SECONDS="-1"/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL is invalid/);
  });

  it('production without a key names the variables to set', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems[0]).toMatch(/AUTH_JWT_SECRET.*AUTH_JWT_PUBLIC_KEY_FILE.*AUTH_JWKS_URL/);
  });

  it('production with a key starts', () => {
    expect(loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: 's' }).production).toBe(true);
  });

  it('rejects two key sources', () => {
    expect(problemsOf({ AUTH_JWT_SECRET: 's', AUTH_JWKS_URL: 'https://x/jwks' })[0]).toMatch(/only one/);
  });

  it('rejects unusable key and store settings', () => {
    expect(problemsOf({ AUTH_JWT_PUBLIC_KEY_FILE: '/nonexistent/key.pem' })[0]).toMatch(/cannot be read/);
    expect(problemsOf({ AUTH_JWKS_URL: 'ftp://x' })[0]).toMatch(/AUTH_JWKS_URL/);
    expect(problemsOf({ DATABASE_URL: 'sqlite:' })[0]).toMatch(/no file path/);
    expect(problemsOf({ DATABASE_URL: 'postgres://x/y', PG_SCHEMA: 'Bad-Name' })[0]).toMatch(/PG_SCHEMA/);
  });
});

describe('loadConfig limits', () => {
  it('defaults limit requests and keep CORS off', () => {
    const config = loadConfig({});
    expect(config.rateLimitPerMinute).toBe(1200);
    expect(config.corsAllowedOrigins).toEqual([]);
    expect(config.requestTimeoutMs).toBe(30_000);
    expect(config.headersTimeoutMs).toBe(10_000);
    expect(config.trustProxy).toBe(false);
  });

  it('reads the limit variables', () => {
    const config = loadConfig({
      RATE_LIMIT_PER_MINUTE: '0',
      CORS_ALLOWED_ORIGINS: 'https://console.example, http://localhost:3000',
      REQUEST_TIMEOUT_MS: '60000',
      HEADERS_TIMEOUT_MS: '5000',
      TRUST_PROXY: 'true',
    });
    expect(config.rateLimitPerMinute).toBe(0);
    expect(config.corsAllowedOrigins).toEqual(['https://console.example', 'http://localhost:3000']);
    expect(config.requestTimeoutMs).toBe(60_000);
    expect(config.headersTimeoutMs).toBe(5000);
    expect(config.trustProxy).toBe(true);
  });

  it('rejects invalid limit variables', () => {
    const problems = problemsOf({
      CORS_ALLOWED_ORIGINS: 'https://console.example/path,*',
      HEADERS_TIMEOUT_MS: '40000',
      TRUST_PROXY: 'yes',
      RATE_LIMIT_PER_MINUTE: '-5',
    });
    expect(problems.join('\n')).toMatch(/"https:\/\/console.example\/path", which is not an origin/);
    expect(problems.join('\n')).toMatch(/"\*", which is not an origin/);
    expect(problems.join('\n')).toMatch(/HEADERS_TIMEOUT_MS=40000 is larger than REQUEST_TIMEOUT_MS=30000/);
    expect(problems.join('\n')).toMatch(/TRUST_PROXY="yes" is invalid/);
    expect(problems.join('\n')).toMatch(/RATE_LIMIT_PER_MINUTE="-5" is invalid/);
  });
});

describe('loadConfig secrets in messages', () => {
  it('JWKS URL with credentials is rejected without showing them', () => {
    const problems = problemsOf({ AUTH_JWKS_URL: 'https://svc:TopSecretPW@idp.example/jwks' });
    expect(problems[0]).toMatch(/AUTH_JWKS_URL is invalid/);
    expect(problems.join('\n')).not.toContain('TopSecretPW');
  });

  it('unknown database scheme does not show the password', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(problems[0]).toContain('"mysql"');
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});
