import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { TEST_STORE_KIND } from '../helpers/test-store.js';
import { createTestTokens, TEST_SECRET, type TestTokens } from '../helpers/tokens.js';

const COLLECTION = '/api/workflow/job-templates';
const CTR = { name: 'main', image: 'busybox:1.36' };

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, any>;
}

async function send(baseUrl: string, method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

function databaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? '';
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

describe.runIf(TEST_STORE_KIND === 'postgres')('several instances on one PostgreSQL database', () => {
  let schema: string;
  let tokens: TestTokens;
  const servers: ServerProcess[] = [];

  beforeEach(async () => {
    schema = `test_${randomBytes(6).toString('hex')}`;
    tokens = await createTestTokens();
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      await server.stop('SIGKILL');
    }
    await dropSchema(schema);
  });

  async function startInstances(count: number, env: Record<string, string> = {}): Promise<string[]> {
    const started = await Promise.all(
      Array.from({ length: count }, () =>
        startServer({ DATABASE_URL: databaseUrl(), PG_SCHEMA: schema, AUTH_JWT_SECRET: TEST_SECRET, ...env }),
      ),
    );
    servers.push(...started);
    return started.map((server) => server.baseUrl);
  }

  it('two instances starting at once on an empty database both come up', async () => {
    const [first, second] = await startInstances(2);
    expect((await fetch(`${first}/readyz`)).status).toBe(200);
    expect((await fetch(`${second}/readyz`)).status).toBe(200);
  });

  it('a write on one instance is read on the other', async () => {
    const [first, second] = (await startInstances(2)) as [string, string];
    const created = await send(first, 'POST', COLLECTION, tokens.admin, { name: 'shared', scope: 'global', containers: [CTR] });
    expect(created.status).toBe(201);
    const read = await send(second, 'GET', `${COLLECTION}/${created.body.id}`, tokens.admin);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(read.headers.get('etag')).toBe(created.headers.get('etag'));
  });

  it('concurrent creates of one name over both instances have one winner', async () => {
    const urls = await startInstances(2);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        send(urls[index % 2]!, 'POST', COLLECTION, tokens.admin, { name: 'race', scope: 'global', containers: [CTR] }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
  });

  it('concurrent If-Match updates over both instances have one winner', async () => {
    const urls = await startInstances(2);
    const created = await send(urls[0]!, 'POST', COLLECTION, tokens.admin, { name: 'hot', scope: 'global', containers: [CTR] });
    const etag = created.headers.get('etag')!;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        send(urls[index % 2]!, 'PUT', `${COLLECTION}/${created.body.id}`, tokens.admin, { description: `d${index}` }, { 'if-match': etag }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412)).toHaveLength(9);
  });

  it('concurrent updates without If-Match over both instances all apply', async () => {
    const urls = await startInstances(2);
    const created = await send(urls[0]!, 'POST', COLLECTION, tokens.admin, { name: 'hot', scope: 'global', containers: [CTR] });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        send(urls[index % 2]!, 'PUT', `${COLLECTION}/${created.body.id}`, tokens.admin, { description: `d${index}` }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 200));
    const final = await send(urls[1]!, 'GET', `${COLLECTION}/${created.body.id}`, tokens.admin);
    const winner = answers.find((answer) => answer.headers.get('etag') === final.headers.get('etag'));
    expect(winner?.body.description).toBe(final.body.description);
  });
});

describe.runIf(TEST_STORE_KIND === 'postgres')('losing the PostgreSQL connection', () => {
  let schema: string;
  let tokens: TestTokens;
  let proxy: TcpProxy;
  let server: ServerProcess;

  beforeEach(async () => {
    schema = `test_${randomBytes(6).toString('hex')}`;
    tokens = await createTestTokens();
    const target = new URL(databaseUrl());
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    target.host = `127.0.0.1:${proxy.port}`;
    server = await startServer({
      DATABASE_URL: target.toString(),
      PG_SCHEMA: schema,
      AUTH_JWT_SECRET: TEST_SECRET,
      PG_STATEMENT_TIMEOUT_MS: '1500',
      PG_CONNECTION_TIMEOUT_MS: '1000',
    });
  });
  afterEach(async () => {
    await server.stop('SIGKILL');
    await proxy.close();
    await dropSchema(schema);
  });

  async function expectUnavailable(): Promise<void> {
    const started = Date.now();
    const list = await send(server.baseUrl, 'GET', COLLECTION, tokens.admin);
    expect(list.status).toBe(503);
    expect(list.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(list.body.code).toBe('service_unavailable');
    const create = await send(server.baseUrl, 'POST', COLLECTION, tokens.admin, { name: 'during-outage', scope: 'global', containers: [CTR] });
    expect(create.status).toBe(503);
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(503);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    // Each call is bounded by the connection and statement timeouts, never an open-ended hang.
    expect(Date.now() - started).toBeLessThan(12_000);
  }

  async function expectRecovered(id: string): Promise<void> {
    let ready = 0;
    for (let attempt = 0; attempt < 50 && ready !== 200; attempt += 1) {
      ready = (await fetch(`${server.baseUrl}/readyz`)).status;
      if (ready !== 200) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    expect(ready).toBe(200);
    expect((await send(server.baseUrl, 'GET', `${COLLECTION}/${id}`, tokens.admin)).status).toBe(200);
    const after = await send(server.baseUrl, 'POST', COLLECTION, tokens.admin, { name: 'after-outage', scope: 'global', containers: [CTR] });
    expect(after.status).toBe(201);
  }

  it('a cut connection gives 503 and recovers without restart', async () => {
    const before = await send(server.baseUrl, 'POST', COLLECTION, tokens.admin, { name: 'before-outage', scope: 'global', containers: [CTR] });
    expect(before.status).toBe(201);
    proxy.cut();
    await expectUnavailable();
    proxy.restore();
    await expectRecovered(before.body.id);
    expect(server.output()).not.toMatch(/"level":50/);
  });

  it('a silent network gives 503 within the timeouts and recovers', async () => {
    const before = await send(server.baseUrl, 'POST', COLLECTION, tokens.admin, { name: 'before-outage', scope: 'global', containers: [CTR] });
    expect(before.status).toBe(201);
    proxy.blackhole();
    await expectUnavailable();
    proxy.cut();
    proxy.restore();
    await expectRecovered(before.body.id);
    expect(server.child.exitCode).toBeNull();
  });
});
