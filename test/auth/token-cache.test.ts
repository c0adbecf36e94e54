import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthenticationError, createTokenVerifier } from '../../src/auth/token-verifier.js';

const SECRET = 'token-cache-test-secret-0123456789abcdef';

async function sign(claims: Record<string, unknown>, secret = SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

describe('verified token cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('repeated token returns the same principal', async () => {
    const verifier = createTokenVerifier({ secret: SECRET, clockSkewSeconds: 0 });
    const token = await sign({ sub: 'u', exp: Math.floor(Date.now() / 1000) + 60 });
    const first = await verifier.verify(`Bearer ${token}`);
    const second = await verifier.verify(`Bearer ${token}`);
    expect(second).toBe(first);
  });

  it('cached token is rejected once expired', async () => {
    vi.useFakeTimers({ now: new Date('2026-06-01T00:00:00Z') });
    const verifier = createTokenVerifier({ secret: SECRET, clockSkewSeconds: 5 });
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = await sign({ sub: 'u', exp });
    await verifier.verify(`Bearer ${token}`);

    vi.setSystemTime(exp * 1000 + 4000);
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ userId: 'u' });

    vi.setSystemTime(exp * 1000 + 5000);
    const rejection = await verifier.verify(`Bearer ${token}`).catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(AuthenticationError);
    expect((rejection as AuthenticationError).reason).toBe('expired');
  });

  it('changed signature is never served from the cache', async () => {
    const verifier = createTokenVerifier({ secret: SECRET, clockSkewSeconds: 0 });
    const token = await sign({ sub: 'u', exp: Math.floor(Date.now() / 1000) + 60 });
    await verifier.verify(`Bearer ${token}`);
    const forged = await sign({ sub: 'u', exp: Math.floor(Date.now() / 1000) + 60 }, 'another-secret-0123456789abcdef012345');
    await expect(verifier.verify(`Bearer ${forged}`)).rejects.toMatchObject({ reason: 'invalid_signature' });
  });

  it('full cache drops the oldest token and still verifies it', async () => {
    const verifier = createTokenVerifier({ secret: SECRET, clockSkewSeconds: 0, cacheSize: 2 });
    const exp = Math.floor(Date.now() / 1000) + 60;
    const tokens = await Promise.all(['a', 'b', 'c'].map((sub) => sign({ sub, exp })));
    const principals = [];
    for (const token of tokens) {
      principals.push(await verifier.verify(`Bearer ${token}`));
    }
    // 'a' was dropped, so it is verified again into a new principal; 'c' is still cached.
    expect(await verifier.verify(`Bearer ${tokens[0]}`)).not.toBe(principals[0]);
    expect(await verifier.verify(`Bearer ${tokens[2]}`)).toBe(principals[2]);
  });

  it('size 0 turns the cache off', async () => {
    const verifier = createTokenVerifier({ secret: SECRET, clockSkewSeconds: 0, cacheSize: 0 });
    const token = await sign({ sub: 'u', exp: Math.floor(Date.now() / 1000) + 60 });
    expect(await verifier.verify(`Bearer ${token}`)).not.toBe(await verifier.verify(`Bearer ${token}`));
  });
});

describe('sub claim text', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['unpaired surrogate', 'a\ud800b'],
    ['control character', 'a\nb'],
    ['overlong', 'x'.repeat(1025)],
  ])('%s in sub is rejected', async (_label, sub) => {
    const verifier = createTokenVerifier({ secret: SECRET, clockSkewSeconds: 0 });
    const token = await sign({ sub, exp: Math.floor(Date.now() / 1000) + 60 });
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toMatchObject({ reason: 'invalid_claims' });
  });

  it('Chinese sub is accepted', async () => {
    const verifier = createTokenVerifier({ secret: SECRET, clockSkewSeconds: 0 });
    const token = await sign({ sub: '用户-1', exp: Math.floor(Date.now() / 1000) + 60 });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ userId: '用户-1' });
  });
});

describe('key and claim checks', () => {
  it('RSA key under 2048 bits is rejected at creation', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => createTokenVerifier({ publicKeyPem: pem, clockSkewSeconds: 0 })).toThrow(/at least 2048 bits/);
  });

  it('projects that cannot be project IDs are ignored', async () => {
    const verifier = createTokenVerifier({ secret: SECRET, clockSkewSeconds: 0 });
    const token = await sign({ sub: 'u', projects: ['proj-a', 'a\u0000b', '', 'x'.repeat(129), 'with space'], exp: Math.floor(Date.now() / 1000) + 60 });
    const principal = await verifier.verify(`Bearer ${token}`);
    expect([...principal.projects]).toEqual(['proj-a']);
  });
});
