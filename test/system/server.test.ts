import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runServerExpectingExit, startServer, type ServerProcess } from '../helpers/server-process.js';
import { TEST_STORE_KIND } from '../helpers/test-store.js';
import { createTestTokens, TEST_SECRET, type TestTokens } from '../helpers/tokens.js';

const COLLECTION = '/api/workflow/job-templates';
const BODY = { name: 'socket-test', scope: 'global', containers: [{ name: 'main', image: 'busybox:1.36' }] };

async function send(server: ServerProcess, method: string, path: string, token: string | undefined, body?: unknown) {
  const headers: Record<string, string> = {};
  if (token !== undefined) {
    headers.authorization = `Bearer ${token}`;
  }
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${server.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

// These tests start the service as a process on the SQLite store; the PostgreSQL run covers processes in instances.test.ts.
describe.runIf(TEST_STORE_KIND === 'sqlite')('service process', () => {
  let folder: string;
  let tokens: TestTokens;
  const servers: ServerProcess[] = [];

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'job-templates-system-'));
    tokens = await createTestTokens();
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      await server.stop('SIGKILL');
    }
    rmSync(folder, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>): Promise<ServerProcess> {
    const server = await startServer({ DATABASE_URL: `sqlite:${join(folder, 'db.sqlite')}`, ...env });
    servers.push(server);
    return server;
  }

  it('serves the API over a socket and keeps data across a restart', async () => {
    const first = await start({ AUTH_JWT_SECRET: TEST_SECRET });
    const created = await send(first, 'POST', COLLECTION, tokens.admin, BODY);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${COLLECTION}/${created.body.id}`);

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toContain('shutdown complete');

    const second = await start({ AUTH_JWT_SECRET: TEST_SECRET });
    const fetched = await send(second, 'GET', `${COLLECTION}/${created.body.id}`, tokens.admin);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);
  });

  it('a write answered 2xx survives SIGKILL', async () => {
    const first = await start({ AUTH_JWT_SECRET: TEST_SECRET });
    const created = await send(first, 'POST', COLLECTION, tokens.admin, BODY);
    expect(created.status).toBe(201);
    await first.stop('SIGKILL');

    const second = await start({ AUTH_JWT_SECRET: TEST_SECRET });
    expect((await send(second, 'GET', `${COLLECTION}/${created.body.id}`, tokens.admin)).status).toBe(200);
  });

  it('logs contain no token or authorization header', async () => {
    const server = await start({ AUTH_JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'trace' });
    await send(server, 'POST', COLLECTION, tokens.admin, BODY);
    await send(server, 'GET', COLLECTION, tokens.memberA);
    await send(server, 'GET', COLLECTION, `${tokens.admin}x`);
    await send(server, 'GET', COLLECTION, 'not-a-jwt');
    await server.stop();
    const output = server.output();
    expect(output).toContain('request completed');
    for (const token of [tokens.admin, tokens.memberA]) {
      expect(output).not.toContain(token);
      // The signature alone must not appear either.
      expect(output).not.toContain(token.split('.')[2]);
    }
    expect(output).not.toContain('not-a-jwt');
    expect(output.toLowerCase()).not.toContain('bearer');
    expect(output).not.toContain(TEST_SECRET);
  });

  it('logs carry request ID, user ID and template ID', async () => {
    const server = await start({ AUTH_JWT_SECRET: TEST_SECRET });
    const created = await send(server, 'POST', COLLECTION, tokens.admin, BODY);
    await send(server, 'GET', `${COLLECTION}/${created.body.id}`, tokens.admin);
    await server.stop();
    const lines = server.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const createdLine = lines.find((line) => line.msg === 'job template created');
    expect(createdLine).toMatchObject({ user_id: 'user-admin', template_id: created.body.id });
    expect(typeof createdLine?.request_id).toBe('string');
    expect(lines.some((line) => line.msg === 'request completed' && line.template_id === created.body.id)).toBe(true);
  });

  it('development mode logs a working admin token and keeps its secret', async () => {
    const dataDir = join(folder, 'data');
    const first = await start({ DATA_DIR: dataDir });
    const token = /"dev_admin_token":"([^"]+)"/.exec(first.output())?.[1];
    expect(token).toBeDefined();
    expect(first.output()).toContain(`curl -H \\"Authorization: Bearer ${token}\\"`);
    expect((await send(first, 'GET', COLLECTION, token)).status).toBe(200);
    expect(readdirSync(dataDir)).toContain('dev-jwt-secret');
    expect(statSync(join(dataDir, 'dev-jwt-secret')).mode & 0o777).toBe(0o600);
    await first.stop();

    // The secret is reused, so a token from the first start still works.
    const second = await start({ DATA_DIR: dataDir });
    expect((await send(second, 'GET', COLLECTION, token)).status).toBe(200);
  });

  it('production refuses to start without key configuration', async () => {
    const result = await runServerExpectingExit({ NODE_ENV: 'production', DATABASE_URL: `sqlite:${join(folder, 'db.sqlite')}` });
    expect(result.code).toBe(1);
    expect(result.output).toContain('AUTH_JWT_SECRET');
    expect(result.output).toContain('AUTH_JWKS_URL');
  });

  it('an invalid variable stops the start with its name', async () => {
    const result = await runServerExpectingExit({ PORT: 'eighty', AUTH_JWT_SECRET: TEST_SECRET });
    expect(result.code).toBe(1);
    expect(result.output).toContain('PORT="eighty" is invalid');
  });

  it('SIGTERM lets an in-flight request finish', async () => {
    const server = await start({ AUTH_JWT_SECRET: TEST_SECRET });
    const pending = send(server, 'POST', COLLECTION, tokens.admin, BODY);
    server.child.kill('SIGTERM');
    const response = await pending.catch((error: unknown) => ({ status: 0, error }));
    // Either the request completed before the listener closed, or it was never accepted; it never fails half-way.
    expect([0, 201, 503]).toContain(response.status);
    expect(await server.stop()).toBe(0);
  });
});
