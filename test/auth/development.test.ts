import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateDevelopmentSecret, signDevelopmentToken } from '../../src/auth/development.js';
import { createTokenVerifier } from '../../src/auth/token-verifier.js';

const THIRTY_DAYS_SECONDS = 30 * 24 * 60 * 60;

let tempDir: string;

beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'dev-secret-'));
});

afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

describe('loadOrCreateDevelopmentSecret', () => {
  it('creates secret in nested folder', async () => {
    const dataDir = join(tempDir, 'a', 'b');

    const secret = await loadOrCreateDevelopmentSecret(dataDir);

    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect((await readFile(join(dataDir, 'dev-jwt-secret'), 'utf8')).trim()).toBe(secret);
  });

  it('creates file with mode 0600', async () => {
    await loadOrCreateDevelopmentSecret(tempDir);

    const { mode } = await stat(join(tempDir, 'dev-jwt-secret'));
    expect(mode & 0o777).toBe(0o600);
  });

  it('reuses existing secret', async () => {
    const first = await loadOrCreateDevelopmentSecret(tempDir);
    const second = await loadOrCreateDevelopmentSecret(tempDir);

    expect(second).toBe(first);
  });

  it('creates one secret for concurrent calls', async () => {
    const secrets = await Promise.all([loadOrCreateDevelopmentSecret(tempDir), loadOrCreateDevelopmentSecret(tempDir)]);

    expect(secrets[1]).toBe(secrets[0]);
  });

  it('trims hand-written secret', async () => {
    await writeFile(join(tempDir, 'dev-jwt-secret'), '  hand-written-secret-of-enough-length-1234\n');

    await expect(loadOrCreateDevelopmentSecret(tempDir)).resolves.toBe('hand-written-secret-of-enough-length-1234');
  });

  it('rejects empty secret file', async () => {
    await writeFile(join(tempDir, 'dev-jwt-secret'), '\n');

    await expect(loadOrCreateDevelopmentSecret(tempDir)).rejects.toThrow(/is empty/);
  });
});

describe('signDevelopmentToken', () => {
  it('verifies as admin', async () => {
    const secret = await loadOrCreateDevelopmentSecret(tempDir);
    const verifier = createTokenVerifier({ secret, clockSkewSeconds: 0 });
    const before = Math.floor(Date.now() / 1000);

    const principal = await verifier.verify(`Bearer ${await signDevelopmentToken(secret)}`);

    expect(principal.userId).toBe('dev-admin');
    expect(principal.isAdmin).toBe(true);
    expect(principal.projects.size).toBe(0);
    expect(principal.expiresAt).toBeGreaterThanOrEqual(before + THIRTY_DAYS_SECONDS);
    expect(principal.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + THIRTY_DAYS_SECONDS);
  });

  it('uses HS256 header', async () => {
    const token = await signDevelopmentToken(await loadOrCreateDevelopmentSecret(tempDir));

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('sets iat and custom lifetime', async () => {
    const token = await signDevelopmentToken(await loadOrCreateDevelopmentSecret(tempDir), 120);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

    expect(payload).toMatchObject({ sub: 'dev-admin', roles: ['admin'], projects: [] });
    expect(typeof payload.iat).toBe('number');
    expect(payload.exp).toBe((payload.iat as number) + 120);
  });

  it('fails verification with another secret', async () => {
    const token = await signDevelopmentToken(await loadOrCreateDevelopmentSecret(tempDir));
    const verifier = createTokenVerifier({ secret: 'another-secret-that-is-32-bytes-long!', clockSkewSeconds: 0 });

    await expect(verifier.verify(`Bearer ${token}`)).rejects.toMatchObject({ reason: 'invalid_signature' });
  });

  it('rejects invalid lifetime', async () => {
    await expect(signDevelopmentToken('secret', 0)).rejects.toThrow(RangeError);
    await expect(signDevelopmentToken('secret', -5)).rejects.toThrow(RangeError);
    await expect(signDevelopmentToken('secret', 1.5)).rejects.toThrow(RangeError);
    await expect(signDevelopmentToken('secret', Number.NaN)).rejects.toThrow(RangeError);
  });
});
