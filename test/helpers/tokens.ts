import { SignJWT } from 'jose';

/** The HS256 secret every test app verifies tokens with. */
export const TEST_SECRET = 'job-template-test-secret-0123456789abcdef';

export interface TokenClaims {
  readonly sub?: unknown;
  readonly roles?: unknown;
  readonly projects?: unknown;
  readonly [claim: string]: unknown;
}

/** Signs an HS256 token with the test secret, valid for an hour unless the claims set another expiry. */
export async function signToken(claims: TokenClaims, secret: string = TEST_SECRET): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ exp: now + 3600, iat: now, ...claims } as Record<string, unknown>)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

/** Tokens of the usual test users. */
export interface TestTokens {
  /** Platform administrator `user-admin`. */
  readonly admin: string;
  /** `user-a`, member of proj-a. */
  readonly memberA: string;
  /** `user-b`, member of proj-b. */
  readonly memberB: string;
  /** `user-x`, member of no project. */
  readonly outsider: string;
}

export async function createTestTokens(): Promise<TestTokens> {
  return {
    admin: await signToken({ sub: 'user-admin', roles: ['admin'], projects: [] }),
    memberA: await signToken({ sub: 'user-a', roles: [], projects: ['proj-a'] }),
    memberB: await signToken({ sub: 'user-b', roles: [], projects: ['proj-b'] }),
    outsider: await signToken({ sub: 'user-x', roles: [], projects: [] }),
  };
}
