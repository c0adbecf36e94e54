import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { createTokenVerifier } from '../../src/auth/token-verifier.js';
import type { TemplateStore } from '../../src/store/template-store.js';
import { createTestDatabase, type TestDatabase } from './test-store.js';
import { createTestTokens, TEST_SECRET, type TestTokens } from './tokens.js';

export const COLLECTION = '/api/workflow/job-templates';

/** A container that passes validation. */
export const CTR = { name: 'main', image: 'busybox:1.36' } as const;

/** Returns a valid project template body in proj-a with the given name. */
export function projectTemplate(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, scope: 'project', project_id: 'proj-a', containers: [CTR], ...extra };
}

/** Returns a valid global template body with the given name. */
export function globalTemplate(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, scope: 'global', containers: [CTR], ...extra };
}

export interface RequestOptions {
  readonly token?: string | null;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
}

/** An app on a fresh database, with tokens and request helpers. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly store: TemplateStore;
  /** The app's database, on which a test may open more stores. */
  readonly database: TestDatabase;
  readonly tokens: TestTokens;
  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, options?: RequestOptions): Promise<LightMyRequestResponse>;
  /** Creates a template as admin (or the given token) and returns the response body; fails the test unless it is 201. */
  create(body: Record<string, unknown>, token?: string): Promise<Record<string, any>>;
  close(): Promise<void>;
}

/**
 * Starts an app on a new database, driven in-process: a SQLite file in a
 * temporary folder, or a PostgreSQL schema of its own when the run uses
 * PostgreSQL. Requests are sent as the admin unless `token` names another;
 * `token: null` sends no Authorization header.
 */
export async function createTestApp(options: { now?: () => Date; database?: TestDatabase } = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const store = await database.openStore();
  const verifier = createTokenVerifier({ secret: TEST_SECRET, clockSkewSeconds: 30 });
  const app = await buildApp({ store, verifier, ...(options.now ? { now: options.now } : {}) });
  await app.ready();
  const tokens = await createTestTokens();

  const request: TestApp['request'] = (method, url, requestOptions = {}) => {
    const headers: Record<string, string> = { ...requestOptions.headers };
    const token = requestOptions.token === undefined ? tokens.admin : requestOptions.token;
    if (token !== null) {
      headers.authorization = `Bearer ${token}`;
    }
    let payload: string | undefined;
    if (requestOptions.body !== undefined) {
      payload = typeof requestOptions.body === 'string' ? requestOptions.body : JSON.stringify(requestOptions.body);
      headers['content-type'] ??= 'application/json';
    }
    return app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }), ...(requestOptions.query ? { query: requestOptions.query } : {}) });
  };

  return {
    app,
    store,
    database,
    tokens,
    request,
    async create(body, token) {
      const response = await request('POST', COLLECTION, { body, ...(token === undefined ? {} : { token }) });
      if (response.statusCode !== 201) {
        throw new Error(`Expected 201 creating ${JSON.stringify(body).slice(0, 200)}, got ${response.statusCode}: ${response.body}`);
      }
      return response.json();
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
