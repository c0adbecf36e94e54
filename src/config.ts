/**
 * Configuration from environment variables, validated at start so that a
 * bad value stops the service with a message naming the variable.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_CACHED_PAGES } from './store/list-page-cache.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The store that keeps the templates. */
export type StoreConfig =
  | {
      readonly kind: 'sqlite';
      readonly path: string;
      readonly busyTimeoutMs: number;
      readonly synchronous: 'full' | 'normal';
      /** List pages kept while the database is unchanged; 0 turns the page cache off. */
      readonly cachedPages: number;
    }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly poolSize: number;
      readonly statementTimeoutMs: number;
      readonly connectionTimeoutMs: number;
      readonly schema?: string;
    };

/** The key source for bearer tokens; `development` means no key was configured outside production. */
export type AuthConfig =
  | { readonly kind: 'secret'; readonly secret: string }
  | { readonly kind: 'public-key'; readonly publicKeyPem: string; readonly file: string }
  | { readonly kind: 'jwks'; readonly url: string }
  | { readonly kind: 'development' };

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  readonly production: boolean;
  readonly store: StoreConfig;
  /** Folder for local state: the SQLite file by default, and the development secret. */
  readonly dataDir: string;
  readonly auth: AuthConfig;
  readonly issuer?: string;
  readonly audience?: string;
  readonly clockSkewSeconds: number;
  /** How long SIGTERM waits for in-flight requests before closing connections, in milliseconds. */
  readonly shutdownTimeoutMs: number;
  /** Requests a minute per user (per address before authentication); 0 turns limiting off. */
  readonly rateLimitPerMinute: number;
  /** Origins allowed to call the API from browsers; empty turns CORS off. */
  readonly corsAllowedOrigins: readonly string[];
  /** Maximum time to receive a whole request, and its headers, in milliseconds. */
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  /** Trust X-Forwarded-For from a proxy in front. */
  readonly trustProxy: boolean;
}

/** A configuration that cannot be used; the message lists every problem, one a line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const DEFAULT_DATABASE_URL = 'sqlite:./data/job-templates.db';

type Environment = Readonly<Record<string, string | undefined>>;

/** Reads a variable, treating an empty value as unset. */
function read(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function readInteger(env: Environment, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const text = read(env, name);
  if (text === undefined) {
    return fallback;
  }
  const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    problems.push(`${name}=${JSON.stringify(text)} is invalid: use a whole number from ${min} to ${max}.`);
    return fallback;
  }
  return value;
}

function readStore(env: Environment, problems: string[]): StoreConfig {
  const url = read(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  const busyTimeoutMs = readInteger(env, 'SQLITE_BUSY_TIMEOUT_MS', 5000, 0, 600_000, problems);
  const synchronousText = (read(env, 'SQLITE_SYNCHRONOUS') ?? 'full').toLowerCase();
  if (synchronousText !== 'full' && synchronousText !== 'normal') {
    problems.push(`SQLITE_SYNCHRONOUS=${JSON.stringify(synchronousText)} is invalid: use "full" or "normal".`);
  }
  const synchronous = synchronousText === 'normal' ? 'normal' : 'full';
  const cachedPages = readInteger(env, 'SQLITE_LIST_CACHE_PAGES', DEFAULT_CACHED_PAGES, 0, 100_000, problems);
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') {
      problems.push('DATABASE_URL="sqlite:" has no file path: use sqlite:<path>, for example sqlite:./data/job-templates.db.');
    }
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path), busyTimeoutMs, synchronous, cachedPages };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const schema = read(env, 'PG_SCHEMA');
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      problems.push(`PG_SCHEMA=${JSON.stringify(schema)} is invalid: use 1-63 lowercase letters, digits and "_", not starting with a digit.`);
    }
    return {
      ...(schema === undefined ? {} : { schema }),
      kind: 'postgres',
      url,
      poolSize: readInteger(env, 'PG_POOL_SIZE', 10, 1, 1000, problems),
      statementTimeoutMs: readInteger(env, 'PG_STATEMENT_TIMEOUT_MS', 5000, 1, 3_600_000, problems),
      connectionTimeoutMs: readInteger(env, 'PG_CONNECTION_TIMEOUT_MS', 5000, 1, 600_000, problems),
    };
  }
  problems.push(
    `DATABASE_URL is invalid: it must start with "sqlite:" (followed by a file path) or "postgres://"; got a value with the scheme ${JSON.stringify(url.split(':')[0]?.slice(0, 20) ?? '')}.`,
  );
  return { kind: 'sqlite', path: resolve('./data/job-templates.db'), busyTimeoutMs, synchronous, cachedPages };
}

function readAuth(env: Environment, production: boolean, problems: string[]): AuthConfig {
  const secret = env.AUTH_JWT_SECRET === undefined || env.AUTH_JWT_SECRET === '' ? undefined : env.AUTH_JWT_SECRET;
  const publicKeyFile = read(env, 'AUTH_JWT_PUBLIC_KEY_FILE');
  const jwksUrl = read(env, 'AUTH_JWKS_URL');
  const given = [secret && 'AUTH_JWT_SECRET', publicKeyFile && 'AUTH_JWT_PUBLIC_KEY_FILE', jwksUrl && 'AUTH_JWKS_URL'].filter(Boolean);
  if (given.length > 1) {
    problems.push(`Set only one of AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY_FILE and AUTH_JWKS_URL; found ${given.join(' and ')}.`);
    return { kind: 'development' };
  }
  if (secret !== undefined) {
    return { kind: 'secret', secret };
  }
  if (publicKeyFile !== undefined) {
    try {
      return { kind: 'public-key', publicKeyPem: readFileSync(publicKeyFile, 'utf8'), file: publicKeyFile };
    } catch (error) {
      problems.push(`AUTH_JWT_PUBLIC_KEY_FILE=${JSON.stringify(publicKeyFile)} cannot be read: ${(error as Error).message}.`);
      return { kind: 'development' };
    }
  }
  if (jwksUrl !== undefined) {
    const parsed = /^https?:\/\//.test(jwksUrl) && URL.canParse(jwksUrl) ? new URL(jwksUrl) : undefined;
    // fetch() refuses URLs with credentials, so they would fail every token; the value is not shown because of them.
    if (parsed === undefined || parsed.username !== '' || parsed.password !== '') {
      problems.push('AUTH_JWKS_URL is invalid: use an http:// or https:// URL without user name or password.');
    }
    return { kind: 'jwks', url: jwksUrl };
  }
  if (production) {
    problems.push(
      'NODE_ENV=production needs token verification configured: set AUTH_JWT_SECRET (HS256), AUTH_JWT_PUBLIC_KEY_FILE (PEM public key, RS256 or ES256) or AUTH_JWKS_URL, and optionally AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE.',
    );
  }
  return { kind: 'development' };
}

/** Reads CORS_ALLOWED_ORIGINS: comma-separated origins such as https://console.example.com. */
function readOrigins(env: Environment, problems: string[]): string[] {
  const text = read(env, 'CORS_ALLOWED_ORIGINS');
  if (text === undefined) {
    return [];
  }
  const origins = text.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '');
  for (const origin of origins) {
    const parsed = URL.canParse(origin) ? new URL(origin) : undefined;
    if (parsed === undefined || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      problems.push(`CORS_ALLOWED_ORIGINS contains ${JSON.stringify(origin)}, which is not an origin: use scheme, host and optional port, such as https://console.example.com.`);
    }
  }
  return origins;
}

/** Reads and validates the configuration; raises {@link ConfigError} listing every invalid variable. */
export function loadConfig(env: Environment): Config {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  const port = readInteger(env, 'PORT', 8080, 0, 65535, problems);
  const host = read(env, 'HOST') ?? '127.0.0.1';
  const logLevelText = (read(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelText)) {
    problems.push(`LOG_LEVEL=${JSON.stringify(logLevelText)} is invalid: use one of ${LOG_LEVELS.join(', ')}.`);
  }
  const logLevel = (LOG_LEVELS as readonly string[]).includes(logLevelText) ? (logLevelText as LogLevel) : 'info';
  const store = readStore(env, problems);
  const dataDir = resolve(read(env, 'DATA_DIR') ?? (store.kind === 'sqlite' && store.path !== ':memory:' ? dirname(store.path) : './data'));
  const auth = readAuth(env, production, problems);
  const clockSkewSeconds = readInteger(env, 'AUTH_CLOCK_SKEW_SECONDS', 30, 0, 3600, problems);
  const shutdownTimeoutMs = readInteger(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000, problems);
  const rateLimitPerMinute = readInteger(env, 'RATE_LIMIT_PER_MINUTE', 1200, 0, 1_000_000, problems);
  const requestTimeoutMs = readInteger(env, 'REQUEST_TIMEOUT_MS', 30_000, 1000, 3_600_000, problems);
  const headersTimeoutMs = readInteger(env, 'HEADERS_TIMEOUT_MS', 10_000, 1000, 3_600_000, problems);
  if (headersTimeoutMs > requestTimeoutMs) {
    problems.push(`HEADERS_TIMEOUT_MS=${headersTimeoutMs} is larger than REQUEST_TIMEOUT_MS=${requestTimeoutMs}: the headers are part of the request, so make it smaller.`);
  }
  const corsAllowedOrigins = readOrigins(env, problems);
  const trustProxyText = (read(env, 'TRUST_PROXY') ?? 'false').toLowerCase();
  if (trustProxyText !== 'true' && trustProxyText !== 'false') {
    problems.push(`TRUST_PROXY=${JSON.stringify(trustProxyText)} is invalid: use "true" or "false".`);
  }
  const issuer = read(env, 'AUTH_JWT_ISSUER');
  const audience = read(env, 'AUTH_JWT_AUDIENCE');

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return {
    port,
    host,
    logLevel,
    production,
    store,
    dataDir,
    auth,
    ...(issuer === undefined ? {} : { issuer }),
    ...(audience === undefined ? {} : { audience }),
    clockSkewSeconds,
    shutdownTimeoutMs,
    rateLimitPerMinute,
    corsAllowedOrigins,
    requestTimeoutMs,
    headersTimeoutMs,
    trustProxy: trustProxyText === 'true',
  };
}
