import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, type AppOptions } from '../../src/app.js';
import { createTokenVerifier } from '../../src/auth/token-verifier.js';
import { startService, type RunningService } from '../../src/server.js';
import { COLLECTION } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-store.js';
import { createTestTokens, TEST_SECRET, type TestTokens } from '../helpers/tokens.js';

describe('request limits', () => {
  let database: TestDatabase;
  let app: FastifyInstance | undefined;
  let tokens: TestTokens;

  beforeEach(async () => {
    database = await createTestDatabase();
    tokens = await createTestTokens();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await database.drop();
  });

  async function start(options: Partial<AppOptions>): Promise<FastifyInstance> {
    const store = await database.openStore();
    app = await buildApp({ store, verifier: createTokenVerifier({ secret: TEST_SECRET, clockSkewSeconds: 30 }), ...options });
    await app.ready();
    return app;
  }

  const list = (target: FastifyInstance, token?: string, remoteAddress = '127.0.0.1') =>
    target.inject({ url: COLLECTION, remoteAddress, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  it('rate limit answers 429 with Retry-After past the limit', async () => {
    const target = await start({ rateLimitPerMinute: 3 });
    for (let index = 0; index < 3; index += 1) {
      expect((await list(target, tokens.admin)).statusCode).toBe(200);
    }
    const limited = await list(target, tokens.admin);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ status: 429, code: 'too_many_requests' });
  });

  it('rate limit counts each user separately', async () => {
    const target = await start({ rateLimitPerMinute: 2 });
    await list(target, tokens.admin);
    await list(target, tokens.admin);
    expect((await list(target, tokens.admin)).statusCode).toBe(429);
    expect((await list(target, tokens.memberA)).statusCode).toBe(200);
  });

  it('rate limit keys unauthenticated requests by address', async () => {
    const target = await start({ rateLimitPerMinute: 2 });
    expect((await list(target, undefined, '10.0.0.1')).statusCode).toBe(401);
    expect((await list(target, undefined, '10.0.0.1')).statusCode).toBe(401);
    expect((await list(target, undefined, '10.0.0.1')).statusCode).toBe(429);
    expect((await list(target, undefined, '10.0.0.2')).statusCode).toBe(401);
    // A user is not limited by failures from the same address.
    expect((await list(target, tokens.admin, '10.0.0.1')).statusCode).toBe(200);
  });

  it('rate limit 0 turns limiting off', async () => {
    const target = await start({ rateLimitPerMinute: 0 });
    for (let index = 0; index < 20; index += 1) {
      expect((await list(target, tokens.admin)).statusCode).toBe(200);
    }
  });

  it('operational endpoints are not rate limited', async () => {
    const target = await start({ rateLimitPerMinute: 1 });
    for (let index = 0; index < 5; index += 1) {
      expect((await target.inject({ url: '/healthz' })).statusCode).toBe(200);
    }
  });

  it('more than 64 query parameters is 400', async () => {
    const target = await start({});
    const query = Array.from({ length: 65 }, (_, index) => `p${index}=1`).join('&');
    const response = await target.inject({ url: `${COLLECTION}?${query}`, headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('bad_request');
    const allowed = Array.from({ length: 64 }, () => 'scope=global').join('&');
    // 64 parameters pass the cap; the repetition is then reported by the list's own validation.
    expect((await target.inject({ url: `${COLLECTION}?${allowed}`, headers: { authorization: `Bearer ${tokens.admin}` } })).statusCode).toBe(422);
  });

  it('CORS is off by default', async () => {
    const target = await start({});
    const response = await target.inject({ url: COLLECTION, headers: { origin: 'https://evil.example', authorization: `Bearer ${tokens.admin}` } });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await target.inject({
      method: 'OPTIONS',
      url: COLLECTION,
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('CORS allows only listed origins', async () => {
    const target = await start({ corsAllowedOrigins: ['https://console.example'] });
    const preflight = await target.inject({
      method: 'OPTIONS',
      url: COLLECTION,
      headers: { origin: 'https://console.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,if-match' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://console.example');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('if-match');
    const response = await target.inject({ url: COLLECTION, headers: { origin: 'https://console.example', authorization: `Bearer ${tokens.admin}` } });
    expect(response.headers['access-control-allow-origin']).toBe('https://console.example');
    expect(String(response.headers['access-control-expose-headers'])).toContain('ETag');
    const foreign = await target.inject({ url: COLLECTION, headers: { origin: 'https://evil.example', authorization: `Bearer ${tokens.admin}` } });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('docs carry security headers', async () => {
    const target = await start({});
    const response = await target.inject({ url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  });
});

describe('slow clients', () => {
  let folder: string;
  let service: RunningService;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'job-templates-limits-'));
    service = await startService(
      { PORT: '0', DATABASE_URL: `sqlite:${join(folder, 'db.sqlite')}`, AUTH_JWT_SECRET: TEST_SECRET, HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2000', LOG_LEVEL: 'silent' },
      { write: () => undefined },
    );
  });
  afterEach(async () => {
    await service.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('connection that never finishes its headers is closed', async () => {
    const url = new URL(service.baseUrl);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const started = Date.now();
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // Node.js responds 408 and closes within the headers timeout plus one check interval.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(received).toContain('application/problem+json');
    expect(received).toContain('"code":"request_timeout"');
  });

  it('oversized headers get a 431 problem document', async () => {
    const url = new URL(service.baseUrl);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(received).toMatch(/^HTTP\/1\.1 431/);
    expect(received).toContain('"code":"headers_too_large"');
  });
});
